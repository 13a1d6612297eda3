#include "client/request_factory.hpp"

#include "protocol/export_request.hpp"
#include "protocol/fhir_instant.hpp"

namespace bh::client {

namespace {

using protocol::ExportLevel;
using protocol::IgVersion;

protocol::Request base_request(std::string method, const protocol::Url& url, std::string accept,
                               const std::optional<std::string>& token) {
  protocol::Request req;
  req.method = std::move(method);
  req.target = url.target;
  req.headers.add("Accept", std::move(accept));
  req.headers.add("User-Agent", kUserAgent);
  if (token) req.headers.add("Authorization", "Bearer " + *token);
  return req;
}

std::string join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// Parameters in the order the OperationDefinition lists them, then the caller's extras.
protocol::QueryParams kickoff_params(const ClientOptions& o, bool split_types) {
  protocol::QueryParams params;
  if (o.since) params.emplace_back("_since", protocol::format_fhir_instant(*o.since));
  if (!o.types.empty()) {
    if (split_types) {
      for (const auto& t : o.types)
        params.emplace_back("_type", t);
    } else {
      params.emplace_back("_type", join(o.types, ','));
    }
  }
  for (const auto& extra : o.extra_params)
    params.push_back(extra);
  return params;
}

}  // namespace

Result<protocol::Url> kickoff_url(const ClientOptions& o) {
  auto base = protocol::parse_url(o.base_url);
  if (!base) return base.error().within("option base_url");
  std::string path = base->target;
  while (!path.empty() && path.back() == '/')
    path.pop_back();
  switch (o.level) {
    case ExportLevel::kSystem:
      path += "/$export";
      break;
    case ExportLevel::kPatient:
      path += "/Patient/$export";
      break;
    case ExportLevel::kGroup:
      path += "/Group/" + protocol::percent_encode(o.group_id) + "/$export";
      break;
  }
  base->target = path;
  return base;
}

Result<BuiltRequest> build_kickoff(const ClientOptions& o) {
  auto url = kickoff_url(o);
  if (!url) return url.error();
  const bool post = o.use_post;
  const auto params = kickoff_params(o, post && o.ig_version == IgVersion::kV4_0_0_ballot);
  if (!post && !params.empty()) url->target += "?" + protocol::build_query(params);
  BuiltRequest out{
      base_request(post ? "POST" : "GET", *url, "application/fhir+json", o.bearer_token),
      url->str()};
  out.req.headers.add("Prefer", "respond-async");
  if (post) {
    out.req.headers.add("Content-Type", "application/fhir+json");
    out.req.body = protocol::build_parameters_body(params, o.ig_version);
  }
  return out;
}

BuiltRequest build_status_get(const protocol::Url& status_url, const ClientOptions& o) {
  return {base_request("GET", status_url, "application/json", o.bearer_token), status_url.str()};
}

BuiltRequest build_file_get(const protocol::Url& file_url,
                            const std::optional<std::string>& bearer_token) {
  return {base_request("GET", file_url, "application/fhir+ndjson", bearer_token), file_url.str()};
}

BuiltRequest build_delete(const protocol::Url& status_url, const ClientOptions& o) {
  // Accept: a DELETE answer is at most an OperationOutcome (DEL-02, DEL-03).
  return {base_request("DELETE", status_url, "application/fhir+json", o.bearer_token),
          status_url.str()};
}

}  // namespace bh::client
