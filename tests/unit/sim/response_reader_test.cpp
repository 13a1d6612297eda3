// client::net::ResponseReader, the Beast parser the simulator feeds a faulted answer's bytes to.
//
// Contract checked: any split of the same bytes gives the same head, the same body and one
// on_end; bodies come in pieces of at most 64 KiB; chunked and close-delimited bodies complete;
// every way a connection can end early (FIN mid-body or before any byte, RST, I/O timeout,
// garbage) reports one on_error "<METHOD> <url>: read response header|body: <why>"; a body the
// client refuses (on_body false) ends the exchange silently; and exactly one of on_end/on_error
// is ever reported, whatever is called afterwards.
#include "client/net/response_reader.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace bh::client::net {
namespace {

constexpr const char* kUrl = "http://127.0.0.1:8080/fhir/bulkfiles/j/Patient-1.ndjson";
const std::string kPlain =
    "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+ndjson\r\nContent-Length: 11\r\n\r\n"
    "hello world";
const std::string kChunked =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";

// Everything the reader reported, in order.
struct Seen {
  int heads = 0, status = 0, ends = 0;
  std::string content_type, body;
  std::vector<std::size_t> pieces;
  std::vector<std::string> errors;
  bool accept = true;  // what on_body answers

  int terminal() const { return ends + static_cast<int>(errors.size()); }
  ResponseCallbacks callbacks() {
    return {[this](int s, const protocol::Headers& h) {
              ++heads;
              status = s;
              content_type = std::string(h.get("Content-Type").value_or(""));
            },
            [this](std::string_view chunk) {
              body.append(chunk);
              pieces.push_back(chunk.size());
              return accept;
            },
            [this] { ++ends; }, [this](std::string m) { errors.push_back(std::move(m)); }, nullptr};
  }
};

struct Reading {
  Seen seen;
  ResponseReader reader{"GET", kUrl, seen.callbacks()};
  const std::string& error() const {
    static const std::string none = "(no error)";
    return seen.errors.empty() ? none : seen.errors.front();
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ResponseReader, ContentLengthFedWhole) {
  Reading r;
  r.reader.feed(kPlain);
  EXPECT_EQ(r.seen.heads, 1);
  EXPECT_EQ(r.seen.status, 200);
  EXPECT_EQ(r.seen.content_type, "application/fhir+ndjson");
  EXPECT_EQ(r.seen.body, "hello world");
  EXPECT_EQ(r.seen.ends, 1);
  EXPECT_TRUE(r.seen.errors.empty()) << r.error();
  EXPECT_TRUE(r.reader.finished());
}

TEST(ResponseReader, ContentLengthFedByteByByte) {
  Reading r;
  for (std::size_t i = 0; i < kPlain.size(); ++i) {
    EXPECT_FALSE(r.reader.finished()) << "finished before byte " << i;
    r.reader.feed(std::string_view(kPlain).substr(i, 1));
  }
  EXPECT_EQ(r.seen.heads, 1);
  EXPECT_EQ(r.seen.status, 200);
  EXPECT_EQ(r.seen.body, "hello world");
  EXPECT_EQ(r.seen.ends, 1);
  EXPECT_TRUE(r.seen.errors.empty()) << r.error();
}

// Any split of the bytes (and any ending called afterwards) gives the same report.
void check_any_split(const std::string& wire, const std::string& body) {
  const auto cuts = *rc::gen::container<std::vector<std::size_t>>(
      rc::gen::inRange<std::size_t>(0, wire.size() + 1));
  const int ending = *rc::gen::inRange(0, 4);
  Reading r;
  std::vector<std::size_t> at(cuts);
  std::sort(at.begin(), at.end());
  std::size_t from = 0;
  for (const std::size_t cut : at) {
    r.reader.feed(std::string_view(wire).substr(from, cut - from));
    from = cut;
  }
  r.reader.feed(std::string_view(wire).substr(from));
  if (ending == 1) r.reader.end_of_stream();
  if (ending == 2) r.reader.reset();
  if (ending == 3) r.reader.timeout();
  RC_ASSERT(r.seen.heads == 1);
  RC_ASSERT(r.seen.status == 200);
  RC_ASSERT(r.seen.body == body);
  RC_ASSERT(r.seen.ends == 1);
  RC_ASSERT(r.seen.errors.empty());
}

RC_GTEST_PROP(ResponseReaderProp, AnySplitOfContentLengthGivesTheSameReport, ()) {
  check_any_split(kPlain, "hello world");
}

RC_GTEST_PROP(ResponseReaderProp, AnySplitOfChunkedGivesTheSameReport, ()) {
  check_any_split(kChunked, "hello world");
}

TEST(ResponseReader, ChunkedBodyIsDecoded) {
  Reading r;
  r.reader.feed(kChunked);
  EXPECT_EQ(r.seen.body, "hello world");
  EXPECT_EQ(r.seen.ends, 1);
  EXPECT_TRUE(r.seen.errors.empty()) << r.error();
}

TEST(ResponseReader, LongBodyArrivesInPiecesOfAtMost64KiB) {
  const std::string body(200 * 1024 + 17, 'x');
  Reading r;
  r.reader.feed("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                body);
  EXPECT_EQ(r.seen.body.size(), body.size());
  EXPECT_GE(r.seen.pieces.size(), 4u);
  for (const std::size_t p : r.seen.pieces)
    EXPECT_LE(p, 64u * 1024);
  EXPECT_EQ(r.seen.ends, 1);
}

TEST(ResponseReader, EndOfStreamMidBodyIsABodyError) {
  Reading r;
  r.reader.feed(kPlain.substr(0, kPlain.size() - 4));
  EXPECT_FALSE(r.reader.finished());
  r.reader.end_of_stream();
  ASSERT_EQ(r.seen.errors.size(), 1u);
  EXPECT_TRUE(contains(r.error(), std::string("GET ") + kUrl + ": read response body: "))
      << r.error();
  EXPECT_EQ(r.seen.ends, 0);
  EXPECT_TRUE(r.reader.finished());
}

TEST(ResponseReader, EndOfStreamBeforeAnyByte) {
  Reading r;
  r.reader.feed("");
  r.reader.end_of_stream();
  EXPECT_EQ(r.error(), std::string("GET ") + kUrl + ": read response header: end of stream");
  EXPECT_EQ(r.seen.heads, 0);
}

TEST(ResponseReader, EndOfStreamMidHeaderIsAHeaderError) {
  Reading r;
  r.reader.feed("HTTP/1.1 200 OK\r\nContent-Le");
  r.reader.end_of_stream();
  EXPECT_TRUE(contains(r.error(), ": read response header: ")) << r.error();
  EXPECT_EQ(r.seen.heads, 0);
}

TEST(ResponseReader, ResetIsAnError) {
  Reading r;
  r.reader.feed(kPlain.substr(0, 40));
  r.reader.reset();
  ASSERT_EQ(r.seen.errors.size(), 1u);
  EXPECT_TRUE(contains(r.error(), std::string("GET ") + kUrl + ": read response ")) << r.error();
  EXPECT_TRUE(contains(r.error(), "reset")) << r.error();
}

TEST(ResponseReader, TimeoutMidBody) {
  Reading r;
  r.reader.feed(kPlain.substr(0, kPlain.size() - 1));
  r.reader.timeout();
  EXPECT_EQ(r.error(), std::string("GET ") + kUrl + ": read response body: timed out");
}

TEST(ResponseReader, GarbageIsAHeaderError) {
  Reading r;
  r.reader.feed("SMTP ready\r\n\r\n");
  ASSERT_EQ(r.seen.errors.size(), 1u);
  EXPECT_TRUE(contains(r.error(), std::string("GET ") + kUrl + ": read response header: "))
      << r.error();
  EXPECT_EQ(r.seen.heads, 0);
}

TEST(ResponseReader, CloseDelimitedBodyCompletesOnEndOfStream) {
  Reading r;
  r.reader.feed("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil");
  r.reader.feed(" the close");
  EXPECT_EQ(r.seen.ends, 0);
  EXPECT_FALSE(r.reader.finished());
  r.reader.end_of_stream();
  EXPECT_EQ(r.seen.body, "until the close");
  EXPECT_EQ(r.seen.ends, 1);
  EXPECT_TRUE(r.seen.errors.empty()) << r.error();
}

TEST(ResponseReader, RefusedBodyEndsSilently) {
  Reading r;
  r.seen.accept = false;
  r.reader.feed(kPlain.substr(0, kPlain.size() - 5));
  EXPECT_TRUE(r.reader.finished());
  r.reader.feed(kPlain.substr(kPlain.size() - 5));
  r.reader.end_of_stream();
  r.reader.reset();
  r.reader.timeout();
  EXPECT_EQ(r.seen.pieces.size(), 1u);
  EXPECT_EQ(r.seen.terminal(), 0) << r.error();
}

TEST(ResponseReader, NothingAfterEnd) {
  Reading r;
  r.reader.feed(kPlain);
  r.reader.feed(kPlain);
  r.reader.end_of_stream();
  r.reader.reset();
  r.reader.timeout();
  EXPECT_EQ(r.seen.heads, 1);
  EXPECT_EQ(r.seen.ends, 1);
  EXPECT_TRUE(r.seen.errors.empty()) << r.error();
}

TEST(ResponseReader, NothingAfterError) {
  Reading r;
  r.reader.feed("HTTP/1.1 200 OK\r\n");
  r.reader.timeout();
  r.reader.feed("Content-Length: 0\r\n\r\n");
  r.reader.end_of_stream();
  r.reader.reset();
  r.reader.timeout();
  EXPECT_EQ(r.seen.terminal(), 1);
  EXPECT_EQ(r.seen.heads, 0);
}

}  // namespace
}  // namespace bh::client::net
