// Broken completion manifests: bad JSON, missing or mistyped fields, bad URLs, counts and
// types, V4 naming served to an earlier client, an Expires in the past. Each rewrites the 200
// manifest the service produced and declines on any other answer.
#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"

namespace bh::mockserver {

namespace {

using Json = nlohmann::ordered_json;

// A manifest kind: every one answers status requests and is built from its parameters.
FaultKind manifest_kind(std::string id, std::string summary, std::vector<std::string> reqs,
                        std::vector<ParamSpec> params,
                        std::function<FaultFn(const ParamValues&)> build) {
  return {std::move(id), "manifest",        std::move(summary),       std::move(reqs),
          {"status"},    std::move(params), fn_kind(std::move(build))};
}

// A kind that edits the manifest JSON in place.
FaultKind json_kind(std::string id, std::string summary, std::vector<std::string> reqs,
                    std::vector<ParamSpec> params,
                    std::function<void(const ParamValues&, FaultContext&, Json&)> edit) {
  return manifest_kind(std::move(id), std::move(summary), std::move(reqs), std::move(params),
                       [edit](const ParamValues& v) -> FaultFn {
                         return [v, edit](FaultContext& ctx, const Next& next) {
                           return with_json_body(ctx, next, [&](Json& j) { edit(v, ctx, j); });
                         };
                       });
}

// A kind that edits the manifest's raw text (after checking it is a 200 JSON manifest).
FaultKind text_kind(std::string id, std::string summary, std::vector<std::string> reqs,
                    std::vector<ParamSpec> params,
                    std::function<void(const ParamValues&, std::string&)> edit) {
  return manifest_kind(std::move(id), std::move(summary), std::move(reqs), std::move(params),
                       [edit](const ParamValues& v) -> FaultFn {
                         return [v, edit](FaultContext& ctx, const Next& next) {
                           protocol::Response r = with_json_body(ctx, next, [](Json&) {});
                           if (!ctx.declined) edit(v, r.body);
                           return r;
                         };
                       });
}

// Faults stack (a later rule sees what an earlier one made of the manifest), so nothing here
// may assume a field still has its proper type: json::value() would throw on a mismatch.
Json* first_output(Json& j) {
  if (!j.contains("output") || !j["output"].is_array() || j["output"].empty() ||
      !j["output"][0].is_object())
    return nullptr;
  return &j["output"][0];
}

std::int64_t count_of(const Json& item) {
  auto it = item.find("count");
  return it != item.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string text_of(const Json& item, const char* key) {
  auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const std::vector<std::string> kFields = {"transactionTime", "request", "requiresAccessToken",
                                          "output", "error"};

}  // namespace

void add_manifest_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back(text_kind("manifest-invalid-json",
                            "the manifest is not JSON: a doubled comma before the closing brace",
                            {"ST-09", "MF-13"}, {}, [](const ParamValues&, std::string& body) {
                              body.pop_back();
                              body += ",,}";
                            }));
  kinds.push_back(text_kind(
      "manifest-truncated", "the manifest is cut off part-way (a dropped connection upstream)",
      {"ST-09"}, {{"keep", ParamType::kNumber, 0.5, "fraction of the body kept", {}, 0, 0.99}},
      [](const ParamValues& v, std::string& body) {
        body.resize(static_cast<std::size_t>(static_cast<double>(body.size()) * v.number("keep")));
      }));
  kinds.push_back(
      json_kind("manifest-missing-field", "a required manifest field is left out",
                {"MF-01", "MF-02", "MF-03", "MF-04", "MF-05"},
                {{"field", ParamType::kChoice, "transactionTime", "the field removed", kFields}},
                [](const ParamValues& v, FaultContext&, Json& j) { j.erase(v.text("field")); }));
  kinds.push_back(json_kind(
      "manifest-wrong-type",
      "a manifest field has the wrong JSON type: requiresAccessToken as a string, output as an "
      "object, count as a string, transactionTime as a number, error as an object",
      {"MF-01", "MF-03", "MF-04", "MF-05"},
      {{"field",
        ParamType::kChoice,
        "requiresAccessToken",
        "the field mistyped",
        {"requiresAccessToken", "output", "count", "transactionTime", "error"}}},
      [](const ParamValues& v, FaultContext&, Json& j) {
        const std::string f = v.text("field");
        if (f == "requiresAccessToken") {
          j[f] = j.value(f, false) ? "true" : "false";
        } else if (f == "output") {
          j[f] = Json{{"items", j[f]}};
        } else if (f == "count") {
          if (Json* o = first_output(j)) (*o)["count"] = std::to_string(count_of(*o));
        } else if (f == "transactionTime") {
          j[f] = 1767225600;
        } else {
          j[f] = Json::object();
        }
      }));
  kinds.push_back(json_kind("manifest-bad-transaction-time",
                            "transactionTime is not a FHIR instant", {"MF-01"},
                            {{"value", ParamType::kString, "2026-01-01T00:00:00",
                              "the value (default: no timezone, which an instant requires)"}},
                            [](const ParamValues& v, FaultContext&, Json& j) {
                              j["transactionTime"] = v.text("value");
                            }));
  kinds.push_back(
      json_kind("manifest-relative-urls", "output URLs are absolute paths instead of absolute URLs",
                {"MF-04", "MF-12"}, {}, [](const ParamValues&, FaultContext& ctx, Json& j) {
                  const std::string o = origin(ctx);
                  if (!j.contains("output") || !j["output"].is_array()) return;
                  for (auto& item : j["output"])
                    if (item.is_object() && item.contains("url") && item["url"].is_string()) {
                      const std::string u = item["url"];
                      if (u.starts_with(o)) item["url"] = u.substr(o.size());
                    }
                }));
  kinds.push_back(json_kind("manifest-url-404",
                            "the first output URL names a file that does not exist (404)",
                            {"MF-12", "DL-04"}, {}, [](const ParamValues&, FaultContext&, Json& j) {
                              if (Json* o = first_output(j))
                                (*o)["url"] = text_of(*o, "url") + ".missing";
                            }));
  kinds.push_back(json_kind("manifest-duplicate-entry", "the first output item is listed twice",
                            {"MF-04"}, {}, [](const ParamValues&, FaultContext&, Json& j) {
                              if (Json* o = first_output(j)) {
                                Json copy = *o;
                                j["output"].push_back(copy);
                              }
                            }));
  kinds.push_back(
      json_kind("manifest-wrong-type-name",
                "the first output item's type names another resource type than the file holds",
                {"MF-04", "DL-08"},
                {{"type", ParamType::kString, "Observation", "the type the manifest claims"}},
                [](const ParamValues& v, FaultContext&, Json& j) {
                  if (Json* o = first_output(j)) {
                    std::string claim = v.text("type");
                    if (text_of(*o, "type") == claim) claim = "Condition";
                    (*o)["type"] = claim;
                  }
                }));
  kinds.push_back(json_kind(
      "manifest-wrong-count", "the first output item's count is off by `delta`", {"MF-04"},
      {{"delta", ParamType::kInteger, 1, "added to the real count", {}, -1e9, 1e9}},
      [](const ParamValues& v, FaultContext&, Json& j) {
        if (Json* o = first_output(j)) {
          const std::int64_t n = count_of(*o) + v.integer("delta");
          (*o)["count"] = n < 0 ? 0 : n;
        }
      }));
  kinds.push_back(json_kind(
      "manifest-v4-naming",
      "the 4.0.0-ballot manifest shape served to an earlier client: no `request`, `error` "
      "renamed `outcome`",
      {"MF-02", "MF-05"}, {}, [](const ParamValues&, FaultContext&, Json& j) {
        j.erase("request");
        Json errors = j.contains("error") ? j["error"] : Json::array();
        j.erase("error");
        j["outcome"] = errors;
      }));
  kinds.push_back(json_kind(
      "manifest-extensions",
      "server-specific `extension` objects at the root and on every item, which a client must "
      "ignore",
      {"MF-07"}, {}, [](const ParamValues&, FaultContext&, Json& j) {
        const Json ext = {{"http://example.org/bulk/ext", {{"note", "ignore me"}, {"n", 7}}}};
        j["extension"] = ext;
        if (j.contains("output") && j["output"].is_array())
          for (auto& item : j["output"])
            if (item.is_object()) item["extension"] = ext;
      }));
  kinds.push_back(
      {"expires-past",
       "manifest",
       "the completed status answer's Expires lies an hour in the past (the files still work)",
       {"ST-10", "DL-01"},
       {"status"},
       {},
       fn_kind([](const ParamValues&) {
         return edit_answer(200, [](FaultContext& ctx, protocol::Response& r) {
           if (!r.headers.has("Expires")) return false;
           r.headers.set("Expires", wire_date(ctx, ctx.now - std::chrono::hours(1)));
           return true;
         });
       })});
}

}  // namespace bh::mockserver
