// client/net/run_export: `bulkharness export`, the reference client against a real server.
//
// Contract: run_export prints the seed first, then every client event as it happens with the
// time since start ("[   12.3s] poll 3: 202 X-Progress=40% ..."), then a summary (outcome,
// message, files, resources per type, bytes, requests, elapsed), all on `out`; setup problems go
// to `err`. It writes the manifest and the files under cmd.out_dir (created if needed; files
// appear under their final names only when complete), honours SIGINT/SIGTERM by cancelling the
// job, and returns the exit code of the outcome (see client/outcome.hpp; 2 when the output
// directory cannot be created or the options are unusable). parse_export_args (declared in
// client/export_command.hpp) turns the command line into an ExportCommand. When on_progress is
// given it is called with the downloads' state every quarter second of the run (from the run's
// own thread), for a progress line; it cannot change the run. With cmd.report_json the summary
// is also written there as JSON (whole or not at all); its directory is checked before the run
// (exit 2), and a failed write is reported on `err` and makes the exit code 2.
#pragma once

#include <functional>
#include <iosfwd>

#include "client/export_client.hpp"
#include "client/export_command.hpp"
#include "client/outcome.hpp"

namespace bh::client {

using OnDownloadProgress = std::function<void(const DownloadProgress&)>;
int run_export(const ExportCommand& cmd, std::ostream& out, std::ostream& err,
               const OnDownloadProgress& on_progress = {});

// The summary block run_export prints after the run (exposed for tests and other front ends).
void print_summary(const Outcome& outcome, Duration elapsed, std::ostream& out);
// The same as JSON (--report-json): outcome, exit_code, message, counts, every file, elapsed_s.
std::string summary_json(const ExportCommand& cmd, const Outcome& outcome, Duration elapsed);

}  // namespace bh::client
