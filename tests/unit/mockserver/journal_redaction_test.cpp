// The journal's JSON (admin API, saved journals, reports) never holds a usable credential, but
// the same secret keeps the same fingerprint, so judges can still compare tokens.
#include <gtest/gtest.h>

#include "auth/redact.hpp"
#include "mockserver/journal.hpp"

namespace bh::mockserver {
namespace {

JournalEntry entry_with(const std::string& name, const std::string& value) {
  JournalEntry e;
  e.method = "GET";
  e.target = "/fhir/metadata";
  e.request_headers = {{name, value}, {"Accept", "application/fhir+json"}};
  e.response_headers = {{"Set-Cookie", "session=s3cr3t-cookie"}};
  return e;
}

TEST(JournalRedaction, CredentialsAreFingerprintedOthersKept) {
  Journal j(10);
  j.add(entry_with("authorization", "Bearer eyJhbGciOi.secret-token"));
  j.add(entry_with("X-Admin-Token", "0123456789abcdef0123"));
  const std::string text = j.to_json().dump();
  EXPECT_EQ(text.find("secret-token"), std::string::npos) << text;
  EXPECT_EQ(text.find("0123456789abcdef0123"), std::string::npos) << text;
  EXPECT_EQ(text.find("s3cr3t-cookie"), std::string::npos) << text;
  EXPECT_NE(text.find("Bearer <redacted sha256:"), std::string::npos) << text;
  EXPECT_NE(text.find("application/fhir+json"), std::string::npos) << text;
}

TEST(JournalRedaction, SameSecretSameFingerprintOtherSecretDiffers) {
  const auto a = auth::redact_credential("Bearer one");
  EXPECT_EQ(a, auth::redact_credential("Bearer one"));
  EXPECT_NE(a, auth::redact_credential("Bearer two"));
  EXPECT_EQ(a.rfind("Bearer <redacted sha256:", 0), 0u) << a;
  EXPECT_EQ(auth::redact_credential("bare").find("<redacted sha256:"), 0u);
  EXPECT_TRUE(auth::is_credential_header("PROXY-AUTHORIZATION"));
  EXPECT_FALSE(auth::is_credential_header("Authorization-Info-X"));
}

}  // namespace
}  // namespace bh::mockserver
