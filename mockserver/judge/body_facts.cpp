#include "mockserver/judge/body_facts.hpp"

#include <array>
#include <utility>

namespace bh::judge {

namespace {
constexpr std::array<std::pair<BodyFacts::Kind, std::string_view>, 7> kKinds{{
    {BodyFacts::Kind::kNone, "none"},
    {BodyFacts::Kind::kEmpty, "empty"},
    {BodyFacts::Kind::kStream, "stream"},
    {BodyFacts::Kind::kOutcome, "operation-outcome"},
    {BodyFacts::Kind::kManifest, "manifest"},
    {BodyFacts::Kind::kJson, "json"},
    {BodyFacts::Kind::kOther, "other"},
}};

void collect(const nlohmann::json& manifest, const char* section, BodyFacts& out) {
  auto it = manifest.find(section);
  if (it == manifest.end() || !it->is_array()) return;
  for (const auto& item : *it) {
    if (!item.is_object()) continue;
    auto url = item.find("url");
    if (url == item.end() || !url->is_string()) continue;
    // A `link` item is a further manifest page only when its relation says so (MF-08).
    if (std::string_view(section) == "link") {
      auto rel = item.find("relation");
      if (rel == item.end() || !rel->is_string() || *rel != "next") continue;
    }
    out.files.push_back({section, url->get<std::string>()});
  }
}
}  // namespace

std::string_view to_string(BodyFacts::Kind kind) {
  for (const auto& [k, name] : kKinds)
    if (k == kind) return name;
  return "other";
}

BodyFacts describe_body_text(std::string_view body) {
  BodyFacts f;
  if (body.empty()) {
    f.kind = BodyFacts::Kind::kEmpty;
    return f;
  }
  f.kind = BodyFacts::Kind::kOther;
  if (body.size() > kMaxDescribedBody) return f;
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return f;
  f.kind = BodyFacts::Kind::kJson;
  if (!j.is_object()) return f;
  if (auto rt = j.find("resourceType"); rt != j.end() && *rt == "OperationOutcome") {
    f.kind = BodyFacts::Kind::kOutcome;
    if (auto issues = j.find("issue"); issues != j.end() && issues->is_array())
      for (const auto& issue : *issues)
        if (issue.is_object())
          if (auto code = issue.find("code"); code != issue.end() && code->is_string())
            f.issue_codes.push_back(code->get<std::string>());
    return f;
  }
  if (auto output = j.find("output"); output != j.end() && output->is_array()) {
    f.kind = BodyFacts::Kind::kManifest;
    for (const char* section : {"output", "error", "outcome", "deleted", "link"})
      collect(j, section, f);
    if (auto rat = j.find("requiresAccessToken"); rat != j.end() && rat->is_boolean())
      f.requires_token = rat->get<bool>();
  }
  return f;
}

BodyFacts describe_body(const protocol::Response& response) {
  if (response.stream) {
    BodyFacts f;
    f.kind = BodyFacts::Kind::kStream;
    return f;
  }
  return describe_body_text(response.body);
}

nlohmann::ordered_json to_json(const BodyFacts& facts) {
  nlohmann::ordered_json j = {{"kind", to_string(facts.kind)}};
  if (!facts.issue_codes.empty()) j["issue_codes"] = facts.issue_codes;
  if (facts.kind == BodyFacts::Kind::kManifest) {
    nlohmann::ordered_json files = nlohmann::ordered_json::array();
    for (const auto& file : facts.files)
      files.push_back({{"section", file.section}, {"url", file.url}});
    j["files"] = files;
    if (facts.requires_token) j["requires_access_token"] = *facts.requires_token;
  }
  return j;
}

BodyFacts body_facts_from_json(const nlohmann::json& j) {
  BodyFacts f;
  if (!j.is_object()) return f;
  const std::string kind = j.value("kind", std::string("none"));
  for (const auto& [k, name] : kKinds)
    if (name == kind) f.kind = k;
  if (auto codes = j.find("issue_codes"); codes != j.end() && codes->is_array())
    for (const auto& c : *codes)
      if (c.is_string()) f.issue_codes.push_back(c.get<std::string>());
  if (auto files = j.find("files"); files != j.end() && files->is_array())
    for (const auto& file : *files)
      if (file.is_object())
        f.files.push_back({file.value("section", std::string()), file.value("url", std::string())});
  if (auto rat = j.find("requires_access_token"); rat != j.end() && rat->is_boolean())
    f.requires_token = rat->get<bool>();
  return f;
}

}  // namespace bh::judge
