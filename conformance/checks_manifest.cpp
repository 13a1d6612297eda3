// Manifest checks (MF-01..MF-07): every field's presence, JSON type and meaning, per IG
// version, read by protocol::validate_manifest; then what only the files can show (counts,
// transactionTime against the data, error files holding only OperationOutcome).
#include <nlohmann/json.hpp>

#include "conformance/check_def.hpp"
#include "protocol/fhir_instant.hpp"
#include "protocol/http_date.hpp"

namespace bh::conformance {

namespace {

using V = protocol::IgVersion;

const ExportRun* finished(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun& run = ctx.baseline(level);
  if (!run.poll || run.poll->end != PollEnd::kComplete) {
    v.skip("the " + level + " export did not complete: " + run.problem);
    return nullptr;
  }
  // A body that is not a manifest at all has no MF findings to report: not a pass.
  const Exchange* m = run.manifest_exchange();
  if (m == nullptr || m->truncated() ||
      !nlohmann::json::parse(m->body, nullptr, false).is_object()) {
    v.skip("the " + level + " manifest could not be read (see status-complete)");
    return nullptr;
  }
  return &run;
}

// One check per requirement the validator reports under.
void findings_for(Context& ctx, const std::string& level, Verdict& v, const std::string& req) {
  const ExportRun* run = finished(ctx, level, v);
  if (run == nullptr) return;
  // The baseline validated this body once, with the same IG version (Context::baseline).
  const protocol::Finding* warning = nullptr;
  for (const auto& f : run->manifest->findings) {
    if (f.requirement != req) continue;
    if (f.severity == protocol::Severity::kError) {
      v.evidence(*run->manifest_exchange());
      return v.violated((f.path.empty() ? std::string("the manifest") : f.path) + ": " + f.message);
    }
    if (f.severity == protocol::Severity::kWarning && warning == nullptr) warning = &f;
  }
  if (warning != nullptr) {
    v.evidence(*run->manifest_exchange());
    return v.warn((warning->path.empty() ? std::string("the manifest") : warning->path) + ": " +
                  warning->message);
  }
  v.pass("no " + req + " finding in the " + std::string(protocol::to_string(ctx.version())) +
         " manifest");
}

void transaction_time(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun* run = finished(ctx, level, v);
  if (run == nullptr) return;
  if (!run->complete()) return v.skip("the manifest is not usable (see the MF checks)");
  const Instant tt = run->manifest->manifest->transaction_time;
  const Exchange& done = *run->manifest_exchange();
  Instant answered = done.at;
  if (auto date = done.header("Date"))
    if (auto d = protocol::parse_http_date(*date, answered)) answered = *d;
  // One second for the Date header's whole seconds, a minute for clocks that disagree.
  if (tt > answered + seconds(61)) {
    v.evidence(done);
    return v.violated("transactionTime " + protocol::format_fhir_instant(tt) +
                      " is after the answer that announced it (" +
                      protocol::format_http_date(answered) + ")");
  }
  for (const auto& r : run->facts) {
    auto t = protocol::parse_fhir_instant(r.last_updated);
    if (t && *t > tt)
      return v.violated(r.type + "/" + r.id + " was modified at " + r.last_updated +
                        ", after transactionTime " + protocol::format_fhir_instant(tt));
  }
  v.pass("transactionTime " + protocol::format_fhir_instant(tt) + " is no earlier than any of " +
         std::to_string(run->facts.size()) + " resources' lastUpdated");
}

std::string without_query(const std::string& url) {
  return url.substr(0, url.find('?'));
}

void request_field(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun* run = finished(ctx, level, v);
  if (run == nullptr) return;
  if (!run->complete()) return v.skip("the manifest is not usable (see the MF checks)");
  const std::string& got = run->manifest->manifest->request;
  const std::string& sent = run->kickoff.request.url;
  auto g = protocol::parse_url(got), s = protocol::parse_url(sent);
  // The path, not the host: a server behind a proxy or named "localhost" writes its own.
  if (!g || !s || without_query(g->target) != without_query(s->target)) {
    v.evidence(*run->manifest_exchange());
    return v.violated("request is \"" + got + "\", expected the kick-off URL " + sent);
  }
  v.pass("request names the kick-off URL");
}

void counts(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun* run = finished(ctx, level, v);
  if (run == nullptr) return;
  int judged = 0;
  for (const auto& f : run->files) {
    if (!f.item.count || f.download.head.response.status != 200) continue;
    ++judged;
    if (*f.item.count != f.download.summary.resources) {
      v.evidence(*run->manifest_exchange());
      return v.violated(f.item.url + ": the manifest's count is " + std::to_string(*f.item.count) +
                        ", the file holds " + std::to_string(f.download.summary.resources) +
                        " resources");
    }
  }
  if (judged == 0) return v.pass("no count given (it is optional)");
  v.pass(std::to_string(judged) + " counts match their files");
}

void kind_files(Context& ctx, const std::string& level, Verdict& v, const std::string& kind,
                const char* type) {
  const ExportRun* run = finished(ctx, level, v);
  if (run == nullptr) return;
  int files = 0;
  for (const auto& f : run->files) {
    if (f.kind != kind) continue;
    ++files;
    const auto& s = f.download.summary;
    if (f.download.head.response.status != 200) continue;  // the download checks report it
    if (!s.ok()) {
      v.evidence(f.download.head.evidence());
      return v.violated(f.item.url + " line " +
                        std::to_string(s.problems.empty() ? 0 : s.problems.front().line) + ": " +
                        (s.problems.empty() ? "invalid" : s.problems.front().message) + " (a " +
                        kind + " file holds only " + type + ")");
    }
  }
  if (files == 0) return v.pass("no " + kind + " files in this manifest");
  v.pass(std::to_string(files) + " " + kind + " files hold only " + type);
}

}  // namespace

void add_manifest_checks(std::vector<CheckDef>& out) {
  struct Field {
    const char* id;
    const char* req;
    const char* title;
  };
  static const Field kFields[] = {
      {"manifest-transaction-time", "MF-01", "transactionTime is a FHIR instant"},
      {"manifest-request", "MF-02", "request is present (V1-V3) as a string"},
      {"manifest-requires-access-token", "MF-03", "requiresAccessToken is a boolean"},
      {"manifest-output", "MF-04", "output items have type, an absolute url and a numeric count"},
      {"manifest-error", "MF-05", "error (outcome in V4) is present and its items well formed"},
      {"manifest-deleted", "MF-06", "deleted items are Bundle files with urls"},
      {"manifest-extension", "MF-07", "extension has the version's shape"},
  };
  for (const auto& f : kFields) {
    const std::string req = f.req;
    out.push_back(
        {f.id,
         "manifest",
         Level::kShall,
         {req},
         f.title,
         true,
         false,
         false,
         {},
         [req](Context& c, const std::string& l, Verdict& v) { findings_for(c, l, v, req); }});
  }
  out.push_back({"manifest-transaction-time-consistent",
                 "manifest",
                 Level::kShould,
                 {"MF-01"},
                 "no exported resource was modified after transactionTime",
                 true,
                 false,
                 false,
                 {},
                 transaction_time});
  out.push_back({"manifest-request-matches",
                 "manifest",
                 Level::kShall,
                 {"MF-02"},
                 "request is the kick-off URL",
                 true,
                 false,
                 false,
                 {V::kV1_0_1, V::kV2_0_0, V::kV3_0_0},
                 request_field});
  out.push_back({"manifest-count-accurate",
                 "manifest",
                 Level::kShould,
                 {"MF-04"},
                 "each count equals the resources in its file",
                 true,
                 false,
                 false,
                 {},
                 counts});
  out.push_back({"manifest-error-files",
                 "manifest",
                 Level::kShall,
                 {"MF-05", "DL-16"},
                 "error files hold only OperationOutcome",
                 true,
                 false,
                 false,
                 {},
                 [](Context& c, const std::string& l, Verdict& v) {
                   kind_files(c, l, v, "error", "OperationOutcome");
                 }});
  out.push_back({"manifest-deleted-files",
                 "manifest",
                 Level::kShall,
                 {"MF-06", "DL-16"},
                 "deleted files hold only Bundles",
                 true,
                 false,
                 false,
                 {},
                 [](Context& c, const std::string& l, Verdict& v) {
                   kind_files(c, l, v, "deleted", "Bundle");
                 }});
}

}  // namespace bh::conformance
