// auth/openssl_glue: what SigningKey, Jwks, verify_jwt and TlsIdentity share on top of OpenSSL 3;
// internal to auth/ (it exposes OpenSSL types, which the public headers keep opaque).
//
// Contract: every OpenSSL object is owned by an Owned<T> (unique_ptr with the matching *_free);
// no function here throws or leaves errors on OpenSSL's per-thread queue (openssl_error()
// drains it into the message). Keys are judged by alg_for_key: RSA of at least 2048 bits signs
// RS384, EC on P-384 signs ES384, nothing else is usable. JWK members follow RFC 7518 §6:
// big-endian unsigned integers in base64url; EC coordinates and d exactly 48 bytes for P-384.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <nlohmann/json.hpp>

#include "auth/alg.hpp"
#include "core/result.hpp"

namespace bh::auth {

struct OpenSslFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(BIO* p) const { BIO_free_all(p); }
  void operator()(BIGNUM* p) const { BN_clear_free(p); }  // may hold a private exponent
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, OpenSslFree>;

// The reasons on this thread's OpenSSL error queue, which it empties.
std::string openssl_error();
std::shared_ptr<EVP_PKEY> share(Owned<EVP_PKEY> key);

// The alg this key can sign, or why none (where is left empty for the caller).
Result<Alg> alg_for_key(const EVP_PKEY& key);
// The key's JWK members: n,e or crv,x,y; with_private adds d,p,q,dp,dq,qi or d.
nlohmann::ordered_json jwk_members(const EVP_PKEY& key, bool with_private);
// RFC 7638: base64url SHA-256 of the required public members in canonical JSON.
std::string jwk_thumbprint(const EVP_PKEY& key);
// A JWK object (kty RSA, or EC on P-384) to a key; with_private requires the private members.
// Errors are at `where: pointer/member`, e.g. "client.jwks: /keys/1/n".
Result<Owned<EVP_PKEY>> key_from_jwk(const nlohmann::json& jwk, const std::string& where,
                                     const std::string& pointer, bool with_private);

// PEM private key (PKCS#8 or traditional); never prompts for a passphrase.
Owned<EVP_PKEY> read_private_key_pem(std::string_view pem);
std::string private_key_pem(const EVP_PKEY& key);  // PKCS#8
// Everything written to a memory BIO.
std::string bio_contents(BIO& bio);

// JSON text to a value; nesting deeper than kMaxJsonDepth is refused before parsing, so a
// hostile document cannot exhaust the stack of whoever later walks or dumps it.
constexpr int kMaxJsonDepth = 64;
Result<nlohmann::json> parse_json_text(std::string_view text, const std::string& where,
                                       const std::string& what_if_not);

}  // namespace bh::auth
