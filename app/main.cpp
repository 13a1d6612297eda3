// bulkharness: mock Bulk Data server, reference client, conformance runner and simulator.
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/help.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    if (args.size() == 2 && args[1] == "--markdown") {
      std::cout << bh::app::markdown_text();
      return 0;
    }
    if (args.size() == 2)
      if (auto c = bh::app::find_command(args[1])) {
        std::cout << bh::app::command_text(*c);
        return 0;
      }
    std::cout << bh::app::usage_text();
    return args.size() == 1 ? 0 : 2;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (auto c = bh::app::find_command(command); c && bh::app::asks_for_help(args)) {
    std::cout << bh::app::command_text(*c);
    return 0;
  }
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
            << "\": expected demo, serve, export, check, judge, sim, keygen, faults, scenarios or "
               "help\n"
            << bh::app::usage_text();
  return 2;
}
