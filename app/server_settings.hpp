// app/server_settings: the server flags shared by `serve` and `demo`.
#pragma once

#include <set>
#include <string>

#include "app/args.hpp"
#include "app/server_runner.hpp"

namespace bh::app {

// Flags that take a value, understood by settings_from_args.
std::set<std::string> server_flags();
// Flags without a value (--tls).
std::set<std::string> server_switches();
Result<ServerSettings> settings_from_args(const Args& args, const std::string& default_scenario);
std::string describe(const ServerSettings& s);

}  // namespace bh::app
