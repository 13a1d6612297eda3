#include "mockserver/wire_script.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "mockserver/response_head.hpp"

namespace bh::mockserver {

namespace {

using Action = protocol::WirePlan::Action;
using Kind = WireStep::Kind;

std::string head_bytes(const protocol::Response& r, bool chunked, std::size_t body_size,
                       std::int64_t length_delta) {
  HeadFraming framing;
  framing.close = true;
  if (chunked) {
    framing.kind = HeadFraming::Kind::kChunked;
  } else {
    framing.content_length = static_cast<std::uint64_t>(
        std::max<std::int64_t>(0, static_cast<std::int64_t>(body_size) + length_delta));
  }
  std::string out;
  append_response_head(out, r, framing);
  return out;
}

std::string chunk_header(std::size_t n) {
  std::string out;
  append_chunk_size(out, n);
  return out;
}

class Builder {
 public:
  explicit Builder(WireScript& s) : s_(s) {}
  void write(std::string_view bytes) {
    if (bytes.empty()) return;
    const std::size_t at = s_.bytes.size();
    s_.bytes.append(bytes);
    if (!s_.steps.empty() && s_.steps.back().kind == Kind::kWrite &&
        s_.steps.back().offset + s_.steps.back().length == at) {
      s_.steps.back().length += bytes.size();  // merge adjacent writes
      return;
    }
    s_.steps.push_back({Kind::kWrite, at, bytes.size(), {}});
  }
  void pause(Duration d) {
    if (d > Duration{0}) s_.steps.push_back({Kind::kPause, 0, 0, d});
  }
  void end(Kind k) { s_.steps.push_back({k, 0, 0, {}}); }

 private:
  WireScript& s_;
};

// The body in pieces, with framing, pacing, the stall, and a cut-off where the plan says.
// Returns false when the plan cut the body short (the caller then resets or breaks framing).
bool write_body(Builder& b, const std::string& body, bool chunked, const protocol::WirePlan& p,
                std::size_t cut) {
  const std::size_t limit = std::min(cut, body.size());
  std::size_t piece = 16 * 1024;
  Duration per_piece{};
  if (p.bytes_per_second > 0) {
    piece = std::max<std::size_t>(1, static_cast<std::size_t>(p.bytes_per_second / 20));
    per_piece =
        Duration{static_cast<std::int64_t>(static_cast<double>(piece) * 1e6 / p.bytes_per_second)};
  }
  bool stalled = p.stall <= Duration{0};
  for (std::size_t pos = 0; pos < limit;) {
    std::size_t n = std::min(piece, limit - pos);
    if (!stalled && pos < p.stall_after_bytes)
      n = std::min<std::size_t>(n, p.stall_after_bytes - pos);
    if (!stalled && pos >= p.stall_after_bytes) {
      b.pause(p.stall);
      stalled = true;
    }
    if (chunked) b.write(chunk_header(n));
    b.write(std::string_view(body).substr(pos, n));
    if (chunked) b.write("\r\n");
    pos += n;
    if (per_piece > Duration{0} && pos < limit) b.pause(per_piece);
  }
  return limit == body.size();
}

}  // namespace

WireScript make_wire_script(const protocol::Response& response, bool chunked) {
  BH_ASSERT(response.wire.has_value(), "make_wire_script needs a WirePlan");
  const protocol::WirePlan& p = *response.wire;
  WireScript s;
  Builder b(s);
  switch (p.action) {
    case Action::kResetBeforeResponse:
      b.end(Kind::kReset);
      return s;
    case Action::kCloseWithoutResponse:
      b.end(Kind::kClose);
      return s;
    case Action::kGarbageThenClose:
      b.write(p.garbage);
      b.end(Kind::kClose);
      return s;
    case Action::kNeverAnswer:
      b.pause(p.hold);
      b.end(Kind::kClose);
      return s;
    default:
      break;
  }
  if (p.action == Action::kMalformedChunk) chunked = true;
  if (p.content_length_delta != 0) chunked = false;
  b.write(head_bytes(response, chunked, response.body.size(), p.content_length_delta));
  const bool cuts = p.action == Action::kResetMidBody || p.action == Action::kMalformedChunk;
  std::size_t cut = cuts ? p.after_bytes : response.body.size();
  // "Mid body" is a promise (the journal marks the answer incomplete): a reset withholds at
  // least the last byte, or a body shorter than after_bytes would arrive whole before the RST.
  if (p.action == Action::kResetMidBody && !response.body.empty())
    cut = std::min(cut, response.body.size() - 1);
  const bool whole = write_body(b, response.body, chunked, p, cut);
  if (p.action == Action::kResetMidBody) {
    if (whole && chunked) b.write("0\r\n\r\n");
    b.end(Kind::kReset);
    return s;
  }
  if (p.action == Action::kMalformedChunk) {
    b.write("zz; not-hex\r\nthis is not a chunk\r\n");
    b.end(Kind::kClose);
    return s;
  }
  if (chunked) b.write("0\r\n\r\n");
  if (p.action == Action::kSlowClose) b.pause(p.hold);
  b.end(Kind::kClose);
  return s;
}

}  // namespace bh::mockserver
