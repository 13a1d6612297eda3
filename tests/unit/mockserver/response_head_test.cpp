// The response head as it goes on the wire: exact bytes, framing headers owned by the writer,
// no response splitting, chunk size lines.
#include "mockserver/response_head.hpp"

#include <gtest/gtest.h>

namespace bh::mockserver {
namespace {

using Kind = HeadFraming::Kind;

std::string head_of(const protocol::Response& r, HeadFraming framing) {
  std::string out;
  append_response_head(out, r, framing);
  return out;
}

TEST(ResponseHead, StatusAnswerIsExactlyTheseBytes) {
  protocol::Response r;
  r.status = 202;
  r.headers.add("Retry-After", "120");
  r.headers.add("X-Progress", "in progress (12%)");
  EXPECT_EQ(head_of(r, {Kind::kContentLength, 0, false}),
            "HTTP/1.1 202 Accepted\r\nRetry-After: 120\r\nX-Progress: in progress (12%)\r\n"
            "Server: bulkharness\r\nContent-Length: 0\r\n\r\n");
}

TEST(ResponseHead, FramingAndServerHeadersAreTheWritersOwn) {
  protocol::Response r;
  r.status = 200;
  r.headers.add("Content-Length", "99");
  r.headers.add("transfer-encoding", "gzip");
  r.headers.add("Connection", "keep-alive");
  r.headers.add("Server", "someone-else");
  r.headers.add("Content-Type", "application/fhir+ndjson");
  EXPECT_EQ(head_of(r, {Kind::kChunked, 0, true}),
            "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+ndjson\r\nServer: bulkharness\r\n"
            "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n");
}

TEST(ResponseHead, NoLengthForAnswersWithoutABody) {
  protocol::Response r;
  r.status = 204;
  EXPECT_EQ(head_of(r, {Kind::kNone, 0, false}),
            "HTTP/1.1 204 No Content\r\nServer: bulkharness\r\n\r\n");
  EXPECT_TRUE(status_has_no_body(204));
  EXPECT_TRUE(status_has_no_body(304));
  EXPECT_TRUE(status_has_no_body(100));
  EXPECT_FALSE(status_has_no_body(200));
  EXPECT_FALSE(status_has_no_body(202));
  EXPECT_FALSE(status_has_no_body(404));
}

TEST(ResponseHead, StatedLengthIsWhatTheFramingSays) {
  protocol::Response r;
  r.status = 200;
  r.body = "{}";
  // A fault may state a length the body does not have; the writer states what it is told.
  EXPECT_NE(head_of(r, {Kind::kContentLength, 12345, false}).find("\r\nContent-Length: 12345\r\n"),
            std::string::npos);
}

TEST(ResponseHead, LineBreaksInsideHeadersCannotSplitTheResponse) {
  protocol::Response r;
  r.status = 200;
  r.headers.add("X-Evil", "a\r\nSet-Cookie: x=1\r\n\r\nbody");
  r.headers.add(std::string("X-\nName\0", 8), "v");
  const std::string head = head_of(r, {Kind::kContentLength, 0, false});
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nX-Evil: a  Set-Cookie: x=1    body\r\nX- Name : v\r\n"
            "Server: bulkharness\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(head.find("\r\n\r\n"), head.size() - 4);
}

TEST(ResponseHead, ChunkSizeLinesAreLowercaseHex) {
  std::string out;
  append_chunk_size(out, 0);
  append_chunk_size(out, 10);
  append_chunk_size(out, 255);
  append_chunk_size(out, 65536);
  append_chunk_size(out, 0xdeadbeefULL);
  EXPECT_EQ(out, "0\r\na\r\nff\r\n10000\r\ndeadbeef\r\n");
}

}  // namespace
}  // namespace bh::mockserver
