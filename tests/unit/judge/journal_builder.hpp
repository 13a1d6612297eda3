// A journal written by hand for judge tests: each call appends one exchange the way the mock
// server would journal it (GET /__admin/journal format), times in milliseconds of scenario time.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mockserver/judge/judge.hpp"

namespace bh::judge::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline const Headers kGoodKickoff = {{"Accept", "application/fhir+json"},
                                     {"Prefer", "respond-async"}};
inline const Headers kGoodStatus = {{"Accept", "application/json"}};

class JournalBuilder {
 public:
  // Appends an exchange; returns *this so a test reads as the conversation it describes.
  JournalBuilder& add(std::int64_t at_ms, std::string method, std::string endpoint,
                      std::string target, int status, Headers request = {}, Headers response = {},
                      nlohmann::json body = nullptr, std::string job = "j1") {
    nlohmann::json e = {{"seq", entries_.size() + 1},
                        {"at_ms", at_ms},
                        {"client", "127.0.0.1:5"},
                        {"method", method},
                        {"target", target},
                        {"endpoint", endpoint},
                        {"job", job},
                        {"status", status}};
    if (std::none_of(request.begin(), request.end(), [](auto& h) { return h.first == "Host"; }))
      request.push_back({"Host", "127.0.0.1:8080"});
    e["request_headers"] = to_pairs(request);
    e["response_headers"] = to_pairs(response);
    if (!body.is_null()) e["body"] = body;
    entries_.push_back(e);
    return *this;
  }
  JournalBuilder& kickoff(std::int64_t at, Headers req = kGoodKickoff, int status = 202) {
    Headers resp;
    if (status == 202) resp.push_back({"Content-Location", "http://127.0.0.1:8080/fhir/status/j1"});
    return add(at, "GET", "kickoff", "/fhir/$export", status, std::move(req), resp);
  }
  JournalBuilder& poll(std::int64_t at, int status = 202, Headers resp = {{"Retry-After", "2"}},
                       nlohmann::json body = nullptr, Headers req = kGoodStatus) {
    return add(at, "GET", "status", "/fhir/status/j1", status, std::move(req), std::move(resp),
               std::move(body));
  }
  JournalBuilder& manifest(std::int64_t at, std::vector<std::string> files,
                           bool requires_token = false, Headers resp = {}) {
    nlohmann::json list = nlohmann::json::array();
    for (auto& f : files)
      list.push_back({{"section", f.starts_with("/fhir/err") ? "error" : "output"},
                      {"url", "http://127.0.0.1:8080" + f}});
    return poll(at, 200, std::move(resp),
                {{"kind", "manifest"}, {"files", list}, {"requires_access_token", requires_token}});
  }
  JournalBuilder& file(std::int64_t at, std::string path, int status = 200, Headers req = {},
                       Headers resp = {}, bool incomplete = false) {
    add(at, "GET", "file", std::move(path), status, std::move(req), std::move(resp));
    if (incomplete) entries_.back()["incomplete"] = true;
    return *this;
  }
  JournalBuilder& del(std::int64_t at, int status = 202) {
    return add(at, "DELETE", "delete", "/fhir/status/j1", status);
  }
  JournalBuilder& faulted() {
    entries_.back()["faults"] =
        nlohmann::json::array({{{"rule", "r"}, {"kind", "k"}, {"match", 1}}});
    return *this;
  }

  nlohmann::json json(std::uint64_t dropped = 0) const {
    return {{"capacity", 10000}, {"dropped", dropped}, {"entries", entries_}};
  }

 private:
  static nlohmann::json to_pairs(const Headers& h) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [n, v] : h)
      out.push_back({n, v});
    return out;
  }
  std::vector<nlohmann::json> entries_;
};

inline JudgeSettings settings(std::string outcome = "success",
                              protocol::IgVersion v = protocol::IgVersion::kV2_0_0) {
  return JudgeSettings{"test", v, 1.0, std::move(outcome), {}};
}

inline Verdict verdict_of(const JournalBuilder& b, JudgeSettings s = settings()) {
  auto v = judge_journal(b.json(), std::move(s));
  BH_ASSERT(v.ok(), "test journal did not load");
  return std::move(v).value();
}

inline const RuleResult& rule(const Verdict& v, std::string_view id) {
  for (const auto& r : v.rules)
    if (r.id == id) return r;
  BH_ASSERT(false, "no such rule");
  return v.rules.front();
}

inline Outcome outcome(const JournalBuilder& b, std::string_view id, JudgeSettings s = settings()) {
  return rule(verdict_of(b, std::move(s)), id).outcome;
}

}  // namespace bh::judge::testing
