// mockserver/judge/body_facts: what a response body told the client, in the few facts the judge
// needs (which files a manifest listed, which issue codes an OperationOutcome carried).
//
// Contract: describe_body() looks only at string bodies up to kMaxDescribedBody bytes (streamed
// NDJSON files are `stream`, never read) and never fails: a body that does not parse is `other`.
// A manifest is a JSON object with an `output` array; its urls are kept per section (output,
// error, outcome, deleted, link) in document order, so two runs give the same facts. The JSON
// form is what the journal stores and what the judge reads back (from_json is its inverse and
// ignores what it does not know, so older journals still load).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/http.hpp"

namespace bh::judge {

inline constexpr std::size_t kMaxDescribedBody = 16u << 20;

struct ListedFile {
  std::string section;  // output | error | outcome | deleted | link
  std::string url;
  bool operator==(const ListedFile&) const = default;
};

struct BodyFacts {
  enum class Kind { kNone, kEmpty, kStream, kOutcome, kManifest, kJson, kOther };
  Kind kind = Kind::kNone;
  std::vector<std::string> issue_codes;  // kOutcome: issue[].code, in order
  std::vector<ListedFile> files;         // kManifest
  std::optional<bool> requires_token;    // kManifest: requiresAccessToken when a boolean
  bool operator==(const BodyFacts&) const = default;
};

BodyFacts describe_body(const protocol::Response& response);
BodyFacts describe_body_text(std::string_view body);
std::string_view to_string(BodyFacts::Kind kind);

nlohmann::ordered_json to_json(const BodyFacts& facts);
BodyFacts body_facts_from_json(const nlohmann::json& j);

}  // namespace bh::judge
