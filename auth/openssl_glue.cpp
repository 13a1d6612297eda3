#include "auth/openssl_glue.hpp"

#include <array>
#include <utility>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "auth/base64url.hpp"

namespace bh::auth {

namespace {

constexpr std::size_t kP384Bytes = 48;

// RFC 7518 §6.3 member names and the OpenSSL parameters they are; the first two are public.
constexpr std::array<std::pair<const char*, const char*>, 8> kRsaMembers = {{
    {"n", OSSL_PKEY_PARAM_RSA_N},
    {"e", OSSL_PKEY_PARAM_RSA_E},
    {"d", OSSL_PKEY_PARAM_RSA_D},
    {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
    {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
    {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
    {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
    {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
}};

// A passphrase-protected key is an error, never a prompt on the terminal.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

std::string bytes_of(const BIGNUM* bn, std::size_t pad_to) {
  const int natural = BN_num_bytes(bn);
  const std::size_t size = pad_to > 0 ? pad_to : static_cast<std::size_t>(natural);
  std::string out(size, '\0');
  auto* to = reinterpret_cast<unsigned char*>(out.data());
  if (pad_to > 0)
    BN_bn2binpad(bn, to, static_cast<int>(pad_to));
  else
    BN_bn2bin(bn, to);
  return out;
}

// The key parameter as base64url; pad_to 0 is the minimal big-endian form.
std::string member(const EVP_PKEY& key, const char* param, std::size_t pad_to) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(&key, param, &raw) != 1) {
    openssl_error();
    BH_ASSERT(false, "a key alg_for_key accepted lacks one of its parameters");
  }
  Owned<BIGNUM> bn{raw};
  return base64url_encode(bytes_of(bn.get(), pad_to));
}

std::string at(const std::string& where, const std::string& pointer) {
  return where.empty() ? pointer : where + ": " + pointer;
}

// One member of a JWK: present, a string, base64url, not empty, and `size` bytes if given.
Result<std::string> member_bytes(const nlohmann::json& jwk, const char* name,
                                 const std::string& path, std::size_t size = 0) {
  const std::string where = path + "/" + name;
  auto it = jwk.find(name);
  if (it == jwk.end()) return make_error(where, "missing");
  if (!it->is_string()) return make_error(where, "not a string", "base64url", it->type_name());
  auto bytes = base64url_decode(it->get_ref<const std::string&>());
  if (!bytes)
    return make_error(where, "is not base64url: " + bytes.error().what, bytes.error().expected,
                      bytes.error().got);
  if (bytes->empty()) return make_error(where, "is empty");
  if (size > 0 && bytes->size() != size)
    return make_error(where, "has the wrong length", std::to_string(size) + " bytes (P-384)",
                      std::to_string(bytes->size()) + " bytes");
  return bytes;
}

Result<Owned<BIGNUM>> member_bignum(const nlohmann::json& jwk, const char* name,
                                    const std::string& path, std::size_t size = 0) {
  auto bytes = member_bytes(jwk, name, path, size);
  if (!bytes) return bytes.error();
  Owned<BIGNUM> bn{BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes->data()),
                             static_cast<int>(bytes->size()), nullptr)};
  if (!bn) return make_error(path + "/" + name, "cannot be read", "", openssl_error());
  return bn;
}

Result<Owned<EVP_PKEY>> from_params(const char* type, OSSL_PARAM_BLD& bld, bool with_private,
                                    const std::string& path) {
  Owned<OSSL_PARAM> params{OSSL_PARAM_BLD_to_param(&bld)};
  Owned<EVP_PKEY_CTX> ctx{EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr)};
  EVP_PKEY* raw = nullptr;
  const int selection = with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1)
    return make_error(path.empty() ? "JWK" : path, std::string("is not a valid ") + type + " key",
                      "", openssl_error());
  return Owned<EVP_PKEY>{raw};
}

Result<Owned<EVP_PKEY>> rsa_from_jwk(const nlohmann::json& jwk, const std::string& path,
                                     bool with_private) {
  Owned<OSSL_PARAM_BLD> bld{OSSL_PARAM_BLD_new()};
  if (!bld) return make_error(path, "out of memory", "", openssl_error());
  std::vector<Owned<BIGNUM>> keep;  // the builder refers to them until to_param
  const std::size_t count = with_private ? kRsaMembers.size() : 2;
  for (std::size_t i = 0; i < count; ++i) {
    auto bn = member_bignum(jwk, kRsaMembers[i].first, path);
    if (!bn) return bn.error();
    if (OSSL_PARAM_BLD_push_BN(bld.get(), kRsaMembers[i].second, bn->get()) != 1)
      return make_error(path, "out of memory", "", openssl_error());
    keep.push_back(std::move(*bn));
  }
  return from_params("RSA", *bld, with_private, path);
}

Result<Owned<EVP_PKEY>> ec_from_jwk(const nlohmann::json& jwk, const std::string& path,
                                    bool with_private) {
  auto x = member_bytes(jwk, "x", path, kP384Bytes);
  if (!x) return x.error();
  auto y = member_bytes(jwk, "y", path, kP384Bytes);
  if (!y) return y.error();
  const std::string point = "\x04" + *x + *y;  // SEC 1 uncompressed point
  Owned<BIGNUM> d;
  if (with_private) {
    auto bn = member_bignum(jwk, "d", path, kP384Bytes);
    if (!bn) return bn.error();
    d = std::move(*bn);
  }
  Owned<OSSL_PARAM_BLD> bld{OSSL_PARAM_BLD_new()};
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1 ||
      (d && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1))
    return make_error(path, "out of memory", "", openssl_error());
  return from_params("EC", *bld, with_private, path);
}

// Brackets outside strings, counted without parsing.
bool nested_deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

std::string openssl_error() {
  std::string out;
  int kept = 0;
  while (const unsigned long code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    if (kept++ < 3) out += (out.empty() ? "" : ", ") + std::string(reason ? reason : "unknown");
  }
  return out.empty() ? "no OpenSSL error reported" : "OpenSSL: " + out;
}

std::shared_ptr<EVP_PKEY> share(Owned<EVP_PKEY> key) {
  return std::shared_ptr<EVP_PKEY>(key.release(), OpenSslFree{});
}

Result<Alg> alg_for_key(const EVP_PKEY& key) {
  if (EVP_PKEY_is_a(&key, "RSA")) {
    const int bits = EVP_PKEY_get_bits(&key);
    if (bits < 2048)
      return make_error("", "RSA key of " + std::to_string(bits) + " bits is too short",
                        "at least 2048 bits");
    BIGNUM* third = nullptr;  // a JWK would need "oth" for it, which we do not write
    if (EVP_PKEY_get_bn_param(&key, OSSL_PKEY_PARAM_RSA_FACTOR3, &third) == 1) {
      BN_clear_free(third);
      return make_error("", "multi-prime RSA keys are not supported", "a two-prime RSA key");
    }
    openssl_error();  // the failed lookup may have queued an error
    return Alg::kRS384;
  }
  if (EVP_PKEY_is_a(&key, "EC")) {
    std::array<char, 80> group{};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(&key, group.data(), group.size(), &length) != 1) {
      openssl_error();
      return make_error("", "EC key has no named curve", "P-384");
    }
    const std::string name(group.data(), length);
    if (name != "secp384r1" && name != "P-384")
      return make_error("", "EC key on curve " + name + " is not P-384", "P-384 (secp384r1)");
    return Alg::kES384;
  }
  const char* type = EVP_PKEY_get0_type_name(&key);
  return make_error("", std::string("key type ") + (type ? type : "unknown") + " is not RSA or EC");
}

nlohmann::ordered_json jwk_members(const EVP_PKEY& key, bool with_private) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  if (EVP_PKEY_is_a(&key, "RSA")) {
    const std::size_t count = with_private ? kRsaMembers.size() : 2;
    for (std::size_t i = 0; i < count; ++i)
      out[kRsaMembers[i].first] = member(key, kRsaMembers[i].second, 0);
    return out;
  }
  out["crv"] = "P-384";
  out["x"] = member(key, OSSL_PKEY_PARAM_EC_PUB_X, kP384Bytes);
  out["y"] = member(key, OSSL_PKEY_PARAM_EC_PUB_Y, kP384Bytes);
  if (with_private) out["d"] = member(key, OSSL_PKEY_PARAM_PRIV_KEY, kP384Bytes);
  return out;
}

std::string jwk_thumbprint(const EVP_PKEY& key) {
  // nlohmann::json sorts members, and dump() adds no whitespace: RFC 7638 §3.3's canonical form.
  nlohmann::json required = nlohmann::json(jwk_members(key, false));
  required["kty"] = EVP_PKEY_is_a(&key, "RSA") ? "RSA" : "EC";
  const std::string text = required.dump();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const bool ok =
      EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) == 1;
  BH_ASSERT(ok, "SHA-256 is always available");
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

Result<Owned<EVP_PKEY>> key_from_jwk(const nlohmann::json& jwk, const std::string& where,
                                     const std::string& pointer, bool with_private) {
  const std::string path = at(where, pointer);
  if (!jwk.is_object())
    return make_error(path.empty() ? "JWK" : path, "is not a JSON object", "", jwk.type_name());
  auto kty = jwk.find("kty");
  if (kty == jwk.end()) return make_error(path + "/kty", "missing", "RSA or EC");
  if (!kty->is_string()) return make_error(path + "/kty", "not a string", "RSA or EC");
  const auto& type = kty->get_ref<const std::string&>();
  if (type == "RSA") return rsa_from_jwk(jwk, path, with_private);
  if (type != "EC") return make_error(path + "/kty", "is not RSA or EC", "", "\"" + type + "\"");
  auto crv = jwk.find("crv");
  if (crv == jwk.end()) return make_error(path + "/crv", "missing", "P-384");
  if (*crv != "P-384") return make_error(path + "/crv", "is not P-384", "P-384", crv->dump());
  return ec_from_jwk(jwk, path, with_private);
}

Owned<EVP_PKEY> read_private_key_pem(std::string_view pem) {
  if (pem.size() > 1024 * 1024) return {};  // no key is that long; and BIO sizes are int
  Owned<BIO> bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  if (!bio) return {};
  return Owned<EVP_PKEY>{PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)};
}

std::string private_key_pem(const EVP_PKEY& key) {
  Owned<BIO> bio{BIO_new(BIO_s_mem())};
  const bool ok =
      bio && PEM_write_bio_PrivateKey(bio.get(), &key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  BH_ASSERT(ok, "writing a key to memory fails only when out of memory");
  return bio_contents(*bio);
}

std::string bio_contents(BIO& bio) {
  std::string out;
  std::array<char, 4096> chunk{};
  for (;;) {  // ends: a memory BIO has a finite amount to read
    const int n = BIO_read(&bio, chunk.data(), static_cast<int>(chunk.size()));
    if (n <= 0) break;
    out.append(chunk.data(), static_cast<std::size_t>(n));
  }
  return out;
}

Result<nlohmann::json> parse_json_text(std::string_view text, const std::string& where,
                                       const std::string& what_if_not) {
  if (nested_deeper_than(text, kMaxJsonDepth))
    return make_error(where, what_if_not + ": nested too deeply",
                      "at most " + std::to_string(kMaxJsonDepth) + " levels");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return make_error(where, what_if_not, "", e.what());
  }
}

}  // namespace bh::auth
