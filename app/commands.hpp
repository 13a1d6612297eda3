// app/commands: the `bulkharness` subcommands. Each returns the process exit status:
// 0 success, 2 usage error, other values as documented by the subcommand.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace bh::app {

int serve_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int demo_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int export_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// `faults list [--json]`: the fault catalogue, from the registry.
int faults_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// `scenarios validate FILE...`, `scenarios list [DIR]`, `scenarios schema`.
// `judge --journal FILE [--scenario S] [--time-scale K] [--json]`: a saved journal's verdict.
int judge_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// `sim [--seed N] [--runs K] [--scenario F] [--swarm] [--mutant M] [--coverage] [--json]`.
int sim_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// `check --base-url URL [...]`: the conformance runner; exit 0 no SHALL failed, 1 one did.
int check_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// `keygen --alg ES384|RS384 --out DIR [--kid K]`: a SMART client key pair and its JWKS.
int keygen_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int scenarios_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace bh::app
