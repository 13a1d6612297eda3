// `bulkharness check`: the conformance runner against any Bulk Data server (conformance/).
//
// Prints the text report (grouped by area, evidence for every failure and warning) and writes
// the JSON and JUnit reports when asked. Exit status: 0 no SHALL check failed, 1 one did,
// 2 usage error (nothing is sent to the server), 3 inconclusive: none failed, but a SHALL
// check ran out of time (job budget or deadline) and verified nothing.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "app/args.hpp"
#include "app/commands.hpp"
#include "app/help.hpp"
#include "app/progress.hpp"
#include "auth/key_file.hpp"
#include "conformance/net/blocking_http.hpp"
#include "conformance/report.hpp"
#include "conformance/report_html.hpp"
#include "core/atomic_file.hpp"
#include "core/strings.hpp"
#include "protocol/url.hpp"

namespace bh::app {

namespace {

struct CheckSettings {
  conformance::CheckOptions options;
  std::optional<std::string> json_path, junit_path, html_path;
  bool list = false, markdown = false, verbose = false, quiet = false;
  client::net::TlsClientOptions tls;
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ','))
    if (!std::string(protocol::trim(item)).empty()) out.emplace_back(protocol::trim(item));
  return out;
}

Status check_levels(const std::vector<std::string>& levels) {
  for (const auto& l : levels)
    if (l != "system" && l != "patient" && !(l.starts_with("group:") && l.size() > 6))
      return make_error("--levels", "unknown level", "system, patient or group:ID",
                        "\"" + l + "\"");
  return Ok{};
}

Status writable(const std::optional<std::string>& path, const char* flag) {
  return path ? check_report_directory(*path, flag) : Status(Ok{});
}

// SMART credentials and TLS trust: the same flags as `export`.
Status read_auth(const Args& args, CheckSettings& s) {
  auto& o = s.options;
  if (args.has("--client-id") != args.has("--private-key"))
    return make_error(args.has("--client-id") ? "--private-key" : "--client-id",
                      "missing: --client-id and --private-key go together");
  s.tls = {!args.has("--insecure"), args.get("--ca-file").value_or("")};
  if (args.has("--insecure") && args.has("--ca-file"))
    return make_error("--insecure", "contradicts --ca-file", "one of them");
  if (!args.has("--client-id")) return Ok{};
  if (o.bearer_token)
    return make_error("--bearer-token", "a fixed token and SMART credentials exclude each other");
  auto key = auth::load_key_file("--private-key", *args.get("--private-key"));
  if (!key) return key.error();
  client::SmartAuthOptions smart;
  smart.client_id = *args.get("--client-id");
  smart.key = *key;
  smart.token_url = args.get("--token-url").value_or("");
  smart.scope = args.get("--scope").value_or("system/*.read");
  o.smart = smart;
  return Ok{};
}

Result<CheckSettings> read_settings(const std::vector<std::string>& argv) {
  auto args = Args::parse(
      argv,
      {"--base-url",     "--ig-version",  "--levels",    "--report-json",     "--report-junit",
       "--report-html",  "--only",        "--timeout",   "--request-timeout", "--job-timeout",
       "--bearer-token", "--concurrent",  "--late-poll", "--explore",         "--seed",
       "--client-id",    "--private-key", "--token-url", "--scope",           "--ca-file"},
      {"--operational", "--list", "--markdown", "--verbose", "--insecure", "--quiet"});
  if (!args) return args.error();
  CheckSettings s;
  auto& o = s.options;
  s.list = args->has("--list");
  s.markdown = args->has("--markdown");
  if (s.markdown && !s.list)
    return make_error("--markdown", "only with --list", "--list --markdown");
  s.verbose = args->has("--verbose");
  s.quiet = args->has("--quiet");
  if (auto v = args->get("--ig-version")) {
    auto version = protocol::parse_ig_version(*v);
    if (!version) return version.error().within("--ig-version");
    o.version = *version;
  }
  if (s.list) return s;
  auto base = args->get("--base-url");
  if (!base) return make_error("--base-url", "is required", "the server's FHIR base URL");
  std::string b = *base;
  while (b.size() > 1 && b.back() == '/')
    b.pop_back();
  if (auto url = protocol::parse_url(b); !url) return url.error().within("--base-url");
  o.base_url = b;
  if (auto l = args->get("--levels")) o.levels = split_commas(*l);
  if (auto st = check_levels(o.levels); !st) return st.error();
  if (auto only = args->get("--only")) o.only = split_commas(*only);
  auto timeout = args->get_u64("--timeout", 900, 1, 86400);
  auto request = args->get_u64("--request-timeout", 30, 1, 3600);
  auto job = args->get_u64("--job-timeout", 300, 1, 86400);
  auto concurrent = args->get_u64("--concurrent", 3, 1, 50);
  auto late = args->get_u64("--late-poll", 30, 0, 86400);
  auto explore = args->get_u64("--explore", 0, 0, 100000);
  auto seed = args->get_u64("--seed", 1, 0, ~0ULL);
  for (const auto* r : {&timeout, &request, &job, &concurrent, &late, &explore, &seed})
    if (!*r) return r->error();
  o.timeout = seconds(static_cast<std::int64_t>(*timeout));
  o.request_timeout = seconds(static_cast<std::int64_t>(*request));
  o.job_timeout = seconds(static_cast<std::int64_t>(*job));
  o.concurrent_exports = static_cast<std::uint32_t>(*concurrent);
  o.late_poll_delay = seconds(static_cast<std::int64_t>(*late));
  o.explore_runs = *explore;
  o.seed = *seed;
  o.operational = args->has("--operational");
  if (auto t = args->get("--bearer-token")) o.bearer_token = *t;
  if (auto st = read_auth(*args, s); !st) return st.error();
  s.json_path = args->get("--report-json");
  s.junit_path = args->get("--report-junit");
  if (auto st = writable(s.json_path, "--report-json"); !st) return st.error();
  if (auto st = writable(s.junit_path, "--report-junit"); !st) return st.error();
  s.html_path = args->get("--report-html");
  if (auto st = writable(s.html_path, "--report-html"); !st) return st.error();
  return s;
}

// Where a check runs: its area, per level or once, --operational, the IG versions.
std::string runs_text(const conformance::CheckDef& d) {
  std::string versions = d.versions.empty() ? "all" : "";
  for (const auto v : d.versions)
    versions += (versions.empty() ? "" : ",") + std::string(protocol::to_string(v));
  return d.area + (d.per_level ? ", per level" : "") + (d.operational ? ", --operational" : "") +
         ", IG " + versions;
}

// `--list`, or with --markdown the table of docs/check.md (checked against it by a test).
void list_checks(const std::vector<conformance::CheckDef>& catalogue, bool markdown,
                 std::ostream& out) {
  if (markdown) out << "| check | level | requirements | runs | title |\n|---|---|---|---|---|\n";
  for (const auto& d : catalogue) {
    const std::string level(conformance::to_string(d.level));
    if (markdown)
      out << "| `" << d.id << "` | " << level << " | " << join(d.requirements, ", ") << " | "
          << markdown_cell(runs_text(d)) << " | " << markdown_cell(d.title) << " |\n";
    else
      out << d.id << "  " << level << "  [" << join(d.requirements, ",") << "]  " << runs_text(d)
          << "\n    " << d.title << "\n";
  }
}

// Written whole or not at all: a failed run never leaves half a report that looks complete.
template <class Write>
Status write_report(const std::string& path, Write write) {
  std::ostringstream text;
  write(text);
  return write_file_atomically(path, text.str());
}

}  // namespace

int check_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  auto settings = read_settings(argv);
  if (!settings) {
    err << "bulkharness check: " << settings.error().message() << "\n";
    return 2;
  }
  const auto catalogue = conformance::all_checks();
  if (settings->list) {
    list_checks(catalogue, settings->markdown, out);
    return 0;
  }
  const auto& o = settings->options;
  auto selected = conformance::select_checks(catalogue, o);
  if (!selected) {
    err << "bulkharness check: " << selected.error().message() << "\n";
    return 2;
  }
  if (o.explore_runs > 0) {
    // RapidCheck announces its configuration on first use: make it name our seed.
    const std::string rc = "seed=" + std::to_string(o.seed) + " verbose_progress=0";
    setenv("RC_PARAMS", rc.c_str(), 1);
  }
  conformance::net::BlockingHttp http(o.request_timeout, settings->tls);
  conformance::ProbeOptions po{o.base_url, o.version, o.request_timeout, o.job_timeout,
                               o.bearer_token};
  conformance::Probe probe(http, po, http.now() + o.timeout);
  conformance::Context ctx(probe, o);
  std::optional<conformance::SmartClient> smart;
  if (o.smart) {
    smart.emplace(probe, *o.smart, o.seed);
    probe.set_token_source([&] { return smart->bearer(); });
    ctx.set_smart(&*smart);
  }
  if (!settings->tls.verify) out << "warning: --insecure: server certificates are not verified\n";
  // Progress on stderr (past the first second); the report on stdout is unchanged by it.
  auto progress = ProgressLine::on_stderr(err, !settings->quiet, "check", 0, "failed");
  const auto report = conformance::run_checks(
      ctx, *selected, [&](std::size_t done, std::size_t total, std::size_t failed) {
        progress.set_total(total);
        progress.update(done, failed);
      });
  progress.finish();
  conformance::write_text(report, out, settings->verbose);
  int code = report.exit_code();
  auto save = [&](const std::optional<std::string>& path, auto fn) {
    if (!path) return;
    if (auto st = write_report(*path, fn); !st) {
      err << "bulkharness check: " << st.error().message() << "\n";
      code = 2;
    }
  };
  save(settings->json_path, [&](std::ostream& f) { conformance::write_json(report, f); });
  save(settings->junit_path, [&](std::ostream& f) { conformance::write_junit(report, f); });
  save(settings->html_path, [&](std::ostream& f) { conformance::write_html(report, f); });
  return code;
}

}  // namespace bh::app
