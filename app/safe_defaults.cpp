#include "app/safe_defaults.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <random>

#include <boost/asio/ip/address.hpp>

namespace bh::app {

namespace {
// Descriptors the server needs besides connections: listeners, the JWKS fetch, stdio, files.
constexpr rlim_t kReserveFds = 64;

std::vector<std::string> fit_fd_limit(ServerSettings& s) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return {};
  const rlim_t wanted = static_cast<rlim_t>(s.max_connections) + kReserveFds;
  if (lim.rlim_cur < wanted) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, lim.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  if (lim.rlim_cur >= wanted) return {};
  const auto fits = lim.rlim_cur > 2 * kReserveFds ? lim.rlim_cur - kReserveFds : 1;
  const std::string was = std::to_string(s.max_connections);
  s.max_connections = static_cast<std::size_t>(fits);
  return {"the open-file limit is " + std::to_string(lim.rlim_cur) + ", so --max-connections " +
          was + " is lowered to " + std::to_string(fits) + " (raise it with ulimit -n)"};
}
}  // namespace

bool is_loopback_host(const std::string& host) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

std::string make_admin_token() {
  std::random_device entropy;
  std::string token;
  for (int i = 0; i < 4; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(entropy()));
    token += part;
  }
  return token;
}

std::vector<std::string> apply_safe_defaults(ServerSettings& s,
                                             const std::function<std::string()>& random_token) {
  std::vector<std::string> warnings = fit_fd_limit(s);
  if (is_loopback_host(s.host)) return warnings;
  warnings.push_back("listening on " + s.host +
                     ", which is not loopback: other machines can reach this test server" +
                     (s.tls ? "" : " over plain HTTP"));
  if (!s.admin_token) {
    s.admin_token = random_token();
    warnings.push_back("the admin API needs X-Admin-Token (printed below; set with --admin-token)");
  }
  return warnings;
}

}  // namespace bh::app
