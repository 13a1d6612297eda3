// auth/redact: credentials out of journals, logs and reports.
//
// Contract: is_credential_header is true for headers that carry a secret (Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, X-Admin-Token; any case). redact_credential keeps
// the scheme and replaces the secret with a short SHA-256 fingerprint:
// "Bearer abc.def" -> "Bearer <redacted sha256:3f2a9c01b7de>". The same secret always gives the
// same fingerprint, so a judge reading a saved journal can still tell "the same token again"
// from "a new token", but the journal no longer holds anything that could be replayed.
#pragma once

#include <string>
#include <string_view>

namespace bh::auth {

bool is_credential_header(std::string_view name);
std::string redact_credential(std::string_view value);

}  // namespace bh::auth
