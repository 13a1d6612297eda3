// auth/jwks: the public keys a client registered (a JSON Web Key Set, RFC 7517 §5).
//
// Contract: parse keeps the keys a SMART Backend Services client can sign with: kty RSA (n, e;
// at least 2048 bits) and kty EC on P-384 (x, y), with use "sig" or no use, and an alg (if any)
// that fits. Other keys are skipped, each with a reason in skipped() ("keys[2]: kty oct is not
// RSA or EC"), because a JWKS may legitimately carry encryption or other keys. A usable-looking
// key whose members are missing or malformed is an error naming the document and JSON path
// ("client.jwks: /keys/1/n: missing"), and so is a JWKS with no usable key. Only public parts
// are kept: private members someone published by mistake are dropped. A key without a kid gets
// its RFC 7638 thumbprint as kid.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/alg.hpp"
#include "auth/signing_key.hpp"
#include "core/result.hpp"

struct evp_pkey_st;

namespace bh::auth {

class Jwks {
 public:
  struct Key {
    std::string kid;
    Alg alg;  // the one alg the key fits: RS384 for RSA, ES384 for EC P-384
    std::shared_ptr<evp_pkey_st> public_key;
    nlohmann::ordered_json jwk;  // kty, kid, [alg, use, key_ops,] n,e or crv,x,y
  };

  Jwks() = default;  // no keys: verifies nothing
  static Result<Jwks> parse(std::string_view json_text, std::string_view where);
  // The public JWKS of our own keys.
  static Jwks of(const std::vector<SigningKey>& keys);

  std::size_t size() const { return keys_.size(); }
  const std::vector<Key>& keys() const { return keys_; }
  const std::vector<std::string>& skipped() const { return skipped_; }
  // {"keys": [...]}; each key's members in the order above.
  nlohmann::ordered_json to_json() const;

 private:
  std::vector<Key> keys_;
  std::vector<std::string> skipped_;
};

}  // namespace bh::auth
