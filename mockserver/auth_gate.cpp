#include "mockserver/auth_gate.hpp"

#include <nlohmann/json.hpp>

#include "protocol/url.hpp"

namespace bh::mockserver {

namespace {
void add_split(std::vector<std::string>& out, const std::string& csv) {
  std::size_t i = 0;
  while (i <= csv.size()) {
    const std::size_t j = std::min(csv.find(',', i), csv.size());
    std::string t(protocol::trim(std::string_view(csv).substr(i, j - i)));
    if (!t.empty()) out.push_back(std::move(t));
    i = j + 1;
  }
}

std::string path_of(const std::string& target) {
  auto t = protocol::split_target(target);
  return t ? t->path : std::string();
}
}  // namespace

std::vector<std::string> requested_types(const protocol::Request& request) {
  std::vector<std::string> out;
  if (request.method == "GET") {
    if (auto t = protocol::split_target(request.target))
      for (const auto& [k, v] : t->query)
        if (k == "_type") add_split(out, v);
    return out;
  }
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("parameter") || !body["parameter"].is_array()) return out;
  for (const auto& p : body["parameter"])
    if (p.is_object() && p.value("name", "") == "_type" && p.contains("valueString") &&
        p["valueString"].is_string())
      add_split(out, p["valueString"].get<std::string>());
  return out;
}

AuthGate::AuthGate(auth::TokenServiceConfig config, auth::JwksFetcher fetcher,
                   std::string base_path)
    : tokens_(std::move(config), std::move(fetcher)),
      discovery_path_(std::move(base_path) + "/.well-known/smart-configuration") {
  auto url = protocol::parse_url(tokens_.config().token_url);
  token_path_ = url ? path_of(url->target) : "/auth/token";
}

std::optional<protocol::Endpoint> AuthGate::classify(const protocol::Request& request) const {
  const std::string path = path_of(request.target);
  if (path == token_path_) return protocol::Endpoint::kToken;
  if (path == discovery_path_) return protocol::Endpoint::kDiscovery;
  return std::nullopt;
}

std::optional<protocol::Response> AuthGate::gate(const protocol::Request& request,
                                                 const protocol::RequestClass& cls, Instant now,
                                                 AuthFacts& facts) {
  using E = protocol::Endpoint;
  switch (cls.endpoint) {
    case E::kDiscovery:
      return tokens_.discovery();
    case E::kToken:
      facts.token_request = true;
      return tokens_.token(request, now, facts.decision);
    case E::kMetadata:
    case E::kOther:
      return std::nullopt;
    case E::kFile:
      if (open_jobs_.contains(cls.job_id)) return std::nullopt;
      break;
    default:
      break;
  }
  facts.bearer_checked = true;
  const auto types =
      cls.endpoint == E::kKickoff ? requested_types(request) : std::vector<std::string>{};
  // No _type means every type: only a wildcard scope covers that.
  const std::vector<std::string> needed =
      cls.endpoint == E::kKickoff && types.empty() ? std::vector<std::string>{"*"} : types;
  return tokens_.check_bearer(request, now, needed, facts.bearer);
}

}  // namespace bh::mockserver
