// client/error_classifier: what an HTTP error response means for the client (ST-05, ST-11,
// ST-12, ERR-05, ERR-07; transitions T07, T09, T14, T16, T19).
//
// Contract: classify_error looks at a non-success status and its (buffered) body:
//   429                                              -> kThrottled (wait >= Retry-After, grow
//   backoff) 4xx/5xx with an OperationOutcome whose error/fatal issues are all transient codes, or
//   5xx with no body                              -> kTransient (retry with backoff) anything else
//   (non-transient OperationOutcome, non-FHIR body, 4xx without body)
//                                                    -> kFatal
// `detail` describes the evidence for messages: the OperationOutcome's codes and diagnostics, or
// the Content-Type and the start of a non-FHIR body.
#pragma once

#include <string>
#include <string_view>

#include "protocol/http.hpp"

namespace bh::client {

enum class ErrorClass { kThrottled, kTransient, kFatal };

struct ErrorVerdict {
  ErrorClass cls = ErrorClass::kFatal;
  std::string detail;
};

ErrorVerdict classify_error(int status, const protocol::Headers& headers, std::string_view body);

// The start of a body, printable and bounded, for messages.
std::string body_excerpt(std::string_view body, std::size_t max_chars = 120);

}  // namespace bh::client
