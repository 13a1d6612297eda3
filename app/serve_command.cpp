// `bulkharness serve`: the mock Bulk Data server until SIGINT/SIGTERM.
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "app/commands.hpp"
#include "app/server_settings.hpp"

namespace bh::app {

int serve_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  auto args = Args::parse(argv, server_flags(), {});
  if (!args) {
    err << "bulkharness serve: " << args.error().message() << "\n";
    return 2;
  }
  auto settings = settings_from_args(*args, "default");
  if (!settings) {
    err << "bulkharness serve: " << settings.error().message() << "\n";
    return 2;
  }
  ServerRunner runner(*settings);
  auto base = runner.start();
  if (!base) {
    err << "bulkharness serve: " << base.error().message() << "\n";
    return 1;
  }
  // The first line is the contract with scripts: it names the FHIR base URL.
  out << "FHIR base URL: " << *base << std::endl;
  out << "serving " << describe(*settings) << std::endl;
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
  return 0;
}

}  // namespace bh::app
