#include "auth/tls_identity.hpp"

#include <array>
#include <cctype>
#include <utility>

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "auth/openssl_glue.hpp"

namespace bh::auth {

namespace {

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
  void operator()(GENERAL_NAME* p) const { GENERAL_NAME_free(p); }
  void operator()(ASN1_STRING* p) const { ASN1_STRING_free(p); }
};
template <class T>
using X509Owned = std::unique_ptr<T, X509Free>;

constexpr std::chrono::seconds kBackdate{3600};  // clients whose clock is a little behind
constexpr std::chrono::seconds kMaxLifetime{100LL * 366 * 24 * 3600};
constexpr std::size_t kMaxHosts = 100;

bool is_dns_name(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '*'))
      return false;
  return true;
}

// subjectAltName: IP:a.b.c.d (or IPv6) for literals, DNS:name for the rest.
Status add_alt_names(X509& cert, const std::vector<std::string>& hosts) {
  X509Owned<GENERAL_NAMES> names{GENERAL_NAMES_new()};
  if (!names) return make_error("subjectAltName", "out of memory", "", openssl_error());
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const std::string& host = hosts[i];
    X509Owned<ASN1_STRING> value{a2i_IPADDRESS(host.c_str())};
    const bool ip = value != nullptr;
    openssl_error();  // a2i_IPADDRESS reports "not an IP address" on the queue
    if (!ip) {
      if (!is_dns_name(host))
        return make_error("hosts[" + std::to_string(i) + "]",
                          "is neither an IP address nor a DNS name",
                          "letters, digits, '-', '.', '*'", "\"" + host + "\"");
      value.reset(ASN1_IA5STRING_new());
      if (!value || ASN1_STRING_set(value.get(), host.data(), static_cast<int>(host.size())) != 1)
        return make_error("subjectAltName", "out of memory", "", openssl_error());
    }
    X509Owned<GENERAL_NAME> name{GENERAL_NAME_new()};
    if (!name) return make_error("subjectAltName", "out of memory", "", openssl_error());
    GENERAL_NAME_set0_value(name.get(), ip ? GEN_IPADD : GEN_DNS, value.release());
    if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0)
      return make_error("subjectAltName", "out of memory", "", openssl_error());
    (void)name.release();  // names owns it
  }
  if (X509_add1_ext_i2d(&cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return make_error("subjectAltName", "cannot be added", "", openssl_error());
  return Ok{};
}

// Why these extensions: with basicConstraints CA:FALSE the self-signed leaf is still accepted
// as its own trust anchor by OpenSSL 3 (it is found in the trust store as the target itself;
// CA:TRUE is needed only to sign other certificates). Checked against s_server with Python 3.11
// ssl (also with 3.13's VERIFY_X509_STRICT | VERIFY_X509_PARTIAL_CHAIN), curl 7.88 --cacert and
// Node 20 NODE_EXTRA_CA_CERTS, for 127.0.0.1 and localhost: all accept, and reject other names.
// keyUsage digitalSignature is what (EC)DHE-ECDSA handshakes use; serverAuth says what for.
// The key identifiers are what RFC 5280 asks of every certificate (strict verifiers check).
Status add_extensions(X509& cert) {
  constexpr std::array<std::pair<int, const char*>, 5> kExtensions = {{
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_key_usage, "critical,digitalSignature"},
      {NID_ext_key_usage, "serverAuth"},
      {NID_subject_key_identifier, "hash"},
      {NID_authority_key_identifier, "keyid:always"},
  }};
  X509V3_CTX ctx{};
  X509V3_set_ctx(&ctx, &cert, &cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : kExtensions) {
    X509Owned<X509_EXTENSION> ext{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)};
    if (!ext || X509_add_ext(&cert, ext.get(), -1) != 1)
      return make_error("certificate extension", "cannot be added", value, openssl_error());
  }
  return Ok{};
}

Status set_serial_and_validity(X509& cert, std::chrono::seconds lifetime) {
  std::array<unsigned char, 16> serial{};
  if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1)
    return make_error("certificate serial", "no random bytes", "", openssl_error());
  Owned<BIGNUM> bn{BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr)};
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(&cert)) ||
      !X509_gmtime_adj(X509_getm_notBefore(&cert), -static_cast<long>(kBackdate.count())) ||
      !X509_gmtime_adj(X509_getm_notAfter(&cert), static_cast<long>(lifetime.count())))
    return make_error("certificate", "serial or validity cannot be set", "", openssl_error());
  return Ok{};
}

Status set_names(X509& cert, const std::string& common_name) {
  X509_NAME* subject = X509_get_subject_name(&cert);  // owned by cert
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1 ||
      X509_set_issuer_name(&cert, subject) != 1)
    return make_error("hosts[0]", "cannot be the certificate's CN", "at most 64 characters",
                      "\"" + common_name + "\"; " + openssl_error());
  return Ok{};
}

std::string cert_pem(X509& cert) {
  Owned<BIO> bio{BIO_new(BIO_s_mem())};
  const bool ok = bio && PEM_write_bio_X509(bio.get(), &cert) == 1;
  BH_ASSERT(ok, "writing a certificate to memory fails only when out of memory");
  return bio_contents(*bio);
}

Status check_request(const std::vector<std::string>& hosts, std::chrono::seconds lifetime) {
  if (hosts.empty()) return make_error("hosts", "is empty", "at least one host name or IP");
  if (hosts.size() > kMaxHosts)
    return make_error("hosts", "has too many entries", "at most " + std::to_string(kMaxHosts));
  if (lifetime <= std::chrono::seconds::zero() || lifetime > kMaxLifetime)
    return make_error("lifetime", "is out of range", "more than 0 s and at most 100 years",
                      std::to_string(lifetime.count()) + " s");
  return Ok{};
}

}  // namespace

Result<TlsIdentity> make_self_signed(const std::vector<std::string>& hosts,
                                     std::chrono::seconds lifetime) {
  if (auto ok = check_request(hosts, lifetime); !ok) return ok.error();
  Owned<EVP_PKEY> key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  X509Owned<X509> cert{X509_new()};
  if (!key || !cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(cert.get(), key.get()) != 1)
    return make_error("certificate", "cannot be created", "", openssl_error());
  if (auto s = set_serial_and_validity(*cert, lifetime); !s) return s.error();
  if (auto s = set_names(*cert, hosts[0]); !s) return s.error();
  if (auto s = add_alt_names(*cert, hosts); !s) return s.error();
  if (auto s = add_extensions(*cert); !s) return s.error();
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
    return make_error("certificate", "cannot be signed", "", openssl_error());
  return TlsIdentity{cert_pem(*cert), private_key_pem(*key)};
}

Status check_identity(const TlsIdentity& id, std::string_view where_view) {
  const std::string where = where_view.empty() ? "TLS identity" : std::string(where_view);
  if (id.cert_pem.size() > 1024 * 1024) return make_error(where, "certificate is too long");
  Owned<BIO> bio{BIO_new_mem_buf(id.cert_pem.data(), static_cast<int>(id.cert_pem.size()))};
  X509Owned<X509> cert{bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr};
  if (!cert)
    return make_error(where, "certificate is not a readable PEM X.509", "", openssl_error());
  Owned<EVP_PKEY> key = read_private_key_pem(id.key_pem);
  if (!key) return make_error(where, "key is not a readable PEM private key", "", openssl_error());
  const EVP_PKEY* public_key = X509_get0_pubkey(cert.get());
  if (!public_key || EVP_PKEY_eq(public_key, key.get()) != 1) {
    openssl_error();
    return make_error(where, "the private key does not match the certificate's public key");
  }
  return Ok{};
}

}  // namespace bh::auth
