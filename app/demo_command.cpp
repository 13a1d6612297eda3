// `bulkharness demo`: the mock server with a fault scenario, the reference client against it over
// loopback TCP, and the exchange as the server saw it.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "app/commands.hpp"
#include "app/download_progress.hpp"
#include "app/server_settings.hpp"
#include "client/net/run_export.hpp"
#include "mockserver/judge/judge.hpp"

namespace bh::app {

namespace {

std::string header(const mockserver::JournalEntry& e, std::string_view name) {
  for (const auto& h : e.response_headers)
    if (protocol::iequals(h.name, name)) return h.value;
  return {};
}

void print_timeline(const mockserver::MockServer& server, double scale,
                    const std::string& base_path, std::ostream& out) {
  out << "\nServer journal (paths below the FHIR base; times as the client saw them):\n";
  for (const auto& e : server.journal().entries()) {
    char line[64];
    std::snprintf(line, sizeof line, "  [%7.2fs] #%-3llu %-6s ", to_seconds(e.at) / scale,
                  static_cast<unsigned long long>(e.seq), e.method.c_str());
    std::string target =
        e.target.starts_with(base_path) ? e.target.substr(base_path.size()) : e.target;
    if (target.size() > 56) target = target.substr(0, 53) + "...";
    out << line << target << " -> " << e.status;
    for (const char* h : {"Retry-After", "X-Progress", "Content-Location", "Expires"})
      if (auto v = header(e, h); !v.empty()) out << "  " << h << ": " << v;
    if (!e.faults.empty()) out << "  [fault: " << e.faults_text() << "]";
    if (!e.wire.empty()) out << "  [wire: " << e.wire << "]";
    out << "\n";
  }
}

}  // namespace

int demo_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  auto flags = server_flags();
  flags.insert("--out");
  auto args = Args::parse(argv, flags, server_switches());
  if (!args) {
    err << "bulkharness demo: " << args.error().message() << "\n";
    return 2;
  }
  auto settings = settings_from_args(*args, "demo");
  if (!settings) {
    err << "bulkharness demo: " << settings.error().message() << "\n";
    return 2;
  }
  const std::string out_dir = args->get("--out").value_or(
      (std::filesystem::temp_directory_path() / ("bulkharness-demo-" + std::to_string(::getpid())))
          .string());
  ServerRunner runner(*settings);
  auto base = runner.start();
  if (!base) {
    err << "bulkharness demo: " << base.error().message() << "\n";
    return 1;
  }
  out << "Mock server: " << *base << "\n  " << describe(*settings) << "\n"
      << "Reference client: bulkharness export --base-url " << *base << " --out " << out_dir
      << "\n\n";
  std::thread server_thread([&] { runner.run(); });
  auto cmd = client::parse_export_args({"--base-url", *base, "--out", out_dir});
  int code = 2;
  if (cmd)
    code = client::run_export(*cmd, out, err);
  else
    err << "bulkharness demo: " << cmd.error().message() << "\n";
  runner.stop();
  server_thread.join();
  print_timeline(runner.server(), settings->time_scale, settings->base_path, out);
  // The judged result: not just "did the files arrive" but "did the client behave".
  const judge::Verdict verdict = runner.server().verdict();
  out << "\n" << judge::to_text(verdict);
  out << "\nClient exit status " << code << (code == 0 ? " (export complete)" : " (failed)")
      << "; judge: " << verdict.result() << "; files in " << out_dir << "\n";
  if (code == 0 && verdict.result() != "pass") return 1;
  return code;
}

int export_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  auto cmd = client::parse_export_args(argv);
  if (!cmd) {
    err << "bulkharness export: " << cmd.error().message() << "\n";
    return 2;
  }
  // Progress on stderr once files are downloading (past the first second); stdout unchanged.
  auto progress = DownloadProgressLine::on_stderr(err, !cmd->quiet);
  const int code = client::run_export(
      *cmd, out, err, [&](const client::DownloadProgress& p) { progress.update(p); });
  progress.finish();
  return code;
}

}  // namespace bh::app
