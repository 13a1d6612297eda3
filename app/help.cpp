#include "app/help.hpp"

#include <sstream>

#include "client/outcome.hpp"

namespace bh::app {

namespace {

const ExitCode kUsageError{2, "usage error: a bad command line (what was wrong is printed)"};

// What each outcome means, for people; -Wswitch makes a new outcome a build error here.
std::string_view meaning(client::OutcomeKind k) {
  using client::OutcomeKind;
  switch (k) {
    case OutcomeKind::kSuccess:
      return "every manifest file downloaded and valid";
    case OutcomeKind::kRejected:
      return "kick-off refused for good (or answered 200, or no absolute Content-Location)";
    case OutcomeKind::kFailed:
      return "the job failed (final error on the status URL, retries or request cap exhausted)";
    case OutcomeKind::kManifestInvalid:
      return "the completion manifest breaks a SHALL of the IG version";
    case OutcomeKind::kDownloadFailed:
      return "a file could not be fetched (4xx, retries exhausted, local write error)";
    case OutcomeKind::kValidationFailed:
      return "every file fetched, but some content is wrong (NDJSON, resourceType, count)";
    case OutcomeKind::kGone:
      return "the status URL went 404/410 without our DELETE, or the links expired";
    case OutcomeKind::kCancelled:
      return "cancelled by SIGINT/SIGTERM (DELETE sent if a job existed)";
    case OutcomeKind::kTimedOut:
      return "--timeout passed (DELETE sent if a job existed)";
    case OutcomeKind::kTransportError:
      return "kick-off or status retries exhausted on network errors only";
  }
  return "?";
}

std::vector<ExitCode> export_exit_codes() {
  // Codes from the client itself, so they cannot drift from what it returns.
  using client::OutcomeKind;
  static constexpr OutcomeKind kAll[] = {
      OutcomeKind::kSuccess,        OutcomeKind::kRejected,
      OutcomeKind::kFailed,         OutcomeKind::kManifestInvalid,
      OutcomeKind::kDownloadFailed, OutcomeKind::kValidationFailed,
      OutcomeKind::kGone,           OutcomeKind::kCancelled,
      OutcomeKind::kTimedOut,       OutcomeKind::kTransportError};
  std::vector<ExitCode> out;
  for (auto k : kAll)
    out.push_back(
        {client::exit_code(k), std::string(client::to_string(k)) + ": " + std::string(meaning(k))});
  out.insert(out.begin() + 1, kUsageError);
  return out;
}

std::vector<CommandHelp> make_commands() {
  return {
      {"demo",
       "run the mock server with a fault scenario and the reference client against it",
       "[--scenario NAME|FILE] [--time-scale K] [--members N] [--seed N] [--out DIR]\n"
       "and every serve option but --verdict-on-exit (the demo's server is a serve)",
       {"bulkharness demo",
        "bulkharness demo --scenario scenarios/retry-after-http-date-forms.json"},
       {{0, "the export completed and the judge's verdict is a pass"},
        {1, "the server did not start, or the export completed but the verdict is not a pass"},
        kUsageError,
        {3, "the reference client's own exit code when the export failed (see export)", 11}}},
      {"serve",
       "run the mock Bulk Data server (FHIR base URL printed on the first line)",
       "[--host 127.0.0.1] [--port 0] [--seed N] [--members N] [--members-per-file N]\n"
       "[--scenario default|demo|FILE] [--time-scale K] [--ig-version 2.0.0|1.0.1]\n"
       "[--max-active-jobs N] [--journal-capacity N] [--base-path /fhir]\n"
       "[--clock real|manual] [--verdict-on-exit FILE] [--fuzz SEED]\n"
       "[--tls [--tls-cert F --tls-key F] [--tls-cert-out F]]\n"
       "[--auth smart|none] [--client-id ID --jwks FILE|URL]\n"
       "[--max-connections 10000] [--request-timeout 10] [--admin-token T]\n"
       "[--file-cache DIR [--file-cache-max-mb 4096]]\n"
       "beyond loopback (--host) the admin API needs X-Admin-Token (one is printed);\n"
       "the judge's verdict on the client: GET /__admin/verdict, and printed on exit;\n"
       "--fuzz SEED mutates manifests, headers and NDJSON (journalled as rule \"fuzz\")\n"
       "--file-cache DIR keeps each file generated whole (unlinked, so nothing is left behind)\n"
       "and sends repeat fetches from it, with sendfile over plain HTTP: the same bytes",
       {"bulkharness serve --port 8080 --scenario scenarios/429-storm-slow-job.json --time-scale "
        "10",
        "bulkharness serve --tls --tls-cert-out cert.pem --auth smart --client-id app "
        "--jwks jwks.json"},
       {{0,
         "stopped by SIGINT or SIGTERM (the verdict is printed, and written with "
         "--verdict-on-exit)"},
        {1, "could not start (address in use, unreadable certificate) or write the verdict"},
        kUsageError}},
      {"export",
       "run the reference client against any Bulk Data server",
       "--base-url URL --out DIR [--level system|patient|group:ID] [--type T,...]\n"
       "[--since INSTANT] [--post] [--timeout S] [--parallel N] [--seed N] [--no-release]\n"
       "[--param NAME=VALUE]... [--ig-version V] [--bearer-token TOKEN]\n"
       "[--io-timeout S] [--max-backoff S] [--ca-file F] [--insecure]\n"
       "[--client-id ID --private-key PEM|JWK [--token-url URL] [--scope S]]\n"
       "[--report-json F] [--quiet]\n"
       "the event log and the summary on stdout (--report-json F: the summary as JSON too);\n"
       "while files download (past the first second), progress on stderr: files done of the\n"
       "manifest's, failed so far, time left, MB received and the rate; --quiet turns it off",
       {"bulkharness export --base-url http://127.0.0.1:8080/fhir --out out/",
        "bulkharness export --base-url URL --out out/ --report-json out.json --quiet   # for CI",
        "bulkharness export --base-url https://ehr.example/fhir --level group:g1 --type "
        "Patient,Condition --client-id app --private-key key.pem --out out/"},
       export_exit_codes()},
      {"check",
       "the conformance runner: every testable server requirement, by requirement ID",
       "--base-url URL [--ig-version 1.0.1|2.0.0|3.0.0|4.0.0-ballot]\n"
       "[--levels system,patient,group:ID] [--only IDS] [--timeout S]\n"
       "[--request-timeout S] [--job-timeout S] [--bearer-token T] [--operational]\n"
       "[--concurrent N] [--late-poll S] [--explore N] [--seed N]\n"
       "[--report-json F] [--report-junit F] [--report-html F]\n"
       "[--client-id ID --private-key PEM|JWK [--token-url U] [--scope S]]\n"
       "[--ca-file F | --insecure] [--verbose] [--quiet] [--list [--markdown]]\n"
       "progress on stderr past the first second (checks done, failed so far, time left);\n"
       "--quiet turns it off",
       {"bulkharness check --base-url http://127.0.0.1:8080/fhir --report-junit check.xml",
        "bulkharness check --base-url URL --report-html check.html   # for auditors",
        "bulkharness check --list", "bulkharness check --base-url URL --only KO-01,ST-03",
        "bulkharness check --list --markdown   # the catalogue table of docs/check.md"},
       {{0, "no SHALL check failed"},
        {1, "a SHALL check failed"},
        kUsageError,
        {3,
         "inconclusive: none failed, but a SHALL check ran out of time (--job-timeout, "
         "--timeout)"}}},
      {"judge",
       "the verdict on a saved journal (GET /__admin/journal), offline",
       "--journal FILE [--scenario NAME|FILE] [--time-scale K] [--json]",
       {"bulkharness judge --journal journal.json --scenario scenarios/429-storm-slow-job.json"},
       {{0, "pass"},
        {1, "fail: a rule was broken"},
        kUsageError,
        {3, "inconclusive: the journal cannot show whether a rule held"}}},
      {"sim",
       "deterministic simulation: client and server in one thread on virtual time",
       "[--seed N] [--runs K] [--scenario NAME|FILE|DIR] [--swarm] [--max-rules N]\n"
       "[--mutant client-ignores-retry-after|server-ignores-delete] [--coverage]\n"
       "[--judge|--no-judge] [--json] [--regressions DIR] [--no-shrink] [--verbose]\n"
       "[--time-scale K] [--client-args \"FLAGS\"] [--print-plan] [--no-liveness] [--quiet]\n"
       "--scenario DIR runs each file; runs past a second show progress on stderr (runs done,\n"
       "violations, time left), --quiet turns it off",
       {"bulkharness sim --runs 1000 --swarm",
        "bulkharness sim --seed 42 --scenario scenarios/stall-mid-file.json --verbose"},
       {{0, "no violation"},
        {1, "a violation: shrunk, written to --regressions, reproduce line printed"},
        kUsageError}},
      {"keygen",
       "a SMART Backend Services key pair (private key and JWKS)",
       "--out DIR [--alg ES384|RS384] [--kid K]",
       {"bulkharness keygen --out keys/ --alg RS384"},
       {{0, "written"}, {1, "could not write the files"}, kUsageError}},
      {"faults",
       "list every fault kind, its parameters and requirement IDs",
       "list [--json | --markdown]",
       {"bulkharness faults list", "bulkharness faults list --json",
        "bulkharness faults list --markdown   # docs/faults.md"},
       {{0, "listed"}, kUsageError}},
      {"scenarios",
       "validate, list or describe scenario files",
       "validate FILE|DIR... | list [DIR] | schema",
       {"bulkharness scenarios validate scenarios/", "bulkharness scenarios schema"},
       {{0, "every file valid (validate), listed (list), printed (schema)"},
        {1,
         "a file is invalid (each problem named with its file and JSON path), or no "
         "scenario files in DIR"},
        kUsageError}},
  };
}

std::string code_text(const ExitCode& x) {
  return std::to_string(x.code) + (x.last ? "-" + std::to_string(x.last) : "");
}

void indent(std::ostringstream& out, const std::string& text, const char* prefix) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    out << prefix << line << "\n";
}

}  // namespace

const std::vector<CommandHelp>& commands() {
  static const std::vector<CommandHelp> all = make_commands();
  return all;
}

std::optional<CommandHelp> find_command(std::string_view name) {
  for (const auto& c : commands())
    if (c.name == name) return c;
  return std::nullopt;
}

std::string usage_text() {
  std::ostringstream out;
  out << "usage: bulkharness <command> [options]\n"
         "       bulkharness <command> --help   (options, examples, exit codes)\n\ncommands:\n";
  for (const auto& c : commands()) {
    out << "  " << c.name << std::string(c.name.size() < 10 ? 10 - c.name.size() : 1, ' ')
        << c.summary << "\n";
  }
  out << "  help      this text; help --markdown prints docs/cli.md\n";
  return out.str();
}

std::string command_text(const CommandHelp& c) {
  std::ostringstream out;
  out << "bulkharness " << c.name << ": " << c.summary << "\n\nusage: bulkharness " << c.name
      << "\n";
  indent(out, c.options, "  ");
  out << "\nexamples:\n";
  for (const auto& e : c.examples)
    out << "  " << e << "\n";
  out << "\nexit codes:\n";
  for (const auto& x : c.exit_codes) {
    const std::string code = code_text(x);
    out << "  " << std::string(code.size() < 5 ? 5 - code.size() : 0, ' ') << code << "  "
        << x.meaning << "\n";
  }
  return out.str();
}

std::string markdown_text() {
  std::ostringstream out;
  out << "# Command line reference\n\n"
         "Generated by `bulkharness help --markdown` from `app/help.cpp`; a test fails when this "
         "file\ndiffers from it, and when a command accepts an option its help does not "
         "show (or the\nreverse). `bulkharness <command> --help` prints the same text.\n";
  for (const auto& c : commands()) {
    out << "\n## `bulkharness " << c.name << "`\n\n"
        << c.summary << ".\n\n```\nbulkharness " << c.name << "\n";
    indent(out, c.options, "  ");
    out << "```\n\nExamples:\n\n```sh\n";
    for (const auto& e : c.examples)
      out << e << "\n";
    out << "```\n\n| exit code | meaning |\n|---|---|\n";
    for (const auto& x : c.exit_codes)
      out << "| " << code_text(x) << " | " << x.meaning << " |\n";
  }
  return out.str();
}

std::string markdown_cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|')
      out += "\\|";
    else
      out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

bool asks_for_help(const std::vector<std::string>& argv) {
  for (const auto& a : argv) {
    if (a == "--") return false;
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

}  // namespace bh::app
