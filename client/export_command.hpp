// client/export_command: the `bulkharness export` command line, parsed into values.
//
// Contract: parse_export_args takes the words after `export` and returns an ExportCommand or an
// Error naming the flag, what was wrong and what was expected (the caller prints it and exits
// 2; `bulkharness export --help` is app/help). Flags take their value as the next word or after
// '=':
//   --base-url URL            FHIR base (required; http or https)
//   --out DIR                 where files go (required)
//   --level system|patient|group:ID   (default system)
//   --type T[,T...]           _type; may repeat
//   --since INSTANT           _since, a FHIR instant (2026-01-01T00:00:00Z)
//   --param NAME=VALUE        any other kick-off parameter; may repeat
//   --post                    POST a Parameters body instead of GET
//   --timeout SECONDS         overall deadline (default 3600)
//   --io-timeout SECONDS      longest wait for any one read or write (default 120): what a
//                             server that never answers costs before it counts as a failure
//   --max-backoff SECONDS     cap of the exponential backoff (default 60); Retry-After is still
//                             honoured in full. Replays in CI use a small cap.
//   --parallel N              parallel downloads, 1..64 (default 4)
//   --seed N                  jitter seed (default 0)
//   --ig-version V            1.0.1, 2.0.0, 3.0.0 or 4.0.0-ballot (default 2.0.0)
//   --bearer-token TOKEN      static bearer token (no SMART flow)
//   --client-id ID            SMART Backend Services client id (with --private-key)
//   --private-key FILE        the client's private key, PEM or JWK (RS384 or ES384 by key type)
//   --token-url URL           token endpoint (default: from .well-known/smart-configuration)
//   --scope SCOPES            requested scopes (default system/*.read)
//   --ca-file FILE            PEM certificates trusted besides the system's (https)
//   --insecure                do not verify the server's certificate (https; say it on purpose)
//   --no-release              do not DELETE the job after downloading
//   --quiet                   no download progress line on stderr
//   --report-json FILE        the outcome, every file and the counts as JSON (for machines)
// to_client_options turns it into ClientOptions with the deadline `timeout` after `now`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/client_options.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "protocol/export_request.hpp"
#include "protocol/ig_version.hpp"

namespace bh::client {

struct ExportCommand {
  std::string base_url;
  protocol::ExportLevel level = protocol::ExportLevel::kSystem;
  std::string group_id;
  std::vector<std::string> types;
  std::optional<Instant> since;
  std::vector<std::pair<std::string, std::string>> params;
  bool use_post = false;
  std::string out_dir;
  Duration timeout = seconds(3600);
  Duration io_timeout = seconds(120);
  std::optional<Duration> max_backoff;
  std::uint32_t parallel = 4;
  std::uint64_t seed = 0;
  protocol::IgVersion ig_version = protocol::kDefaultIgVersion;
  std::optional<std::string> bearer_token;
  bool release = true;
  std::string client_id;
  std::string private_key_file;
  std::string token_url;
  std::string scope = "system/*.read";
  std::string ca_file;
  bool insecure = false;
  std::string report_json;  // empty: none
  bool quiet = false;       // no progress line on stderr (app/download_progress.hpp)
};

Result<ExportCommand> parse_export_args(const std::vector<std::string>& args);
ClientOptions to_client_options(const ExportCommand& command, Instant now);

}  // namespace bh::client
