// app/server_runner: a MockServer behind a Beast listener on a real (optionally scaled) clock.
//
// Contract: start() binds (port 0 = any free port) and returns the FHIR base URL; run() serves
// on the calling thread until stop() (safe from any thread, or from a signal handler via the
// io_context). The MockServer is only touched on the serving thread while it runs; after run()
// returns the caller may read it (journal, jobs).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/clock.hpp"
#include "mockserver/mock_server.hpp"
#include "mockserver/net/http_server.hpp"

namespace bh::app {

struct ServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string base_path = "/fhir";
  double time_scale = 1.0;
  std::uint64_t seed = 1;
  mockserver::Scenario scenario;  // data, job timeline, IG version and rules
  std::size_t max_active_jobs = 5;
  bool manual_clock = false;  // time moves only through POST /__admin/clock
  std::size_t journal_capacity = 10000;
  std::optional<std::uint64_t> fuzz_seed;  // --fuzz SEED: mutate answers (response_fuzzer.hpp)
  // TLS: a certificate and key given as files, or one made for this run (self-signed, for the
  // listening host, localhost and the redirect hosts); tls_cert_out receives the certificate
  // so clients can trust it (--ca-file).
  bool tls = false;
  std::optional<mockserver::TlsIdentityPem> tls_identity;  // none with tls: generate one
  std::string tls_cert_out;
  // SMART Backend Services (also on when the scenario has an "auth" block).
  bool smart_auth = false;
  std::vector<auth::ClientRegistration> clients;
  // Hardening (mockserver/net/http_server.hpp): connection limit and slow-request deadline.
  std::size_t max_connections = 10000;
  Duration request_timeout = seconds(10);
  // --file-cache: generated files kept (unlinked) on disk, repeat fetches sent from them.
  std::optional<mockserver::FileCacheOptions> file_cache;
  // Required on /__admin/ when set; start() makes one up when listening beyond loopback.
  std::optional<std::string> admin_token;
};

class ServerRunner {
 public:
  explicit ServerRunner(ServerSettings settings);
  Result<std::string> start();  // returns the FHIR base URL
  // After start(), with SMART auth on: the token endpoint.
  const std::string& token_url() const { return token_url_; }
  // After start(): the admin token in force (none on loopback unless --admin-token), and what
  // the operator should know (a non-loopback listener, a connection limit the fd limit cut).
  const std::optional<std::string>& admin_token() const { return settings_.admin_token; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  void run();
  void stop();
  boost::asio::io_context& io() { return io_; }
  const mockserver::MockServer& server() const { return *mock_; }
  const RealClock& clock() const { return clock_; }

 private:
  std::vector<std::string> warnings_;  // before settings_: filled while settings_ is settled
  ServerSettings settings_;
  boost::asio::io_context io_;
  RealClock clock_;
  mockserver::HttpServer http_;
  std::unique_ptr<mockserver::MockServer> mock_;
  std::string token_url_;
};

}  // namespace bh::app
