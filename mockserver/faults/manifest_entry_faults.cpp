// Manifest entries that need files of their own: error files of OperationOutcome (partial
// success), deleted-resource Bundles, a second manifest page (link next), and a
// requiresAccessToken that lies (either way). The files are served by the mock itself (ExtraFiles).
#include <string_view>

#include "core/assert.hpp"
#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"
#include "protocol/operation_outcome.hpp"
#include "protocol/responses.hpp"
#include "protocol/url.hpp"

namespace bh::mockserver {

namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Registers a file under this job's file namespace and returns its absolute URL.
std::string publish(FaultContext& ctx, const std::string& name, std::string body) {
  const std::string path = base_path(ctx) + "/bulkfiles/" + ctx.cls.job_id + "/" + name;
  ctx.files.put(path, {protocol::kNdjson, std::move(body)});
  return origin(ctx) + path;
}

FaultFn add_entries(std::string field, std::string type, std::string name,
                    std::function<std::string(std::int64_t)> make_body, std::int64_t count) {
  return [=](FaultContext& ctx, const Next& next) {
    return with_json_body(ctx, next, [&](Json& j) {
      const std::string url = publish(ctx, name, make_body(count));
      if (!j.contains(field) || !j[field].is_array()) j[field] = Json::array();
      j[field].push_back({{"type", type}, {"url", url}, {"count", count}});
    });
  };
}

// Lines 1..n of make(i) dumped. Only the number differs from line to line, so one line is
// dumped with a marker where the number goes and the rest is copied around it: the same bytes
// (digits and the marker need no escaping), without a JSON document per line. A sim run may ask
// for 100,000 lines on every manifest poll; building each line was a fifth of the simulator's
// time (perf, bench/sim_speed.py).
std::string numbered_lines(std::int64_t n, const std::function<Json(const std::string&)>& make) {
  static constexpr std::string_view kMark = "@@N@@";
  const std::string line = dump(make(std::string(kMark)));
  const std::size_t at = line.find(kMark);
  BH_ASSERT(at != std::string::npos && line.find(kMark, at + 1) == std::string::npos,
            "numbered_lines: the number must appear exactly once");
  const std::string_view head = std::string_view(line).substr(0, at);
  const std::string_view tail = std::string_view(line).substr(at + kMark.size());
  std::string body;
  body.reserve(static_cast<std::size_t>(n) * (line.size() + 8));
  for (std::int64_t i = 1; i <= n; ++i) {
    body += head;
    body += std::to_string(i);
    body += tail;
    body += '\n';
  }
  return body;
}

std::string outcome_lines(std::int64_t n) {
  return numbered_lines(n, [](const std::string& i) {
    return protocol::make_outcome("error", "processing",
                                  "resource " + i +
                                      " could not be exported: its source record is "
                                      "corrupt (partial success, ST-13)");
  });
}

std::string deleted_lines(std::int64_t n) {
  return numbered_lines(n, [](const std::string& i) {
    return Json{
        {"resourceType", "Bundle"},
        {"type", "transaction"},
        {"entry", {{{"request", {{"method", "DELETE"}, {"url", "Patient/deleted-" + i}}}}}}};
  });
}

bool is_second_page(const FaultContext& ctx) {
  auto t = protocol::split_target(ctx.request.target);
  if (!t) return false;
  for (const auto& [k, v] : t->query)
    if (k == "page" && v == "2") return true;
  return false;
}

}  // namespace

void add_manifest_entry_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back(
      {"manifest-error-files",
       "manifest",
       "partial success: the manifest's `error` array gains an NDJSON file of `count` "
       "OperationOutcomes, served by the mock",
       {"ST-13", "ERR-06", "MF-05", "DL-01", "DL-16"},
       {"status"},
       {{"count", ParamType::kInteger, 2, "OperationOutcomes in the file", {}, 1, 100000}},
       fn_kind([](const ParamValues& v) {
         return add_entries("error", "OperationOutcome", "fault-error-1.ndjson", outcome_lines,
                            v.integer("count"));
       })});
  kinds.push_back(
      {"manifest-deleted-entries",
       "manifest",
       "the manifest's `deleted` array gains a file of `count` transaction Bundles with DELETE "
       "entries, served by the mock",
       {"MF-06", "DL-01", "DL-16"},
       {"status"},
       {{"count", ParamType::kInteger, 2, "Bundles in the file", {}, 1, 100000}},
       fn_kind([](const ParamValues& v) {
         return add_entries("deleted", "Bundle", "fault-deleted-1.ndjson", deleted_lines,
                            v.integer("count"));
       })});
  kinds.push_back(
      {"manifest-link-paging",
       "manifest",
       "3.0.0 paging: the manifest lists the first half of the output and a `link` (relation "
       "next) to the status URL with ?page=2, which lists the rest",
       {"MF-08", "PAR-11"},
       {"status"},
       {},
       fn_kind([](const ParamValues&) -> FaultFn {
         return [](FaultContext& ctx, const Next& next) {
           const bool second = is_second_page(ctx);
           return with_json_body(ctx, next, [&](Json& j) {
             if (!j.contains("output") || !j["output"].is_array()) return;
             Json all = j["output"];
             const std::size_t half = (all.size() + 1) / 2;
             Json page = Json::array();
             for (std::size_t i = second ? half : 0; i < (second ? all.size() : half); ++i)
               page.push_back(all[i]);
             j["output"] = page;
             if (second) {
               j["error"] = Json::array();
               return;
             }
             j["link"] = Json::array(
                 {{{"relation", "next"},
                   {"url", ctx.service.base_url + "/bulkstatus/" + ctx.cls.job_id + "?page=2"}}});
           });
         };
       })});
  kinds.push_back(
      {"manifest-claims-token-required",
       "manifest",
       "the manifest says requiresAccessToken: true, but the files are served to anyone (a "
       "client without a token should still try them, and must not invent one)",
       {"MF-03", "DL-05"},
       {"status"},
       {},
       fn_kind([](const ParamValues&) -> FaultFn {
         return [](FaultContext& ctx, const Next& next) {
           return with_json_body(ctx, next, [](Json& j) { j["requiresAccessToken"] = true; });
         };
       })});
  kinds.push_back({"file-requires-undeclared-token",
                   "manifest",
                   "the manifest says requiresAccessToken: false, but a file request without "
                   "Authorization gets 401 + WWW-Authenticate: the manifest lied",
                   {"MF-03", "DL-05", "DL-06"},
                   {"file"},
                   {},
                   fn_kind([](const ParamValues&) -> FaultFn {
                     return [](FaultContext& ctx, const Next& next) {
                       if (ctx.request.headers.has("Authorization")) return declined(ctx, next);
                       protocol::Response r = protocol::outcome_response(
                           401, "error", "login", "this file needs an access token (DL-05)");
                       r.headers.set("WWW-Authenticate", "Bearer");
                       return r;
                     };
                   })});
}

}  // namespace bh::mockserver
