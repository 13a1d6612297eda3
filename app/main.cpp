// bulkharness: mock Bulk Data server, reference client, conformance runner and simulator.
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"

namespace {

constexpr const char* kUsage = R"(usage: bulkharness <command> [options]

commands:
  demo     run the mock server with a fault scenario and the reference client against it
           [--scenario NAME] [--time-scale K] [--members N] [--seed N] [--out DIR]
  serve    run the mock Bulk Data server (FHIR base URL printed on the first line)
           [--host 127.0.0.1] [--port 0] [--seed N] [--members N] [--members-per-file N]
           [--scenario default|demo|FILE] [--time-scale K] [--ig-version 2.0.0|1.0.1]
           [--max-active-jobs N] [--journal-capacity N] [--base-path /fhir]
           [--clock real|manual] [--verdict-on-exit FILE] [--fuzz SEED]
           [--tls [--tls-cert F --tls-key F] [--tls-cert-out F]]
           [--auth smart|none] [--client-id ID --jwks FILE|URL]
           [--max-connections 10000] [--request-timeout 10] [--admin-token T]
           beyond loopback (--host) the admin API needs X-Admin-Token (one is printed);
           the judge's verdict on the client: GET /__admin/verdict, and printed on exit;
           --fuzz SEED mutates manifests, headers and NDJSON (journalled as rule "fuzz")
  export   run the reference client against any Bulk Data server
           --base-url URL --out DIR [--level system|patient|group:ID] [--type T,...]
           [--since INSTANT] [--post] [--timeout S] [--parallel N] [--seed N] [--no-release]
           [--param NAME=VALUE]... [--ig-version V] [--bearer-token TOKEN]
           [--io-timeout S] [--ca-file F] [--insecure]
           [--client-id ID --private-key PEM|JWK [--token-url URL] [--scope S]]
  judge    the verdict on a saved journal: --journal FILE [--scenario NAME|FILE]
           [--time-scale K] [--json]; exit 0 pass, 1 fail, 3 inconclusive
  sim      deterministic simulation: client and server in one thread on virtual time
           [--seed N] [--runs K] [--scenario NAME|FILE] [--swarm] [--max-rules N]
           [--mutant client-ignores-retry-after|server-ignores-delete] [--coverage]
           [--judge|--no-judge] [--json] [--regressions DIR] [--no-shrink] [--verbose]
           [--time-scale K] [--client-args "FLAGS"] [--print-plan] [--no-liveness]; --scenario DIR runs each file
           exit 0 no violation, 1 a violation (shrunk, written, reproduce line printed)
  check    the conformance runner: every testable server requirement, by requirement ID
           --base-url URL [--ig-version 1.0.1|2.0.0|3.0.0|4.0.0-ballot]
           [--levels system,patient,group:ID] [--only IDS] [--timeout S]
           [--request-timeout S] [--job-timeout S] [--bearer-token T] [--operational]
           [--concurrent N] [--late-poll S] [--report-json F] [--report-junit F]
           [--client-id ID --private-key PEM|JWK [--token-url U] [--scope S]]
           [--ca-file F | --insecure] [--verbose] [--list]; exit 0 no SHALL check failed, 1 one did
  keygen   a SMART Backend Services key pair: --out DIR [--alg ES384|RS384] [--kid K]
  faults   list [--json]: every fault kind, its parameters and requirement IDs
  scenarios  validate FILE... | list [DIR] | schema
  help     this text
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "serve") return bh::app::serve_command(args, std::cout, std::cerr);
  if (command == "judge") return bh::app::judge_command(args, std::cout, std::cerr);
  if (command == "demo") return bh::app::demo_command(args, std::cout, std::cerr);
  if (command == "export") return bh::app::export_command(args, std::cout, std::cerr);
  if (command == "sim") return bh::app::sim_command(args, std::cout, std::cerr);
  if (command == "check") return bh::app::check_command(args, std::cout, std::cerr);
  if (command == "faults") return bh::app::faults_command(args, std::cout, std::cerr);
  if (command == "keygen") return bh::app::keygen_command(args, std::cout, std::cerr);
  if (command == "scenarios") return bh::app::scenarios_command(args, std::cout, std::cerr);
  std::cerr << "bulkharness: unknown command \"" << command
            << "\": expected demo, serve, export, check, judge, sim, faults, scenarios or help\n"
            << kUsage;
  return 2;
}
