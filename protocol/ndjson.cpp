#include "protocol/ndjson.hpp"

#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/assert.hpp"

namespace bh::protocol {

namespace {

// A JSON value as it appears in a message: escaped, never invalid UTF-8, bounded in length.
std::string short_dump(const nlohmann::json& v) {
  std::string s = v.dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
  constexpr std::size_t kMax = 80;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

// Validates one line without building a DOM (a full parse per resource made the client several
// times slower than the server it reads from): it only remembers the root's kind and the
// top-level "resourceType" value, and any syntax error.
class LineSax final : public nlohmann::json_sax<nlohmann::json> {
 public:
  nlohmann::json::value_t root = nlohmann::json::value_t::discarded;
  std::optional<nlohmann::json> resource_type;

  bool null() override { return scalar(nullptr); }
  bool boolean(bool v) override { return scalar(v); }
  bool number_integer(number_integer_t v) override { return scalar(v); }
  bool number_unsigned(number_unsigned_t v) override { return scalar(v); }
  bool number_float(number_float_t v, const string_t&) override { return scalar(v); }
  bool string(string_t& v) override { return scalar(v); }
  bool binary(binary_t&) override { return scalar(nullptr); }
  bool start_object(std::size_t) override { return open(nlohmann::json::object()); }
  bool start_array(std::size_t) override { return open(nlohmann::json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    at_resource_type_ = depth_ == 1 && k == "resourceType";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool scalar(nlohmann::json v) {
    if (depth_ == 0) root = v.type();
    if (at_resource_type_) resource_type = std::move(v);
    at_resource_type_ = false;
    return true;
  }
  bool open(nlohmann::json container) {
    if (depth_ == 0) root = container.type();
    if (at_resource_type_) resource_type = std::move(container);
    at_resource_type_ = false;
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  int depth_ = 0;
  bool at_resource_type_ = false;
};

std::string type_name(nlohmann::json::value_t t) {
  nlohmann::json sample(t);
  return sample.type_name();
}

}  // namespace

// --- NdjsonFramer ---------------------------------------------------------------------------

NdjsonFramer::NdjsonFramer(std::size_t max_line_bytes, LineFn on_line)
    : max_(max_line_bytes), on_line_(std::move(on_line)) {
  BH_ASSERT(max_ > 0, "NdjsonFramer needs a positive line limit");
  BH_ASSERT(on_line_ != nullptr, "NdjsonFramer needs a line callback");
}

void NdjsonFramer::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    const std::size_t nl = chunk.find('\n');
    append(chunk.substr(0, nl));
    if (nl == std::string_view::npos) return;
    emit();
    chunk.remove_prefix(nl + 1);
  }
}

void NdjsonFramer::append(std::string_view piece) {
  if (piece.empty()) return;
  last_cr_ = piece.back() == '\r';
  if (skipping_) return;
  // The limit is on the line's content: one extra byte is held while it might be the '\r' of a
  // "\r\n" split across chunks, so buf_ never exceeds max_ + 1.
  const std::size_t total = buf_.size() + piece.size();
  if (total <= max_ || (total == max_ + 1 && last_cr_)) {
    buf_.append(piece);
    return;
  }
  oversized_.push_back(NdjsonProblem{
      line_no_ + 1, "line is longer than the limit of " + std::to_string(max_) + " bytes"});
  buf_.clear();
  skipping_ = true;
}

void NdjsonFramer::emit() {
  ++line_no_;
  const bool crlf = last_cr_;
  last_cr_ = false;
  if (crlf) ++crlf_;
  if (skipping_) {
    skipping_ = false;  // already reported when it crossed the limit
    return;
  }
  if (crlf) buf_.pop_back();
  if (buf_.empty()) {
    ++blank_;
  } else {
    ++lines_;
    on_line_(buf_, line_no_);
  }
  buf_.clear();
}

std::optional<NdjsonProblem> NdjsonFramer::finish() {
  if (buf_.empty() && !skipping_) return std::nullopt;
  // Not delivered: without its '\n' the line may be cut anywhere, so it is not a resource.
  NdjsonProblem p{line_no_ + 1, "final line has no terminating newline (truncated)"};
  ++line_no_;
  buf_.clear();
  skipping_ = false;
  last_cr_ = false;
  return p;
}

// --- NdjsonValidator ------------------------------------------------------------------------

NdjsonValidator::NdjsonValidator(std::string expected_type, std::size_t max_line_bytes,
                                 std::size_t max_problems)
    : expected_(std::move(expected_type)),
      max_problems_(max_problems),
      framer_(max_line_bytes,
              [this](std::string_view line, std::uint64_t line_no) { on_line(line, line_no); }) {}

void NdjsonValidator::feed(std::string_view chunk) {
  framer_.feed(chunk);
  drain_oversized();
}

NdjsonSummary NdjsonValidator::finish() {
  drain_oversized();
  if (auto last = framer_.finish()) problem(last->line, std::move(last->message));
  summary_.blank_lines = framer_.blank_lines();
  summary_.crlf_lines = framer_.crlf_lines();
  return summary_;
}

void NdjsonValidator::drain_oversized() {
  const auto& reports = framer_.oversized();
  for (; oversized_seen_ < reports.size(); ++oversized_seen_) {
    problem(reports[oversized_seen_].line, reports[oversized_seen_].message);
  }
}

void NdjsonValidator::on_line(std::string_view line, std::uint64_t line_no) {
  // Oversized lines before this one were reported by the framer already: record them first so
  // problems stay in line order.
  drain_oversized();
  if (fast_.accepts(line, expected_)) {
    ++summary_.resources;
    return;
  }
  LineSax sax;
  if (!nlohmann::json::sax_parse(line, &sax, nlohmann::json::input_format_t::json,
                                 /*strict=*/true)) {
    problem(line_no, "not valid JSON (or not UTF-8)");
    return;
  }
  if (sax.root != nlohmann::json::value_t::object) {
    problem(line_no, "line is a JSON " + type_name(sax.root) +
                         ", expected one JSON object (a FHIR resource)");
    return;
  }
  const auto& rt = sax.resource_type;
  if (!rt) {
    problem(line_no, "resourceType is missing, expected a FHIR resource");
    return;
  }
  if (!rt->is_string()) {
    problem(line_no, "resourceType is " + short_dump(*rt) + ", expected a string");
    return;
  }
  if (!expected_.empty() && rt->get_ref<const std::string&>() != expected_) {
    problem(line_no, "resourceType is " + short_dump(*rt) + ", expected \"" + expected_ + "\"");
    return;
  }
  ++summary_.resources;
}

void NdjsonValidator::problem(std::uint64_t line, std::string message) {
  ++summary_.problem_count;
  if (summary_.problems.size() < max_problems_) {
    summary_.problems.push_back(NdjsonProblem{line, std::move(message)});
  }
}

}  // namespace bh::protocol
