#include "client/net/run_export.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <ostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "auth/key_file.hpp"
#include "client/export_client.hpp"
#include "client/net/export_driver.hpp"
#include "client/net/fs_output_sink.hpp"
#include "client/net/http_transport.hpp"
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

int run_export(const ExportCommand& cmd, std::ostream& out, std::ostream& err,
               const OnDownloadProgress& on_progress) {
  out << "seed: " << cmd.seed << "\n";
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
  print_summary(outcome, clock.now() - start, out);
  return exit_code(outcome.kind);
}

}  // namespace bh::client
