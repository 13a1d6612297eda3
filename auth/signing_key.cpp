#include "auth/signing_key.hpp"

// cpp-jwt is included in this one translation unit: its headers define non-inline functions.
#include <jwt/jwt.hpp>

#include "auth/openssl_glue.hpp"

namespace bh::auth {

namespace {

constexpr std::size_t kMaxKeyText = 1024 * 1024;

// What a key text said about itself besides the key.
struct Parsed {
  Owned<EVP_PKEY> key;
  std::optional<std::string> kid;
  std::optional<std::string> alg;
};

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

Result<Parsed> parse_pem(std::string_view text, const std::string& where) {
  Owned<EVP_PKEY> key = read_private_key_pem(text);
  if (key) return Parsed{std::move(key), {}, {}};
  const std::string reason = openssl_error();
  if (text.find("PUBLIC KEY-----") != std::string_view::npos)
    return make_error(where, "holds only a public key", "a PEM private key");
  if (text.find("ENCRYPTED") != std::string_view::npos)
    return make_error(where, "is passphrase-protected", "an unencrypted PEM private key");
  return make_error(where, "is not a readable PEM private key", "", reason);
}

Result<std::optional<std::string>> optional_text(const nlohmann::json& jwk, const char* name,
                                                 const std::string& where) {
  auto it = jwk.find(name);
  if (it == jwk.end()) return std::optional<std::string>();
  if (!it->is_string()) return make_error(where + ": /" + name, "not a string", "", it->dump());
  return std::optional<std::string>(it->get<std::string>());
}

Result<Parsed> parse_jwk(std::string_view text, const std::string& where) {
  auto jwk = parse_json_text(text, where, "is not JSON");
  if (!jwk) return jwk.error();
  if (!jwk->is_object()) return make_error(where, "is not a JSON object", "", jwk->type_name());
  if (!jwk->contains("d"))
    return make_error(where + ": /d", "missing", "a private JWK (this one is public only)");
  auto key = key_from_jwk(*jwk, where, "", true);
  if (!key) return key.error();
  auto kid = optional_text(*jwk, "kid", where);
  if (!kid) return kid.error();
  auto alg = optional_text(*jwk, "alg", where);
  if (!alg) return alg.error();
  return Parsed{std::move(*key), std::move(*kid), std::move(*alg)};
}

Result<Parsed> parse_text(std::string_view text, const std::string& where) {
  const std::string_view body = trimmed(text);
  if (body.starts_with('{')) return parse_jwk(body, where);
  if (body.find("-----BEGIN") != std::string_view::npos) return parse_pem(body, where);
  return make_error(where, "is neither a PEM private key nor a JWK JSON object");
}

std::string describe(Alg alg) {
  return alg == Alg::kRS384 ? "an RSA key" : "an EC P-384 key";
}

// The argument, else the JWK's alg, else what the key is; it must fit the key.
Result<Alg> choose_alg(Alg fits, std::optional<Alg> wanted,
                       const std::optional<std::string>& jwk_alg, const std::string& where) {
  std::string from = "alg";
  if (!wanted && jwk_alg) {
    auto parsed = parse_alg(*jwk_alg);
    if (!parsed) return parsed.error().within(where + ": /alg");
    wanted = *parsed;
    from = "the JWK's alg";
  }
  if (wanted && *wanted != fits)
    return make_error(
        where, from + " " + std::string(to_string(*wanted)) + " does not fit " + describe(fits),
        std::string(to_string(fits)));
  return fits;
}

Status check_pair(EVP_PKEY& key, const std::string& where) {
  Owned<EVP_PKEY_CTX> ctx{EVP_PKEY_CTX_new_from_pkey(nullptr, &key, nullptr)};
  if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1)
    return make_error(where, "the private key does not match its public key", "", openssl_error());
  return Ok{};
}

}  // namespace

Result<SigningKey> SigningKey::generate(Alg alg, std::string kid) {
  Owned<EVP_PKEY> key{alg == Alg::kRS384
                          ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048})
                          : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")};
  if (!key)
    return make_error("key generation", "failed for " + std::string(to_string(alg)), "",
                      openssl_error());
  if (kid.empty()) kid = jwk_thumbprint(*key);
  return SigningKey(share(std::move(key)), alg, std::move(kid));
}

Result<SigningKey> SigningKey::load(std::string_view text, std::string_view where_view,
                                    std::optional<std::string> kid, std::optional<Alg> alg) {
  const std::string where = where_view.empty() ? "key" : std::string(where_view);
  if (text.size() > kMaxKeyText)
    return make_error(where, "is " + std::to_string(text.size()) + " bytes; no key is that long",
                      "at most " + std::to_string(kMaxKeyText) + " bytes");
  Result<Parsed> parsed = parse_text(text, where);
  if (!parsed) return parsed.error();
  EVP_PKEY& key = *parsed->key;
  auto fits = alg_for_key(key);
  if (!fits) return fits.error().within(where);
  auto chosen = choose_alg(*fits, alg, parsed->alg, where);
  if (!chosen) return chosen.error();
  if (auto pair = check_pair(key, where); !pair) return pair.error();
  if (!kid || kid->empty()) kid = parsed->kid;
  if (!kid || kid->empty()) kid = jwk_thumbprint(key);
  return SigningKey(share(std::move(parsed->key)), *chosen, std::move(*kid));
}

nlohmann::ordered_json SigningKey::jwk(bool with_private) const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["kty"] = alg_ == Alg::kRS384 ? "RSA" : "EC";
  out["kid"] = kid_;
  out["alg"] = std::string(to_string(alg_));
  out["use"] = "sig";
  out["key_ops"] = nlohmann::ordered_json::array({with_private ? "sign" : "verify"});
  out.update(jwk_members(*key_, with_private));
  return out;
}

nlohmann::ordered_json SigningKey::public_jwk() const {
  return jwk(false);
}
nlohmann::ordered_json SigningKey::private_jwk() const {
  return jwk(true);
}
std::string SigningKey::private_pem() const {
  return private_key_pem(*key_);
}

Result<std::string> SigningKey::sign(const nlohmann::json& claims,
                                     std::optional<std::string> jku) const {
  const std::string where = "JWT";
  if (!claims.is_object())
    return make_error(where, "claims are not a JSON object", "", claims.type_name());
  try {  // cpp-jwt and nlohmann::json throw (bad UTF-8 in a claim, allocation failure)
    jwt::jwt_object token;
    token.header().algo(alg_ == Alg::kRS384 ? jwt::algorithm::RS384 : jwt::algorithm::ES384);
    token.header().add_header("kid", kid_);
    if (jku) token.header().add_header("jku", *jku);
    for (auto it = claims.begin(); it != claims.end(); ++it)
      token.payload().add_claim(it.key(), *it);
    token.secret(private_pem());
    std::error_code ec;
    std::string text = token.signature(ec);
    if (ec) return make_error(where, "signing failed", "", ec.message() + "; " + openssl_error());
    return text;
  } catch (const std::exception& e) {
    openssl_error();
    return make_error(where, "signing failed", "", e.what());
  }
}

}  // namespace bh::auth
