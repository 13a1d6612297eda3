#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "auth/tls_identity.hpp"
#include "auth_test_support.hpp"

namespace bh::auth {
namespace {

using test::fails_with;
using test::why;

struct Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(BIO* p) const { BIO_free_all(p); }
};

std::unique_ptr<X509, Free> read_cert(const std::string& pem) {
  std::unique_ptr<BIO, Free> bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  return std::unique_ptr<X509, Free>{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
}

enum class Name { kIp, kHost };

// X509_verify_cert with the certificate as the only trust anchor, checking `name` the way a
// TLS client checks the server it dialled. Returns the verify error (X509_V_OK: accepted).
int verify_for(X509* cert, Name kind, const std::string& name) {
  std::unique_ptr<X509_STORE, Free> store{X509_STORE_new()};
  std::unique_ptr<X509_STORE_CTX, Free> ctx{X509_STORE_CTX_new()};
  EXPECT_EQ(X509_STORE_add_cert(store.get(), cert), 1);
  EXPECT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr), 1);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (kind == Name::kIp)
    EXPECT_EQ(X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()), 1);
  else
    EXPECT_EQ(X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0), 1);
  const int ok = X509_verify_cert(ctx.get());
  const int error = X509_STORE_CTX_get_error(ctx.get());
  return ok == 1 ? X509_V_OK : (error == X509_V_OK ? -1 : error);
}

TlsIdentity identity(const std::vector<std::string>& hosts) {
  auto id = make_self_signed(hosts, std::chrono::hours(24));
  EXPECT_TRUE(id) << why(id);
  return *id;
}

TEST(TlsIdentity, IsItsOwnTrustAnchorForExactlyItsHosts) {
  const TlsIdentity id = identity({"127.0.0.1", "localhost"});
  auto cert = read_cert(id.cert_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(verify_for(cert.get(), Name::kIp, "127.0.0.1"), X509_V_OK);
  EXPECT_EQ(verify_for(cert.get(), Name::kHost, "localhost"), X509_V_OK);
  EXPECT_EQ(verify_for(cert.get(), Name::kIp, "127.0.0.2"), X509_V_ERR_IP_ADDRESS_MISMATCH);
  EXPECT_EQ(verify_for(cert.get(), Name::kHost, "example.com"), X509_V_ERR_HOSTNAME_MISMATCH);
  // The IP literal is an IP SAN, not a DNS name that happens to look like one.
  EXPECT_EQ(verify_for(cert.get(), Name::kHost, "127.0.0.1"), X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST(TlsIdentity, CertificateFields) {
  const TlsIdentity id = identity({"localhost", "127.0.0.1", "::1"});
  auto cert = read_cert(id.cert_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  std::array<char, 256> cn{};
  ASSERT_GT(X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn.data(),
                                      static_cast<int>(cn.size())),
            0);
  EXPECT_STREQ(cn.data(), "localhost");
  EXPECT_EQ(X509_check_ca(cert.get()), 0);  // basicConstraints CA:FALSE
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "::1", 0), 1);
  // Serial: 16 random bytes (17 when DER needs a leading zero to stay positive).
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  EXPECT_GE(ASN1_STRING_length(serial), 14);
  EXPECT_LE(ASN1_STRING_length(serial), 16);
  auto other = read_cert(identity({"localhost"}).cert_pem);
  EXPECT_NE(ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(other.get())), 0);
  // notBefore an hour ago, notAfter a day from now.
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())),
            1);
  EXPECT_NEAR(days * 86400 + seconds, 25 * 3600, 1);  // the two stamps may straddle a second
  EXPECT_NE(id.key_pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
}

TEST(TlsIdentity, CheckIdentityAcceptsAMatchingPairAndRejectsOthers) {
  const TlsIdentity a = identity({"localhost"});
  const TlsIdentity b = identity({"localhost"});
  EXPECT_TRUE(check_identity(a, "--tls-cert/--tls-key"));
  EXPECT_TRUE(fails_with(check_identity({a.cert_pem, b.key_pem}, "--tls-cert/--tls-key"),
                         {"--tls-cert/--tls-key", "does not match"}));
  EXPECT_TRUE(fails_with(check_identity({"not a cert", a.key_pem}, "tls"),
                         {"tls", "certificate is not a readable PEM"}));
  EXPECT_TRUE(fails_with(check_identity({a.cert_pem, a.cert_pem}, "tls"),
                         {"tls", "key is not a readable PEM"}));
}

TEST(TlsIdentity, RefusesRequestsItCannotHonour) {
  EXPECT_TRUE(fails_with(make_self_signed({}, std::chrono::hours(1)), {"hosts", "empty"}));
  EXPECT_TRUE(fails_with(make_self_signed({"bad host"}, std::chrono::hours(1)),
                         {"hosts[0]", "neither an IP address nor a DNS name"}));
  EXPECT_TRUE(fails_with(make_self_signed({"localhost", "a,DNS:evil"}, std::chrono::hours(1)),
                         {"hosts[1]"}));
  EXPECT_TRUE(fails_with(make_self_signed({"localhost"}, std::chrono::seconds(0)),
                         {"lifetime", "out of range"}));
  EXPECT_TRUE(fails_with(make_self_signed({std::string(80, 'a')}, std::chrono::hours(1)),
                         {"hosts[0]", "CN"}));
}

}  // namespace
}  // namespace bh::auth
