#include "client/client_options.hpp"

#include "protocol/url.hpp"

namespace bh::client {

namespace {

Status check_base_url(const ClientOptions& o) {
  auto url = protocol::parse_url(o.base_url);
  if (!url) return url.error().within("option base_url");
  if (url->scheme == "https" && !o.https_supported)
    return make_error("option base_url", "https is not supported yet", "an http:// URL",
                      "\"" + o.base_url + "\"");
  if (url->target.find('?') != std::string::npos)
    return make_error("option base_url", "a FHIR base must not carry a query",
                      "http://host[:port]/path", "\"" + o.base_url + "\"");
  return Ok{};
}

}  // namespace

Status validate_options(const ClientOptions& o) {
  if (auto base = check_base_url(o); !base) return base;
  if (o.level == protocol::ExportLevel::kGroup && o.group_id.empty())
    return make_error("option group_id", "group level needs a Group id", "a non-empty id", "\"\"");
  if (o.group_id.find_first_of("/?#") != std::string::npos)
    return make_error("option group_id", "not a FHIR id", "[A-Za-z0-9-.]{1,64}",
                      "\"" + o.group_id + "\"");
  if (o.max_parallel_downloads == 0)
    return make_error("option max_parallel_downloads", "must be positive", ">= 1", "0");
  if (o.max_consecutive_failures == 0)
    return make_error("option max_consecutive_failures", "must be positive", ">= 1", "0");
  if (o.max_requests == 0)
    return make_error("option max_requests", "must be positive", ">= 1", "0");
  if (o.backoff.initial.count() <= 0 || o.backoff.factor < 1.0 || o.backoff.jitter < 0.0 ||
      o.backoff.jitter >= 1.0 || o.backoff.cap < o.backoff.initial)
    return make_error("option backoff", "inconsistent policy",
                      "initial > 0, factor >= 1, 0 <= jitter < 1, cap >= initial");
  if (o.min_wait.count() < 0) return make_error("option min_wait", "must not be negative", ">= 0");
  if (o.smart && o.bearer_token)
    return make_error("option smart", "a fixed bearer token and SMART auth exclude each other");
  if (o.smart && (o.smart->client_id.empty() || !o.smart->key))
    return make_error("option smart", "needs a client id and a private key");
  if (o.smart && (o.smart->assertion_lifetime <= Duration::zero() ||
                  o.smart->assertion_lifetime > seconds(300)))
    return make_error("option smart.assertion_lifetime", "out of range", "(0, 300 s]");
  if (o.max_line_bytes < 1024)
    return make_error("option max_line_bytes", "too small for a FHIR resource", ">= 1024",
                      std::to_string(o.max_line_bytes));
  return Ok{};
}

}  // namespace bh::client
