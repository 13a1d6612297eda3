// protocol/responses: building the few response shapes the server uses, in one place, so every
// error is an OperationOutcome with the right Content-Type (ERR-01, ST-11).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/http.hpp"
#include "protocol/operation_outcome.hpp"

namespace bh::protocol {

inline constexpr const char* kFhirJson = "application/fhir+json";
inline constexpr const char* kNdjson = "application/fhir+ndjson";

Response json_response(int status, const nlohmann::ordered_json& body,
                       const char* content_type = kFhirJson);
Response outcome_response(int status, std::string severity, std::string code,
                          std::string diagnostics);
Response outcome_response(int status, const std::vector<OutcomeIssue>& issues);

// A BodyStream over a string that is already in memory (small bodies served chunked).
class StringStream final : public BodyStream {
 public:
  explicit StringStream(std::string text) : text_(std::move(text)) {}
  bool next(std::string& out, std::size_t max_bytes) override;

 private:
  std::string text_;
  std::size_t pos_ = 0;
};

}  // namespace bh::protocol
