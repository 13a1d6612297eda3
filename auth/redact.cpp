#include "auth/redact.hpp"

#include <openssl/sha.h>

#include <array>
#include <cstdio>

#include "protocol/http.hpp"

namespace bh::auth {

bool is_credential_header(std::string_view name) {
  for (std::string_view h :
       {"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Admin-Token"})
    if (protocol::iequals(name, h)) return true;
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
