// What serve settles before it listens (app/safe_defaults.hpp): the non-loopback rule (a
// warning and an admin token) and fitting the connection limit to the open-file limit. Tests
// may not listen beyond loopback, so the rule is checked here on the settings themselves.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include "app/safe_defaults.hpp"

namespace bh::app {
namespace {

std::string fixed_token() {
  return "fixed-token-for-the-test";
}

TEST(SafeDefaults, LoopbackNeedsNoTokenAndSaysNothing) {
  for (const char* host : {"127.0.0.1", "127.0.0.2", "::1"}) {
    ServerSettings s;
    s.host = host;
    s.max_connections = 10;
    EXPECT_TRUE(apply_safe_defaults(s, fixed_token).empty()) << host;
    EXPECT_FALSE(s.admin_token) << host;
  }
}

TEST(SafeDefaults, BeyondLoopbackWarnsAndLocksTheAdminApi) {
  for (const char* host : {"0.0.0.0", "::", "192.168.1.7", "10.0.0.1"}) {
    ServerSettings s;
    s.host = host;
    s.max_connections = 10;
    const auto warnings = apply_safe_defaults(s, fixed_token);
    ASSERT_EQ(warnings.size(), 2u) << host;
    EXPECT_NE(warnings[0].find("not loopback"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("plain HTTP"), std::string::npos) << warnings[0];
    EXPECT_EQ(s.admin_token, "fixed-token-for-the-test") << host;
  }
}

TEST(SafeDefaults, AGivenAdminTokenIsKept) {
  ServerSettings s;
  s.host = "0.0.0.0";
  s.tls = true;
  s.max_connections = 10;
  s.admin_token = "my-own-long-admin-token";
  const auto warnings = apply_safe_defaults(s, fixed_token);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].find("plain HTTP"), std::string::npos) << warnings[0];
  EXPECT_EQ(s.admin_token, "my-own-long-admin-token");
}

TEST(SafeDefaults, TheConnectionLimitIsLoweredToFitTheHardFileLimit) {
  rlimit lim{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
  if (lim.rlim_max == RLIM_INFINITY) GTEST_SKIP() << "no hard limit on open files here";
  ServerSettings s;
  s.max_connections = static_cast<std::size_t>(lim.rlim_max) * 2;
  const auto warnings = apply_safe_defaults(s, fixed_token);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("lowered to"), std::string::npos) << warnings[0];
  EXPECT_LT(s.max_connections, static_cast<std::size_t>(lim.rlim_max));
  EXPECT_GT(s.max_connections, 0u);
}

TEST(SafeDefaults, RandomTokensAreLongAndDiffer) {
  const std::string a = make_admin_token(), b = make_admin_token();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace bh::app
