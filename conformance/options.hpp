// conformance/options: what `bulkharness check` was asked to do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/client_options.hpp"
#include "core/time.hpp"
#include "protocol/ig_version.hpp"

namespace bh::conformance {

struct CheckOptions {
  std::string base_url;  // FHIR base, no trailing '/'
  protocol::IgVersion version = protocol::IgVersion::kV2_0_0;
  std::vector<std::string> levels;  // "system", "patient", "group:ID"; empty: discover
  std::vector<std::string> only;    // check ids or requirement IDs; empty: all
  Duration timeout = seconds(900);  // the whole run
  Duration request_timeout = seconds(30);
  Duration job_timeout = seconds(300);
  std::optional<std::string> bearer_token;
  std::optional<client::SmartAuthOptions> smart;  // --client-id/--private-key: SMART tokens
  bool operational = false;
  std::uint32_t concurrent_exports = 3;
  Duration late_poll_delay = seconds(30);
  std::uint64_t explore_runs = 0;  // --explore N
  std::uint64_t seed = 1;
};

}  // namespace bh::conformance
