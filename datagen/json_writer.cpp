#include "datagen/json_writer.hpp"

#include <array>
#include <cstddef>
#include <cstring>

#include "core/assert.hpp"
#include "protocol/text_quote.hpp"

namespace bh::datagen {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Bytes that can be copied without a look: printable ASCII other than '"' and '\\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c)
    plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

void append_u_escape(std::string& out, unsigned code) {
  out += "\\u";
  out.push_back(kHex[(code >> 12) & 0xF]);
  out.push_back(kHex[(code >> 8) & 0xF]);
  out.push_back(kHex[(code >> 4) & 0xF]);
  out.push_back(kHex[code & 0xF]);
}

// Length of the leading run of plain bytes (printable ASCII other than '"' and '\\'), eight
// bytes at a time: generated text is almost all plain, and this scan was a fifth of serve's CPU
// streaming an export (perf, bench/download.py).
std::size_t plain_prefix(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    // A byte is special when below 0x20, at or above 0x80, '"' or '\\'.
    const std::uint64_t below_space = (w - 0x2020202020202020ULL) & ~w & kHigh;
    const std::uint64_t special =
        below_space | (w & kHigh) | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'));
    if (special != 0) break;
  }
  while (i < text.size() && kPlain[static_cast<unsigned char>(text[i])])
    ++i;
  return i;
}

// text from position i on (everything before i is plain), escaped where it must be.
void append_escaped(std::string& out, std::string_view text, std::size_t i) {
  std::size_t run = 0;  // start of the pending run of bytes copied verbatim
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (kPlain[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const std::size_t len = protocol::utf8_sequence_length(text, i); len != 0) {
        i += len;
        continue;
      }
    }
    out.append(text.substr(run, i - run));
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        // Other control characters, and bytes of invalid UTF-8 (which become U+FFFD).
        append_u_escape(out, c < 0x20 ? c : 0xFFFDu);
        break;
    }
    ++i;
    run = i;
  }
  out.append(text.substr(run));
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_escaped(out, text, plain_prefix(text));  // all plain: one append of the whole text
  out.push_back('"');
}

JsonWriter& JsonWriter::members(std::string_view object_json) {
  BH_ASSERT(depth_ > 0 && !after_key_ && object_json.size() >= 2 && object_json.front() == '{' &&
                object_json.back() == '}',
            "JsonWriter: members() takes a serialized object, inside an open one");
  const std::string_view inside = object_json.substr(1, object_json.size() - 2);
  if (inside.empty()) return *this;
  bool& has = has_item_[static_cast<std::size_t>(depth_ - 1)];
  if (has) out_->push_back(',');
  has = true;
  out_->append(inside);
  return *this;
}

void append_decimal(std::string& out, std::uint64_t value, int min_digits) {
  // Right to left into a buffer, then one append (ids and amounts: several per resource).
  char buf[48];
  char* const end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  BH_ASSERT(min_digits <= 24, "append_decimal: at most 24 digits of padding");
  const auto width = static_cast<std::ptrdiff_t>(min_digits);
  while (end - p < width)
    *--p = '0';
  out.append(p, static_cast<std::size_t>(end - p));
}

JsonWriter& JsonWriter::number(std::uint64_t value) {
  before_value();
  append_decimal(*out_, value);
  return *this;
}

JsonWriter& JsonWriter::hundredths(std::uint64_t value) {
  number(value / 100);
  const auto frac = value % 100;
  const char tail[3] = {'.', static_cast<char>('0' + frac / 10),
                        static_cast<char>('0' + frac % 10)};
  out_->append(tail, 3);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  before_value();
  *out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::coding(std::string_view system, std::string_view code,
                               std::string_view display) {
  begin_object().field("system", system).field("code", code);
  if (!display.empty()) field("display", display);
  return end_object();
}

JsonWriter& JsonWriter::codeable(std::string_view system, std::string_view code,
                                 std::string_view display, std::string_view text) {
  begin_object().key("coding").begin_array().coding(system, code, display).end_array();
  if (!text.empty()) field("text", text);
  return end_object();
}

JsonWriter& JsonWriter::reference(std::string_view type, std::string_view id) {
  begin_object().key("reference");
  before_value();
  out_->push_back('"');
  // Types and ids are [A-Za-z0-9.-] by construction, so they need no escaping.
  out_->append(type);
  out_->push_back('/');
  out_->append(id);
  out_->push_back('"');
  return end_object();
}

}  // namespace bh::datagen
