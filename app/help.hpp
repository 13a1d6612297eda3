// app/help: what each subcommand does, its options, examples and exit codes, in one table.
//
// Contract: commands() lists every subcommand in the order `bulkharness help` shows them. The
// top-level usage, `bulkharness <command> --help`, and docs/cli.md (`bulkharness help
// --markdown`, checked against the file by a test) are all rendered from it, so they cannot
// disagree. The reference client's exit codes come from client::exit_code itself. A test also
// compares each command's documented options with the ones it accepts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bh::app {

struct ExitCode {
  int code = 0;
  std::string meaning;
  int last = 0;  // when set, the codes code..last all mean this
};

struct CommandHelp {
  std::string name;
  std::string summary;  // one line
  std::string options;  // the option synopsis, lines indented by the renderer
  std::vector<std::string> examples;
  std::vector<ExitCode> exit_codes;
};

const std::vector<CommandHelp>& commands();
std::optional<CommandHelp> find_command(std::string_view name);

std::string usage_text();                        // `bulkharness help`
std::string command_text(const CommandHelp& c);  // `bulkharness <command> --help`
std::string markdown_text();                     // docs/cli.md

// Text for a Markdown table cell: '|' escaped, line breaks as spaces.
std::string markdown_cell(std::string_view text);

// True when argv asks for help: --help or -h anywhere (before a `--`).
bool asks_for_help(const std::vector<std::string>& argv);

}  // namespace bh::app
