// MockServer's admin API for SMART client registration (AUTH-09: a JWKS by value or by URL).
#include "mockserver/mock_server.hpp"
#include "protocol/responses.hpp"
#include "protocol/url.hpp"

namespace bh::mockserver {

namespace {
using Json = nlohmann::ordered_json;

protocol::Response answer(int status, const Json& body) {
  return protocol::json_response(status, body, "application/json");
}

Result<auth::ClientRegistration> read_registration(const std::string& text) {
  const std::string where = "POST /__admin/clients";
  auto j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(where, "not a JSON object",
                      "{\"client_id\": ..., \"jwks\": {...} or \"jwks_url\": ...}");
  auth::ClientRegistration c;
  if (!j.contains("client_id") || !j["client_id"].is_string() ||
      j["client_id"].get<std::string>().empty())
    return make_error(where + ": /client_id", "missing or not a non-empty string");
  c.client_id = j["client_id"];
  const bool by_value = j.contains("jwks");
  const bool by_url = j.contains("jwks_url");
  if (by_value == by_url)
    return make_error(where, "give exactly one of jwks (by value) and jwks_url (by URL)");
  if (by_value) {
    auto jwks = auth::Jwks::parse(j["jwks"].dump(), where + ": /jwks");
    if (!jwks) return jwks.error();
    c.jwks = std::move(*jwks);
  } else {
    if (!j["jwks_url"].is_string() || !protocol::is_absolute_url(j["jwks_url"].get<std::string>()))
      return make_error(where + ": /jwks_url", "not an absolute http(s) URL");
    c.jwks_url = j["jwks_url"];
  }
  if (j.contains("scopes")) {
    if (!j["scopes"].is_array()) return make_error(where + ": /scopes", "not an array of strings");
    for (const auto& s : j["scopes"]) {
      if (!s.is_string()) return make_error(where + ": /scopes", "not an array of strings");
      c.allowed_scopes.push_back(s);
    }
  }
  return c;
}

Json describe(const auth::ClientRegistration& c) {
  Json j = {{"client_id", c.client_id}};
  if (c.jwks) j["jwks_keys"] = c.jwks->size();
  if (!c.jwks_url.empty()) j["jwks_url"] = c.jwks_url;
  j["scopes"] = c.allowed_scopes;
  return j;
}
}  // namespace

protocol::Response MockServer::admin_clients(const protocol::Request& request) {
  if (gate() == nullptr)
    return answer(409, {{"error",
                         "SMART auth is off: start serve with --auth smart, or give "
                         "the scenario an \"auth\" block"}});
  if (request.method == "GET") {
    Json list = Json::array();
    for (const auto& c : gate()->tokens().clients())
      list.push_back(describe(c));
    return answer(200, {{"clients", list}});
  }
  auto c = read_registration(request.body);
  if (!c) return answer(400, {{"error", c.error().message()}});
  // Kept in the config too, so a reset or a new scenario keeps the registration.
  if (!config_.auth) config_.auth = auth::TokenServiceConfig{};
  auto& list = config_.auth->clients;
  std::erase_if(list, [&](const auto& x) { return x.client_id == c->client_id; });
  list.push_back(*c);
  gate()->tokens().register_client(*c);
  return answer(200, {{"registered", describe(*c)}});
}

}  // namespace bh::mockserver
