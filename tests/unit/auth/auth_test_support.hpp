// Shared by the auth tests: fixtures under tests/data/auth (made by make_fixtures.sh with the
// openssl CLI and Python, independently of the code under test) and small token surgery.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace bh::auth::test {

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(BH_SOURCE_DIR) + "/tests/data/auth/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A JWT fixture without its trailing newline.
inline std::string token_fixture(const std::string& name) {
  std::string t = fixture(name);
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r'))
    t.pop_back();
  return t;
}

inline std::vector<std::string> segments(const std::string& token) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto dot = token.find('.', start);
    out.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos) return out;
    start = dot + 1;
  }
}

inline std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i)
    out += (i ? "." : "") + parts[i];
  return out;
}

template <class T>
std::string why(const Result<T>& r) {
  return r.ok() ? std::string("(ok)") : r.error().message();
}

// The error message of a failed result contains every one of `parts`.
template <class T>
::testing::AssertionResult fails_with(const Result<T>& r, const std::vector<std::string>& parts) {
  if (r.ok()) return ::testing::AssertionFailure() << "succeeded, expected an error";
  const std::string message = r.error().message();
  for (const auto& part : parts)
    if (message.find(part) == std::string::npos)
      return ::testing::AssertionFailure() << "\"" << message << "\" lacks \"" << part << "\"";
  return ::testing::AssertionSuccess();
}

}  // namespace bh::auth::test
