// auth/signing_key: a private key that signs SMART Backend Services client assertions.
//
// Contract: a SigningKey is always usable: RSA of at least 2048 bits for RS384, or EC P-384 for
// ES384, its private part matching its public part, with a kid. generate() makes a fresh one;
// load() reads a PEM private key (PKCS#8 or traditional) or a private JWK, and refuses (with an
// error naming `where`) a public-only key, another curve, a short RSA key, a passphrase, or an
// alg that does not fit the key. The alg is the argument, else the JWK's alg, else the key's
// type; the kid is the argument, else the JWK's kid, else the RFC 7638 thumbprint. Copies share
// the same immutable OpenSSL key. public_jwk() is what a client registers (JWKS entry);
// sign() makes a compact JWS {"alg","kid","typ":"JWT"[,"jku"]} through cpp-jwt.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "auth/alg.hpp"
#include "core/result.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace bh::auth {

class SigningKey {
 public:
  static Result<SigningKey> generate(Alg alg, std::string kid);
  static Result<SigningKey> load(std::string_view text, std::string_view where,
                                 std::optional<std::string> kid = {}, std::optional<Alg> alg = {});

  Alg alg() const { return alg_; }
  const std::string& kid() const { return kid_; }

  // Members in the order kty, kid, alg, use, key_ops, then n,e or crv,x,y (ordered_json keeps
  // it; it converts to nlohmann::json where order does not matter).
  nlohmann::ordered_json public_jwk() const;
  // The same with key_ops ["sign"] and the private members.
  nlohmann::ordered_json private_jwk() const;
  std::string private_pem() const;  // PKCS#8
  Result<std::string> sign(const nlohmann::json& claims, std::optional<std::string> jku = {}) const;

 private:
  SigningKey(std::shared_ptr<evp_pkey_st> key, Alg alg, std::string kid)
      : key_(std::move(key)), alg_(alg), kid_(std::move(kid)) {}
  nlohmann::ordered_json jwk(bool with_private) const;

  std::shared_ptr<evp_pkey_st> key_;
  Alg alg_;
  std::string kid_;
};

}  // namespace bh::auth
