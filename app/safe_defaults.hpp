// app/safe_defaults: what `serve` settles before it listens, so a careless flag is not a hole.
//
// Contract: apply_safe_defaults adjusts the settings in place and returns warnings for the
// operator (empty when nothing needs saying):
// - a host that is not loopback (127.0.0.0/8, ::1) gets a warning, and an admin token when none
//   was given (128 random bits, hex), because the admin API can rewrite the scenario;
// - the open-file limit is raised (soft up to hard) to fit max_connections plus a reserve; when
//   the hard limit is lower, max_connections is lowered to fit and that is said.
// `random_token` is passed in so tests can check the rule without real randomness.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/server_runner.hpp"

namespace bh::app {

bool is_loopback_host(const std::string& host);
std::string make_admin_token();  // from std::random_device (the OS's entropy)

std::vector<std::string> apply_safe_defaults(ServerSettings& settings,
                                             const std::function<std::string()>& random_token);

}  // namespace bh::app
