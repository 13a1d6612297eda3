#include "auth/jwks.hpp"

#include <optional>

#include "auth/openssl_glue.hpp"
#include "core/strings.hpp"

namespace bh::auth {

namespace {

constexpr std::size_t kMaxJwksText = 1024 * 1024;
constexpr std::size_t kMaxKeys = 100;

// One key of the set, as the members we look at before decoding it.
struct Entry {
  const nlohmann::json& json;
  std::string path;   // "where: /keys/3"
  std::string label;  // "keys[3]: ", for skipped()

  // An optional string member; present but not a string is an error.
  Result<std::optional<std::string>> text(const char* name) const {
    auto it = json.find(name);
    if (it == json.end()) return std::optional<std::string>();
    if (!it->is_string()) return make_error(path + "/" + name, "not a string", "", it->type_name());
    return std::optional<std::string>(it->get<std::string>());
  }
};

// Why this key cannot sign for us, from its kty, use, crv and alg; empty: it may be usable.
Result<std::string> skip_reason(const Entry& e, const std::string& kty) {
  if (kty != "RSA" && kty != "EC") return "kty " + kty + " is not RSA or EC";
  auto use = e.text("use");
  if (!use) return use.error();
  if (*use && **use != "sig") return "use " + **use + " is not sig";
  if (kty == "EC") {
    auto crv = e.text("crv");
    if (!crv) return crv.error();
    if (!*crv) return make_error(e.path + "/crv", "missing", "P-384");
    if (**crv != "P-384") return "crv " + **crv + " is not P-384";
  }
  auto alg = e.text("alg");
  if (!alg) return alg.error();
  if (!*alg) return std::string();
  auto parsed = parse_alg(**alg);
  if (!parsed) return "alg " + **alg + " is not RS384 or ES384";
  if ((*parsed == Alg::kRS384) != (kty == "RSA"))
    return "alg " + **alg + " does not fit kty " + kty;
  return std::string();
}

// The public JWK we keep: the descriptive members given, then the key's own public members.
nlohmann::ordered_json kept_jwk(const Entry& e, const std::string& kty, const std::string& kid,
                                const EVP_PKEY& key) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["kty"] = kty;
  out["kid"] = kid;
  for (const char* name : {"alg", "use", "key_ops"})
    if (auto it = e.json.find(name); it != e.json.end()) out[name] = nlohmann::ordered_json(*it);
  out.update(jwk_members(key, false));
  return out;
}

// nullopt: skipped, with the reason appended to `skipped`.
Result<std::optional<Jwks::Key>> read_key(const nlohmann::json& json, const std::string& where,
                                          std::size_t index, std::vector<std::string>& skipped) {
  const std::string pointer = "/keys/" + std::to_string(index);
  const Entry e{json, where.empty() ? pointer : where + ": " + pointer,
                "keys[" + std::to_string(index) + "]: "};
  if (!json.is_object()) return make_error(e.path, "is not a JSON object", "", json.type_name());
  auto kty = e.text("kty");
  if (!kty) return kty.error();
  if (!*kty) return make_error(e.path + "/kty", "missing", "RSA or EC");
  auto reason = skip_reason(e, **kty);
  if (!reason) return reason.error();
  auto kid = e.text("kid");
  if (!kid) return kid.error();
  if (reason->empty()) {
    auto key = key_from_jwk(json, where, pointer, false);
    if (!key) return key.error();
    auto fits = alg_for_key(**key);
    if (fits) {
      const std::string id = *kid && !(*kid)->empty() ? **kid : jwk_thumbprint(**key);
      auto kept = kept_jwk(e, **kty, id, **key);
      return std::optional<Jwks::Key>(Jwks::Key{id, *fits, share(std::move(*key)), kept});
    }
    *reason = fits.error().what;
  }
  skipped.push_back(e.label + *reason);
  return std::optional<Jwks::Key>();
}

}  // namespace

Result<Jwks> Jwks::parse(std::string_view json_text, std::string_view where_view) {
  const std::string where = where_view.empty() ? "JWKS" : std::string(where_view);
  if (json_text.size() > kMaxJwksText)
    return make_error(where, "is too long", "at most " + std::to_string(kMaxJwksText) + " bytes",
                      std::to_string(json_text.size()) + " bytes");
  auto doc = parse_json_text(json_text, where, "is not JSON");
  if (!doc) return doc.error();
  if (!doc->is_object())
    return make_error(where, "is not a JSON object", "{\"keys\": [...]}", doc->type_name());
  auto keys = doc->find("keys");
  if (keys == doc->end()) return make_error(where + ": /keys", "missing", "an array of JWKs");
  if (!keys->is_array())
    return make_error(where + ": /keys", "is not an array", "an array of JWKs", keys->type_name());
  if (keys->size() > kMaxKeys)
    return make_error(where + ": /keys", "has too many keys", "at most " + std::to_string(kMaxKeys),
                      std::to_string(keys->size()));
  Jwks out;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    auto key = read_key((*keys)[i], where, i, out.skipped_);
    if (!key) return key.error();
    if (*key) out.keys_.push_back(std::move(**key));
  }
  if (out.keys_.empty())
    return make_error(where, "has no usable key", "an RSA (2048 bits or more) or EC P-384 key",
                      out.skipped_.empty() ? "no keys" : join(out.skipped_, "; "));
  return out;
}

Jwks Jwks::of(const std::vector<SigningKey>& keys) {
  Jwks out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto key = read_key(nlohmann::json(keys[i].public_jwk()), "own keys", i, out.skipped_);
    BH_ASSERT(key.ok() && key->has_value(), "a SigningKey's public JWK is always usable");
    out.keys_.push_back(std::move(**key));
  }
  return out;
}

nlohmann::ordered_json Jwks::to_json() const {
  nlohmann::ordered_json keys = nlohmann::ordered_json::array();
  for (const auto& key : keys_)
    keys.push_back(key.jwk);
  return nlohmann::ordered_json{{"keys", std::move(keys)}};
}

}  // namespace bh::auth
