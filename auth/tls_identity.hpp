// auth/tls_identity: a throwaway TLS server identity for the mock server and tests.
//
// Contract: make_self_signed returns a fresh EC P-256 key and an X.509 v3 certificate for it,
// subject CN = hosts[0], a subjectAltName with every host (IP literals as IP addresses, names as
// DNS names), valid from an hour ago (clock skew) for `lifetime`, with a 16-byte random serial.
// The certificate is its own trust anchor: OpenSSL-based clients given it as their CA file
// (Python ssl, curl --cacert, Node NODE_EXTRA_CA_CERTS) accept it with hostname checks on, for
// exactly the hosts named. check_identity tells whether a cert and key belong together.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bh::auth {

struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8
};

Result<TlsIdentity> make_self_signed(const std::vector<std::string>& hosts,
                                     std::chrono::seconds lifetime);
Status check_identity(const TlsIdentity& id, std::string_view where);

}  // namespace bh::auth
