#include "protocol/responses.hpp"

#include <algorithm>

namespace bh::protocol {

Response json_response(int status, const nlohmann::ordered_json& body, const char* content_type) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", content_type);
  // Invalid UTF-8 from a request echoed in diagnostics must not throw: replace it.
  r.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return r;
}

Response outcome_response(int status, std::string severity, std::string code,
                          std::string diagnostics) {
  return outcome_response(status, std::vector<OutcomeIssue>{{std::move(severity), std::move(code),
                                                             std::move(diagnostics)}});
}

Response outcome_response(int status, const std::vector<OutcomeIssue>& issues) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", kFhirJson);
  r.body = outcome_text(issues);
  return r;
}

bool StringStream::next(std::string& out, std::size_t max_bytes) {
  const std::size_t n = std::min(max_bytes, text_.size() - pos_);
  out.append(text_, pos_, n);
  pos_ += n;
  return pos_ < text_.size();
}

}  // namespace bh::protocol
