// mockserver/response_head: a response's status line and header block, as the bytes we send.
//
// Contract: append_response_head(out, response, framing) appends "HTTP/1.1 <status> <reason>",
// every header of the response in order except those that frame the message (Content-Length,
// Transfer-Encoding, Connection) and Server, which it writes itself: "Server: bulkharness",
// "Connection: close" when the connection ends after this answer, then the framing asked for
// (Content-Length: n, Transfer-Encoding: chunked, or neither for answers that have no body by
// definition: 1xx, 204, 304), then the empty line. A CR, LF or NUL inside a header name or value
// is written as a space: the head always parses back to exactly the headers the server set (no
// response splitting, whatever a scenario or a request put there). The session and the
// faulted-response scripts both write heads and chunk sizes with these; the HTTP fuzz target
// parses what append_response_head writes back with Beast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/http.hpp"

namespace bh::mockserver {

struct HeadFraming {
  enum class Kind { kContentLength, kChunked, kNone };
  Kind kind = Kind::kContentLength;
  std::uint64_t content_length = 0;  // kContentLength: the length stated (a fault may lie)
  bool close = false;                // Connection: close
};

// 1xx, 204 and 304 answers carry no body and no Content-Length (RFC 9110 §8.6, §15.3.5).
bool status_has_no_body(int status);

void append_response_head(std::string& out, const protocol::Response& response,
                          const HeadFraming& framing);

// A chunk's size line: n in lowercase hex, then CRLF (RFC 9112 §7.1).
void append_chunk_size(std::string& out, std::size_t n);

}  // namespace bh::mockserver
