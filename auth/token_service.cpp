#include "auth/token_service.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>


namespace bh::auth {

namespace {

constexpr std::size_t kMaxTokens = 100000;  // bounded memory: expired tokens are forgotten

}  // namespace

std::optional<std::string> bearer_of(const protocol::Request& request) {
  auto h = request.headers.get("Authorization");
  if (!h) return std::nullopt;
  const std::string_view v = protocol::trim(*h);
  if (v.size() <= 7 || !protocol::iequals(v.substr(0, 7), "Bearer ")) return std::nullopt;
  return std::string(protocol::trim(v.substr(7)));
}

bool scopes_cover(const std::vector<std::string>& scopes, const std::string& type) {
  for (const auto& s : scopes) {
    const auto dot = s.rfind('.');
    if (dot == std::string::npos || !s.starts_with("system/")) continue;
    const std::string who = s.substr(7, dot - 7);
    const std::string what = s.substr(dot + 1);
    // v1 read or *, v2 any permission string containing r (read).
    const bool reads = what == "read" || what == "*" || what.find('r') != std::string::npos;
    if (reads && (who == "*" || who == type)) return true;
  }
  return false;
}

TokenService::TokenService(TokenServiceConfig config, JwksFetcher fetcher)
    : config_(std::move(config)), fetcher_(std::move(fetcher)) {}

void TokenService::reset() {
  fetched_.clear();
  tokens_.clear();
  jtis_.clear();
  issued_ = 0;
}

protocol::Response TokenService::discovery() const {
  nlohmann::ordered_json doc = {
      {"token_endpoint", config_.token_url},
      {"token_endpoint_auth_methods_supported", {"private_key_jwt"}},
      {"token_endpoint_auth_signing_alg_values_supported", {"RS384", "ES384"}},
      {"grant_types_supported", {"client_credentials"}},
      {"scopes_supported", {"system/*.read", "system/*.rs"}},
      {"capabilities", {"client-confidential-asymmetric"}},
  };
  protocol::Response r;
  r.headers.set("Content-Type", "application/json");
  r.body = doc.dump();
  return r;
}

void TokenService::register_client(ClientRegistration client) {
  fetched_.erase(client.client_id);
  for (auto& c : config_.clients)
    if (c.client_id == client.client_id) {
      c = std::move(client);
      return;
    }
  config_.clients.push_back(std::move(client));
}

ClientRegistration* TokenService::find_client(const std::string& id) {
  for (auto& c : config_.clients)
    if (c.client_id == id) return &c;
  return nullptr;
}

Result<const Jwks*> TokenService::keys_for(ClientRegistration& client, bool refetch) {
  if (client.jwks) return &*client.jwks;
  if (client.jwks_url.empty())
    return make_error("client " + client.client_id, "has no JWKS registered");
  if (!refetch)
    if (auto it = fetched_.find(client.client_id); it != fetched_.end()) return &it->second;
  if (!fetcher_) return make_error("jwks_url " + client.jwks_url, "fetching is not available");
  auto text = fetcher_(client.jwks_url);
  if (!text) return text.error().within("JWKS of client " + client.client_id);
  auto jwks = Jwks::parse(*text, client.jwks_url);
  if (!jwks) return jwks.error();
  fetched_.insert_or_assign(client.client_id, std::move(*jwks));
  return &fetched_.at(client.client_id);
}

void TokenService::forget_expired(Instant now) {
  for (auto it = jtis_.begin(); it != jtis_.end();)
    it = it->second <= config_.wire.to_wire(now) ? jtis_.erase(it) : std::next(it);
  if (tokens_.size() < kMaxTokens) return;
  for (auto it = tokens_.begin(); it != tokens_.end();)
    it = it->second.expires <= now ? tokens_.erase(it) : std::next(it);
}

bool TokenService::revoke(const std::string& token) {
  auto it = tokens_.find(token);
  if (it == tokens_.end() || it->second.revoked) return false;
  it->second.revoked = true;
  return true;
}

}  // namespace bh::auth
