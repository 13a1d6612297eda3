#include "auth/redact.hpp"

#include <openssl/sha.h>

#include <array>
#include <cctype>
#include <cstdio>

namespace bh::auth {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}
}  // namespace

bool is_credential_header(std::string_view name) {
  for (std::string_view h :
       {"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Admin-Token"})
    if (iequals(name, h)) return true;
  return false;
}

std::string redact_credential(std::string_view value) {
  // "Bearer <secret>" keeps its scheme; a bare secret (a cookie, the admin token) does not.
  const auto space = value.find(' ');
  const std::string_view scheme = space == std::string_view::npos ? "" : value.substr(0, space);
  const std::string_view secret = space == std::string_view::npos ? value : value.substr(space + 1);
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), digest.data());
  char hex[13];
  for (int i = 0; i < 6; ++i)
    std::snprintf(hex + 2 * i, 3, "%02x",
                  static_cast<unsigned>(digest[static_cast<std::size_t>(i)]));
  return (scheme.empty() ? "" : std::string(scheme) + " ") + "<redacted sha256:" + hex + ">";
}

}  // namespace bh::auth
