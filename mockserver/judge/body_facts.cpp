#include "mockserver/judge/body_facts.hpp"

#include <array>
#include <optional>
#include <string>
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

constexpr std::array<const char*, 5> kSections = {"output", "error", "outcome", "deleted", "link"};

// The facts read while the body is parsed, without building its DOM (the journal describes
// every answer; the DOM was a tenth of a simulated lifecycle). nlohmann's SAX interface, so a
// body parses, or fails, exactly as nlohmann::json::parse would have it; and what it yields is
// what the DOM gave: a repeated key counts only with its last value (the DOM's last-wins),
// values of the wrong type count as absent. tests/unit/judge/body_facts_property_test.cpp holds
// it to the DOM version.
class FactsReader {
 public:
  using json = nlohmann::json;
  bool null() { return value(Value::kOther); }
  bool boolean(bool b) { return value(b ? Value::kTrue : Value::kFalse); }
  bool number_integer(json::number_integer_t) { return value(Value::kOther); }
  bool number_unsigned(json::number_unsigned_t) { return value(Value::kOther); }
  bool number_float(json::number_float_t, const std::string&) { return value(Value::kOther); }
  bool string(std::string& s) { return value(Value::kString, &s); }
  bool binary(json::binary_t&) { return value(Value::kOther); }
  bool start_object(std::size_t) { return open(Value::kObject); }
  bool start_array(std::size_t) { return open(Value::kArray); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    if (depth_ == 1) slot_ = slot_of(k);
    if (depth_ == 3 && in_element_)
      field_ = k == "code" ? kCode : k == "url" ? kUrl : k == "relation" ? kRelation : kNone;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }
  BodyFacts facts() const;

 private:
  enum class Value { kString, kTrue, kFalse, kObject, kArray, kOther };
  // The keys that matter. In the top object ("slots"): the sections are 0..4, their index in
  // kSections (kLink the last), then issue, resourceType, requiresAccessToken. In an item of a
  // section or of issue ("fields"): code, url, relation.
  static constexpr int kNone = -1, kLink = 4, kIssue = 5, kResourceType = 6, kRequiresToken = 7;
  static constexpr int kCode = 0, kUrl = 1, kRelation = 2;
  static int slot_of(std::string_view k) {
    for (std::size_t i = 0; i < kSections.size(); ++i)
      if (k == kSections[i]) return static_cast<int>(i);
    return k == "issue"                 ? kIssue
           : k == "resourceType"        ? kResourceType
           : k == "requiresAccessToken" ? kRequiresToken
                                        : kNone;
  }
  bool value(Value v, const std::string* text = nullptr);
  bool open(Value v) {
    value(v);
    ++depth_;
    return true;
  }
  bool close();

  struct List {
    bool is_array = false;
    std::vector<std::string> items;  // issue codes, or urls
  };
  int depth_ = 0;  // containers open
  bool top_object_ = false;
  int slot_ = kNone;
  int list_ = kNone;  // the slot whose array is open at level 1
  bool in_element_ = false;
  int field_ = kNone;
  std::array<std::optional<std::string>, 3> element_;  // by field
  std::array<List, 6> lists_;                          // by slot: the sections, then issue
  std::optional<std::string> resource_type_;
  std::optional<bool> requires_token_;
};

bool FactsReader::value(Value v, const std::string* text) {
  if (depth_ == 0) {
    top_object_ = v == Value::kObject;
  } else if (depth_ == 1 && top_object_ && slot_ >= 0) {
    if (slot_ == kResourceType) {
      resource_type_ = v == Value::kString ? std::optional<std::string>(*text) : std::nullopt;
    } else if (slot_ == kRequiresToken) {
      requires_token_ = v == Value::kTrue    ? std::optional<bool>(true)
                        : v == Value::kFalse ? std::optional<bool>(false)
                                             : std::nullopt;
    } else {  // a section or issue: this value replaces any earlier one of the same key
      lists_[static_cast<std::size_t>(slot_)] = List{v == Value::kArray, {}};
      if (v == Value::kArray) list_ = slot_;
    }
  } else if (depth_ == 2 && list_ != kNone && v == Value::kObject) {
    in_element_ = true;
    element_ = {};
  } else if (depth_ == 3 && in_element_ && field_ != kNone) {
    element_[static_cast<std::size_t>(field_)] =
        v == Value::kString ? std::optional<std::string>(*text) : std::nullopt;
  }
  return true;
}

bool FactsReader::close() {
  --depth_;
  if (depth_ == 2 && in_element_) {
    in_element_ = false;
    auto& list = lists_[static_cast<std::size_t>(list_)].items;
    if (list_ == kIssue) {
      if (element_[kCode]) list.push_back(*element_[kCode]);
    } else if (element_[kUrl] && (list_ != kLink || element_[kRelation] == "next")) {
      // A `link` item is a further manifest page only when its relation says so (MF-08).
      list.push_back(*element_[kUrl]);
    }
  }
  if (depth_ == 1) list_ = kNone;
  return true;
}

BodyFacts FactsReader::facts() const {
  BodyFacts f;
  f.kind = BodyFacts::Kind::kJson;
  if (!top_object_) return f;
  if (resource_type_ == "OperationOutcome") {
    f.kind = BodyFacts::Kind::kOutcome;
    f.issue_codes = lists_[kIssue].items;
    return f;
  }
  if (!lists_[0].is_array) return f;
  f.kind = BodyFacts::Kind::kManifest;
  for (std::size_t i = 0; i < kSections.size(); ++i)
    for (const auto& url : lists_[i].items)
      f.files.push_back({kSections[i], url});
  f.requires_token = requires_token_;
  return f;
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
  FactsReader reader;
  if (!nlohmann::json::sax_parse(body.begin(), body.end(), &reader)) return f;
  return reader.facts();
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
