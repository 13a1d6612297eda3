#include "client/net/run_export.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <ostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "auth/key_file.hpp"
#include "client/export_client.hpp"
#include "client/net/export_driver.hpp"
#include "client/net/fs_output_sink.hpp"
#include "client/net/http_transport.hpp"
#include "core/atomic_file.hpp"
#include "core/clock.hpp"

namespace bh::client {

namespace {

std::string stamp(Duration since_start) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "[%8.1fs] ", to_seconds(since_start));
  return buf;
}

// Samples the client's downloads on a timer; stopped with the io_context when the run ends.
class ProgressSampler {
 public:
  ProgressSampler(boost::asio::io_context& ioc, const ExportClient& client,
                  const OnDownloadProgress& report)
      : timer_(ioc), client_(client), report_(report) {}
  void start() {
    if (!report_) return;
    timer_.expires_after(std::chrono::milliseconds(250));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      report_(client_.download_progress());
      start();
    });
  }

 private:
  boost::asio::steady_timer timer_;
  const ExportClient& client_;
  const OnDownloadProgress& report_;
};

}  // namespace

void print_summary(const Outcome& o, Duration elapsed, std::ostream& out) {
  out << "\noutcome: " << to_string(o.kind) << " (exit " << exit_code(o.kind) << ")\n"
      << "  " << o.message << "\n"
      << "files: " << o.counts.files_ok << " of " << o.counts.files_expected << " ok\n";
  for (const auto& f : o.files) {
    out << "  " << (f.ok ? "ok    " : "FAILED") << " " << f.name << "  " << f.resources
        << " resources, " << f.bytes << " bytes";
    if (!f.ok) out << "  (" << f.problem << ")";
    out << "\n";
  }
  out << "resources:";
  if (o.counts.resources_by_type.empty()) out << " none";
  bool first = true;
  for (const auto& [type, n] : o.counts.resources_by_type) {
    out << (first ? " " : ", ") << type << " " << n;
    first = false;
  }
  char elapsed_text[32];
  std::snprintf(elapsed_text, sizeof elapsed_text, "%.1f s", to_seconds(elapsed));
  out << "\nbytes: " << o.counts.bytes << "\nrequests: " << o.counts.requests
      << "\nelapsed: " << elapsed_text << "\n";
}

std::string summary_json(const ExportCommand& cmd, const Outcome& o, Duration elapsed) {
  nlohmann::ordered_json j;
  j["base_url"] = cmd.base_url;
  j["seed"] = cmd.seed;
  j["outcome"] = std::string(to_string(o.kind));
  j["exit_code"] = exit_code(o.kind);
  j["message"] = o.message;
  j["elapsed_s"] = to_seconds(elapsed);
  j["counts"] = {{"requests", o.counts.requests},
                 {"files_expected", o.counts.files_expected},
                 {"files_ok", o.counts.files_ok},
                 {"bytes", o.counts.bytes},
                 {"resources_by_type", o.counts.resources_by_type}};
  j["files"] = nlohmann::ordered_json::array();
  for (const auto& f : o.files)
    j["files"].push_back({{"name", f.name},
                          {"url", f.url},
                          {"type", f.type},
                          {"ok", f.ok},
                          {"fetched", f.fetched},
                          {"resources", f.resources},
                          {"bytes", f.bytes},
                          {"problem", f.problem}});
  // Messages quote the server, which may send invalid UTF-8: replaced, never thrown.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

int run_export(const ExportCommand& cmd, std::ostream& out, std::ostream& err,
               const OnDownloadProgress& on_progress) {
  out << "seed: " << cmd.seed << "\n";
  if (!cmd.report_json.empty())
    if (auto st = check_report_directory(cmd.report_json, "--report-json"); !st) {
      err << "bulkharness export: " << st.error().message() << "\n";
      return kUsageExitCode;
    }
  std::error_code ec;
  std::filesystem::create_directories(cmd.out_dir, ec);
  if (ec || !std::filesystem::is_directory(cmd.out_dir)) {
    err << "bulkharness export: --out " << cmd.out_dir << ": cannot create the directory: "
        << (ec ? ec.message() : "exists and is not a directory") << "\n";
    return kUsageExitCode;
  }
  RealClock clock(1.0);
  const Instant start = clock.now();
  ClientOptions options = to_client_options(cmd, start);
  if (!cmd.client_id.empty()) {
    auto key = auth::load_key_file("--private-key", cmd.private_key_file);
    if (!key) {
      err << "bulkharness export: " << key.error().message() << "\n";
      return kUsageExitCode;
    }
    options.smart = SmartAuthOptions{cmd.client_id, *key, cmd.token_url, cmd.scope};
    out << "SMART Backend Services: client " << cmd.client_id << ", "
        << auth::to_string((*key)->alg()) << " key " << (*key)->kid() << "\n";
  }
  if (auto valid = validate_options(options); !valid) {
    err << "bulkharness export: " << valid.error().message() << "\n";
    return kUsageExitCode;
  }
  boost::asio::io_context ioc;  // first: destroyed last, after everything that uses it
  net::FileSystemSink sink(cmd.out_dir);
  ExportClient client(options, sink);
  client.set_event_callback([&](const ClientEvent& e) {
    out << stamp(e.at - start) << e.text << "\n";
    out.flush();
  });
  net::TransportOptions transport_options;
  transport_options.io_timeout = cmd.io_timeout;
  transport_options.connect_timeout = std::min(transport_options.connect_timeout, cmd.io_timeout);
  transport_options.tls = {!cmd.insecure, cmd.ca_file};
  if (cmd.insecure) out << "warning: --insecure: server certificates are not verified\n";
  net::HttpTransport transport(ioc, transport_options);
  net::ExportDriver driver(ioc, client, transport, clock);
  ProgressSampler sampler(ioc, client, on_progress);
  sampler.start();
  const Outcome outcome = driver.run();
  if (on_progress) on_progress(client.download_progress());
  const Duration elapsed = clock.now() - start;
  print_summary(outcome, elapsed, out);
  if (!cmd.report_json.empty())
    if (auto st = write_file_atomically(cmd.report_json, summary_json(cmd, outcome, elapsed));
        !st) {
      err << "bulkharness export: " << st.error().message() << "\n";
      return kUsageExitCode;
    }
  return exit_code(outcome.kind);
}

}  // namespace bh::client
