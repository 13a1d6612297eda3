#include "auth/jwt.hpp"

#include <array>

#include "auth/base64url.hpp"
#include "auth/openssl_glue.hpp"

namespace bh::auth {

namespace {

constexpr std::size_t kMaxToken = 64 * 1024;  // client assertions are a few hundred bytes
constexpr std::size_t kEs384Half = 48;        // R and S of a P-384 signature, each

struct Segments {
  std::string_view header, claims, signature;
};

Result<Segments> split(std::string_view token, const std::string& where) {
  std::array<std::string_view, 3> parts;
  std::size_t count = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = token.find('.', start);
    const std::string_view part = token.substr(start, dot - start);
    if (count < parts.size()) parts[count] = part;
    ++count;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (count != 3)
    return make_error(where, "is not a compact JWS", "three segments separated by '.'",
                      std::to_string(count) + " segments");
  return Segments{parts[0], parts[1], parts[2]};
}

// A JSON-object segment: `name` is "header" or "claims", `noun` how the message says it.
Result<nlohmann::json> object_segment(std::string_view segment, const std::string& name,
                                      const std::string& noun, const std::string& where) {
  if (segment.empty()) return make_error(where, name + " segment is empty");
  auto bytes = base64url_decode(segment);
  if (!bytes)
    return make_error(where, name + " segment is not base64url (" + bytes.error().what + ")",
                      bytes.error().expected, bytes.error().got);
  auto json = parse_json_text(*bytes, where, noun + " not JSON");
  if (!json) return json.error();
  if (!json->is_object())
    return make_error(where, noun + " not a JSON object", "", json->type_name());
  return json;
}

std::string known_kids(const Jwks& keys) {
  std::string out;
  for (const auto& k : keys.keys())
    out +=
        (out.empty() ? "" : ", ") + ("\"" + k.kid + "\" (") + std::string(to_string(k.alg)) + ")";
  return out.empty() ? "no keys are registered" : "one of " + out;
}

// The key the header names, fitting the alg; errors list the kids there are.
Result<const Jwks::Key*> key_for(const Jwks& keys, const std::string& kid, Alg alg,
                                 const std::string& where) {
  const Jwks::Key* same_kid = nullptr;
  for (const auto& k : keys.keys()) {
    if (k.kid != kid) continue;
    if (k.alg == alg) return &k;
    same_kid = &k;
  }
  if (same_kid)
    return make_error(
        where,
        "key \"" + kid + "\" is for " + std::string(to_string(same_kid->alg)) +
            ", but the header alg is " + std::string(to_string(alg)),
        "a kid whose key fits " + std::string(to_string(alg)) + ": " + known_kids(keys));
  return make_error(where, "no registered key has kid \"" + kid + "\"", known_kids(keys));
}

// JWS ES384 signatures are R||S (RFC 7518 §3.4); OpenSSL verifies DER ECDSA-Sig-Value.
Result<std::string> der_of_raw(std::string_view raw, const std::string& where) {
  if (raw.size() != 2 * kEs384Half)
    return make_error(where, "ES384 signature has the wrong length",
                      "96 bytes (R||S; a DER signature is not the JWS form)",
                      std::to_string(raw.size()) + " bytes");
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  Owned<BIGNUM> r{BN_bin2bn(bytes, kEs384Half, nullptr)};
  Owned<BIGNUM> s{BN_bin2bn(bytes + kEs384Half, kEs384Half, nullptr)};
  Owned<ECDSA_SIG> sig{ECDSA_SIG_new()};
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
    return make_error(where, "out of memory", "", openssl_error());
  (void)r.release();  // sig owns them now
  (void)s.release();
  const int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return make_error(where, "ES384 signature cannot be encoded", "", openssl_error());
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != size)
    return make_error(where, "ES384 signature cannot be encoded", "", openssl_error());
  return der;
}

Status check_signature(const Jwks::Key& key, std::string_view signing_input,
                       std::string_view signature, const std::string& where) {
  std::string der;
  if (key.alg == Alg::kES384) {
    auto converted = der_of_raw(signature, where);
    if (!converted) return converted.error();
    der = std::move(*converted);
    signature = der;
  }
  Owned<EVP_MD_CTX> ctx{EVP_MD_CTX_new()};
  const bool good =
      ctx &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key.public_key.get()) == 1 &&
      EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  openssl_error();  // empties the queue either way: a bad signature is not an OpenSSL fault
  if (!good)
    return make_error(where, "signature does not verify with key \"" + key.kid + "\" (" +
                                 std::string(to_string(key.alg)) + ")");
  return Ok{};
}

Result<Alg> header_alg(const nlohmann::json& header, const std::string& where) {
  auto it = header.find("alg");
  if (it == header.end()) return make_error(where, "header has no alg", "RS384 or ES384");
  if (it->is_string())
    if (auto alg = parse_alg(it->get_ref<const std::string&>())) return *alg;
  return make_error(where, "header alg " + it->dump() + " is not accepted", "RS384 or ES384");
}

}  // namespace

Result<JwtParts> decode_jwt(std::string_view token) {
  const std::string where = "JWT";
  if (token.size() > kMaxToken)
    return make_error(where, "is too long", "at most " + std::to_string(kMaxToken) + " bytes",
                      std::to_string(token.size()) + " bytes");
  auto segments = split(token, where);
  if (!segments) return segments.error();
  auto header = object_segment(segments->header, "header", "header is", where);
  if (!header) return header.error();
  auto claims = object_segment(segments->claims, "claims", "claims are", where);
  if (!claims) return claims.error();
  if (segments->signature.empty()) return make_error(where, "signature segment is empty");
  if (auto sig = base64url_decode(segments->signature); !sig)
    return make_error(where, "signature segment is not base64url (" + sig.error().what + ")",
                      sig.error().expected, sig.error().got);
  return JwtParts{std::move(*header), std::move(*claims)};
}

Status verify_jwt(std::string_view token, const Jwks& keys) {
  const std::string where = "JWT";
  auto parts = decode_jwt(token);
  if (!parts) return parts.error();
  auto alg = header_alg(parts->header, where);
  if (!alg) return alg.error();
  auto kid = parts->header.find("kid");
  if (kid == parts->header.end() || !kid->is_string() || kid->get_ref<const std::string&>().empty())
    return make_error(where, "header has no kid (a non-empty string)", known_kids(keys));
  auto key = key_for(keys, kid->get<std::string>(), *alg, where);
  if (!key) return key.error();
  const std::size_t signed_end = token.rfind('.');  // decode_jwt found exactly two dots
  auto signature = base64url_decode(token.substr(signed_end + 1));
  if (!signature) return signature.error().within(where);
  return check_signature(**key, token.substr(0, signed_end), *signature, where);
}

}  // namespace bh::auth
