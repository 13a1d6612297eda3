// serve --fuzz: NDJSON mutations (DL-08, DL-13, MF-04). The file keeps looking like NDJSON but
// some lines get the wrong resourceType, lose their resourceType, are cut off, doubled, dropped
// or turned into arrays; or the file gets a BOM, CRLF endings, blank lines, or loses its final
// newline. Streamed bodies are mutated as they stream: one line is held at a time (lines over
// 1 MiB pass through unchanged), so a large file costs no more memory than a small one.
#include <algorithm>
#include <memory>
#include <string>

#include "mockserver/response_fuzzer.hpp"
#include "protocol/responses.hpp"

namespace bh::mockserver {

namespace {

enum class Kind {
  kWrongType,
  kNoType,
  kCut,
  kDouble,
  kDrop,
  kArray,
  kBom,
  kCrlf,
  kBlank,
  kNoFinalNewline
};
constexpr const char* kNames[] = {"a wrong resourceType",
                                  "resourceType removed",
                                  "cut off",
                                  "doubled",
                                  "dropped",
                                  "made a JSON array",
                                  "a BOM before the first line",
                                  "CRLF line endings",
                                  "blank lines inserted",
                                  "no final newline"};
constexpr std::size_t kMaxHeld = 1u << 20;
constexpr std::uint64_t kOneLine = 1000000000;  // Plan::every that hits a single line

struct Plan {
  Kind kind = Kind::kWrongType;
  std::uint64_t every = 1;  // lines hit: those with index % every == offset
  std::uint64_t offset = 0;
};

// One line (without its '\n') in, its replacement (with line endings) out.
std::string apply(const Plan& p, std::string_view line, std::uint64_t index) {
  const std::string l(line);
  const bool hit = index % p.every == p.offset;
  switch (p.kind) {
    case Kind::kBom:
      return (index == 0 ? "\xEF\xBB\xBF" : "") + l + "\n";
    case Kind::kCrlf:
      return l + "\r\n";
    case Kind::kBlank:
      return l + (hit ? "\n\n" : "\n");
    case Kind::kNoFinalNewline:
      return l + "\n";  // the stream drops the very last '\n'
    default:
      break;
  }
  if (!hit) return l + "\n";
  switch (p.kind) {
    case Kind::kWrongType: {
      auto at = l.find("\"resourceType\":\"");
      if (at == std::string::npos) return l + "\n";
      auto end = l.find('"', at + 16);
      return l.substr(0, at + 16) + "Basic" + l.substr(end) + "\n";
    }
    case Kind::kNoType: {
      auto at = l.find("\"resourceType\":\"");
      auto end = at == std::string::npos ? at : l.find('"', at + 16);
      if (end == std::string::npos) return l + "\n";
      return l.substr(0, at) + "\"resourcetype\":\"" + l.substr(at + 16, end - at - 16) +
             l.substr(end) + "\n";
    }
    case Kind::kCut:
      return l.substr(0, l.size() / 2) + "\n";
    case Kind::kDouble:
      return l + "\n" + l + "\n";
    case Kind::kDrop:
      return "";
    case Kind::kArray:
      return "[" + l + "]\n";
    default:
      return l + "\n";
  }
}

class MutatingStream final : public protocol::BodyStream {
 public:
  MutatingStream(std::shared_ptr<protocol::BodyStream> inner, Plan plan)
      : inner_(std::move(inner)), plan_(plan) {}

  bool next(std::string& out, std::size_t max_bytes) override {
    // Bounded: an inner stream that gives nothing for a while is asked again on the next call.
    for (int pulls = 0; ready_.size() < max_bytes && !inner_done_ && pulls < 64; ++pulls)
      pull(max_bytes);
    if (inner_done_ && !held_.empty()) {
      ready_ += held_;  // a last line without '\n' passes as it came
      held_.clear();
    }
    if (inner_done_ && plan_.kind == Kind::kNoFinalNewline && !ready_.empty() &&
        ready_.back() == '\n')
      ready_.pop_back();
    // Hold back the last '\n' until the end is known (kNoFinalNewline must be able to drop it).
    std::size_t give = std::min(ready_.size(), max_bytes);
    if (!inner_done_ && give == ready_.size() && give > 0 && ready_.back() == '\n') --give;
    out.append(ready_, 0, give);
    ready_.erase(0, give);
    return !(inner_done_ && ready_.empty());
  }

 private:
  void pull(std::size_t max_bytes) {
    std::string piece;
    inner_done_ = !inner_->next(piece, max_bytes);
    held_ += piece;
    std::size_t from = 0;
    for (auto nl = held_.find('\n'); nl != std::string::npos; nl = held_.find('\n', from)) {
      ready_ += apply(plan_, std::string_view(held_).substr(from, nl - from), index_++);
      from = nl + 1;
    }
    held_.erase(0, from);
    if (held_.size() > kMaxHeld) {
      ready_ += held_;
      held_.clear();
    }
  }

  std::shared_ptr<protocol::BodyStream> inner_;
  Plan plan_;
  std::string held_, ready_;
  std::uint64_t index_ = 0;
  bool inner_done_ = false;
};

}  // namespace

std::string fuzz_ndjson(protocol::Response& r, Rng& rng) {
  Plan p;
  p.kind = static_cast<Kind>(rng.uniform(0, std::size(kNames) - 1));
  p.every = rng.chance(0.5) ? kOneLine : rng.uniform(2, 50);  // one line, or one in `every`
  p.offset = rng.uniform(0, p.every == kOneLine ? 3 : p.every - 1);
  if (!r.stream) r.stream = std::make_shared<protocol::StringStream>(std::move(r.body));
  r.body.clear();
  r.stream = std::make_shared<MutatingStream>(std::move(r.stream), p);
  std::string what = std::string("ndjson: ") + kNames[static_cast<int>(p.kind)];
  if (p.kind <= Kind::kArray)
    what += p.every == kOneLine ? " (line " + std::to_string(p.offset + 1) + ")"
                                : " (every " + std::to_string(p.every) + "th line)";
  return what;
}

}  // namespace bh::mockserver
