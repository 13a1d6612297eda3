// `bulkharness serve`: the mock Bulk Data server until SIGINT/SIGTERM.
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/commands.hpp"
#include "app/server_settings.hpp"
#include "core/atomic_file.hpp"
#include "mockserver/judge/judge.hpp"

namespace bh::app {

namespace {
// Written whole or not at all: a reader never sees half a verdict.
Status write_verdict(const std::string& path, const std::string& text) {
  if (auto st = write_file_atomically(path, text + "\n"); !st)
    return st.error().within("--verdict-on-exit");
  return Ok{};
}
}  // namespace

int serve_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  auto flags = server_flags();
  flags.insert("--verdict-on-exit");
  auto args = Args::parse(argv, flags, server_switches());
  if (!args) {
    err << "bulkharness serve: " << args.error().message() << "\n";
    return 2;
  }
  auto settings = settings_from_args(*args, "default");
  if (!settings) {
    err << "bulkharness serve: " << settings.error().message() << "\n";
    return 2;
  }
  const std::optional<std::string> verdict_path = args->get("--verdict-on-exit");
  if (verdict_path) {  // fail now, not after an hour of serving, if the file cannot be written
    if (auto st = write_verdict(*verdict_path, "{}"); !st) {
      err << "bulkharness serve: " << st.error().message() << "\n";
      return 2;
    }
  }
  ServerRunner runner(*settings);
  auto base = runner.start();
  if (!base) {
    err << "bulkharness serve: " << base.error().message() << "\n";
    return 1;
  }
  // The first line is the contract with scripts: it names the FHIR base URL.
  out << "FHIR base URL: " << *base << std::endl;
  for (const auto& w : runner.warnings())
    err << "bulkharness serve: warning: " << w << std::endl;
  if (runner.admin_token()) out << "admin token: " << *runner.admin_token() << std::endl;
  out << "serving " << describe(*settings) << std::endl;
  if (!runner.token_url().empty()) out << "token endpoint: " << runner.token_url() << std::endl;
  if (!settings->tls_cert_out.empty())
    out << "TLS certificate written to " << settings->tls_cert_out << " (trust it with --ca-file)"
        << std::endl;
  if (auto swarm = runner.server().engine().swarm_report(); !swarm.empty())
    out << swarm << std::endl;
  out << "admin: " << base->substr(0, base->size() - settings->base_path.size())
      << "/__admin/journal; stop with Ctrl-C" << std::endl;
  boost::asio::signal_set signals(runner.io(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    out << "received signal " << signo << ", stopping" << std::endl;
    runner.stop();
  });
  runner.run();
  out << "stopped after " << runner.server().journal().entries().size() << " journalled requests"
      << std::endl;
  if (auto cache = runner.server().file_cache_stats())
    out << "file cache: " << cache->hits << " fetches sent from " << cache->stored
        << " stored files (" << cache->bytes / 1000000 << " MB); " << cache->skipped
        << " files not stored (over --file-cache-max-mb or a failed write)" << std::endl;
  const judge::Verdict verdict = runner.server().verdict();
  out << judge::to_text(verdict) << std::flush;
  if (verdict_path) {
    if (auto st = write_verdict(*verdict_path, judge::to_json(verdict).dump(2)); !st) {
      err << "bulkharness serve: " << st.error().message() << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace bh::app
