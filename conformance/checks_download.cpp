// Download checks (DL-03, DL-05, DL-08, DL-09, DL-13, DL-15, MF-12): every file of the baseline
// export, streamed through the NDJSON validator; one file again with gzip offered.
#include "conformance/check_def.hpp"
#include "core/strings.hpp"

namespace bh::conformance {

namespace {

const ExportRun* with_files(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun& run = ctx.baseline(level);
  if (!run.complete()) {
    v.skip("the " + level + " export has no usable manifest: " + run.problem);
    return nullptr;
  }
  if (run.files.empty()) {
    v.skip("the " + level + " manifest lists no files");
    return nullptr;
  }
  return &run;
}

bool type_mismatch(const protocol::NdjsonProblem& p) {
  return p.message.starts_with("resourceType is \"") &&
         p.message.find(", expected \"") != std::string::npos;
}

void status(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun* run = with_files(ctx, level, v);
  if (run == nullptr) return;
  for (const auto& f : run->files) {
    const auto& head = f.download.head;
    if (head.ok() && head.response.status == 200) continue;
    v.evidence(head.evidence());
    const std::string loop = f.download.redirect_limit
                                 ? " after " + std::to_string(f.download.redirects.size()) +
                                       " redirects, where the runner stops (a redirect loop?)"
                                 : "";
    return v.violated(f.kind + " file " + f.item.url + ": " +
                      describe_answer(head, "the download") + loop + ", expected 200");
  }
  v.pass(std::to_string(run->files.size()) + " files downloaded with 200");
}

void content_type(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun* run = with_files(ctx, level, v);
  if (run == nullptr) return;
  for (const auto& f : run->files) {
    if (f.download.head.response.status != 200) continue;
    const std::string ct = media_type(f.download.head);
    if (protocol::iequals(ct, "application/fhir+ndjson")) continue;
    v.evidence(f.download.head.evidence());
    return v.violated(f.item.url + " is served as \"" + ct +
                      "\", expected application/fhir+ndjson");
  }
  v.pass("every file is served as application/fhir+ndjson");
}

void ndjson(Context& ctx, const std::string& level, Verdict& v, bool types) {
  const ExportRun* run = with_files(ctx, level, v);
  if (run == nullptr) return;
  std::uint64_t lines = 0;
  for (const auto& f : run->files) {
    const auto& d = f.download;
    if (d.head.response.status != 200) continue;
    if (!types && d.unlabelled_gzip) {
      v.evidence(d.head.evidence());
      return v.violated(f.item.url + " is gzip-compressed without Content-Encoding: gzip");
    }
    if (!types && d.decode_error) return v.violated(f.item.url + ": " + *d.decode_error);
    if (!types && d.head.response.error) {
      v.evidence(d.head.evidence());
      return v.violated(f.item.url + ": the body did not arrive whole: " + *d.head.response.error);
    }
    lines += d.summary.resources;
    for (const auto& p : d.summary.problems) {
      if (type_mismatch(p) != types) continue;
      v.evidence(d.head.evidence());
      return v.violated(f.item.url + " line " + std::to_string(p.line) + ": " + p.message);
    }
  }
  v.pass(types ? "every line's resourceType matches its manifest item's type"
               : std::to_string(lines) + " lines, each one JSON resource, every line ended");
}

void r4_valid(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun* run = with_files(ctx, level, v);
  if (run == nullptr) return;
  if (run->facts.empty()) return v.skip("no resources were downloaded to validate");
  std::size_t bad = 0;
  const ResourceFacts* first = nullptr;
  for (const auto& r : run->facts)
    if (!r.r4_problems.empty() && bad++ == 0) first = &r;
  if (first != nullptr)
    return v.violated(std::to_string(bad) + " of " + std::to_string(run->facts.size()) +
                      " resources break the base R4 structure, e.g. " + first->type + "/" +
                      first->id + ": " + join(first->r4_problems, "; "));
  v.pass(std::to_string(run->facts.size()) +
         " resources conform to the base R4 structure "
         "(elements, cardinality, JSON types; not invariants or terminology)");
}

void gzip(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun* run = with_files(ctx, level, v);
  if (run == nullptr) return;
  const FileRun* first = nullptr;
  for (const auto& f : run->files)
    if (f.kind == "output" && f.download.head.response.status == 200) {
      first = &f;
      break;
    }
  if (first == nullptr) return v.skip("no output file downloaded to fetch again");
  Download d = ctx.probe().download(first->item.url, first->item.type, true);
  v.evidence(d.head.evidence());
  if (d.head.response.status != 200)
    return v.violated(describe_answer(d.head, "the download with Accept-Encoding: gzip"));
  const std::string enc(protocol::trim(d.content_encoding));
  if (!enc.empty() && !protocol::iequals(enc, "gzip") && !protocol::iequals(enc, "identity"))
    return v.violated("Content-Encoding \"" + enc + "\" was not offered (only gzip was)");
  if (d.decode_error) return v.violated("the gzip body does not decode: " + *d.decode_error);
  if (d.summary.resources != first->download.summary.resources)
    return v.violated("with gzip offered the file holds " + std::to_string(d.summary.resources) +
                      " resources, without it " +
                      std::to_string(first->download.summary.resources));
  v.pass(d.decoded_gzip ? "sent gzip-compressed with Content-Encoding: gzip, same resources"
                        : "sent uncompressed (allowed), same resources");
}

void redirects(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun* run = with_files(ctx, level, v);
  if (run == nullptr) return;
  for (const auto& f : run->files) {
    if (f.download.redirects.empty()) continue;
    const auto& head = f.download.head;
    if (!head.ok() || head.response.status != 200)
      return v.violated(
          f.item.url +
          " redirects, but the file was never reached: " + describe_answer(head, "the last hop") +
          (f.download.redirect_limit
               ? " after " + std::to_string(f.download.redirects.size()) + " redirects (a loop?)"
               : ""));
  }
  for (const auto& f : run->files)
    if (!f.download.redirects.empty())
      return v.pass(f.item.url + " redirects to " + f.download.redirects.back() +
                    " (followed; Authorization is never sent to another origin)");
  v.pass("files are served directly, without redirects");
}

void requires_token(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun* run = with_files(ctx, level, v);
  if (run == nullptr) return;
  if (!run->manifest->manifest->requires_access_token)
    return v.pass("requiresAccessToken is false: the files are open");
  if (!ctx.auth_in_use())
    return v.skip(
        "requiresAccessToken is true; give SMART credentials (--client-id, --private-key) or "
        "--bearer-token to check the files refuse a request without a token");
  Outgoing bare{"GET", run->files.front().item.url, {}, {}};
  bare.headers.add("Accept", "application/fhir+ndjson");
  // fetch() adds the token for the server's origin; this request must go without it.
  Incoming in = ctx.probe().http().send(bare, ctx.options().request_timeout, ResponseSink{});
  const int st = in.status;
  Evidence ev{"GET " + bare.url + " (no Authorization)", "HTTP " + std::to_string(st)};
  v.evidence(ev);
  if (st == 401 || st == 400)
    return v.pass("a download without the token is refused with " + std::to_string(st));
  if (st == 403) return v.warn("a download without the token is refused with 403 (401 expected)");
  v.violated("a download without the token answered " + std::to_string(st) +
             " although requiresAccessToken is true");
}

}  // namespace

void add_download_checks(std::vector<CheckDef>& out) {
  out.push_back({"download-status",
                 "download",
                 Level::kShall,
                 {"DL-03", "MF-12"},
                 "every file in the manifest downloads with 200",
                 true,
                 false,
                 false,
                 {},
                 status});
  out.push_back({"download-content-type",
                 "download",
                 Level::kShall,
                 {"DL-03"},
                 "files are served as application/fhir+ndjson",
                 true,
                 false,
                 false,
                 {},
                 content_type});
  out.push_back({"download-ndjson",
                 "download",
                 Level::kShall,
                 {"DL-13", "DL-03"},
                 "each file is NDJSON: one JSON resource per line, every line ended",
                 true,
                 false,
                 false,
                 {},
                 [](Context& c, const std::string& l, Verdict& v) { ndjson(c, l, v, false); }});
  out.push_back({"download-resource-type",
                 "download",
                 Level::kShall,
                 {"DL-08", "MF-04"},
                 "each resource's type is its manifest item's type",
                 true,
                 false,
                 false,
                 {},
                 [](Context& c, const std::string& l, Verdict& v) { ndjson(c, l, v, true); }});
  out.push_back({"download-r4-valid",
                 "download",
                 Level::kShall,
                 {"DL-13", "DL-03"},
                 "every exported resource has the base R4 structure (Inferno VAL)",
                 true,
                 false,
                 false,
                 {},
                 r4_valid});
  out.push_back({"download-gzip",
                 "download",
                 Level::kShall,
                 {"DL-09"},
                 "with gzip offered, a file comes plain or gzip-labelled, and decodes",
                 true,
                 false,
                 false,
                 {},
                 gzip});
  out.push_back({"download-redirects",
                 "download",
                 Level::kMay,
                 {"DL-15", "MF-12"},
                 "redirected files are reachable (the token stays with the FHIR server)",
                 true,
                 false,
                 false,
                 {},
                 redirects});
  out.push_back({"download-requires-token",
                 "download",
                 Level::kShall,
                 {"DL-05", "MF-03"},
                 "with requiresAccessToken=true a download without the token is refused",
                 true,
                 false,
                 false,
                 {},
                 requires_token});
}

}  // namespace bh::conformance
