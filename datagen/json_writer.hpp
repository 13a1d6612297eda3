// datagen/json_writer: JSON text written straight into a string, without a DOM.
//
// Contract: append_json_string writes a JSON string literal (quotes included) that any RFC 8259
// parser reads back as the same text: '"' and '\\' are escaped, control characters below 0x20
// become their short escape or \u00XX, valid UTF-8 passes through unchanged, and each byte of
// an invalid UTF-8 sequence becomes \ufffd (so the output is always valid UTF-8 JSON, whatever
// the input). JsonWriter places commas itself; the caller keeps keys and values balanced, and
// nesting is limited to kMaxDepth (an assertion, since only our own builders call it).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace bh::datagen {

void append_json_string(std::string& out, std::string_view text);
// Decimal digits of value, zero-padded on the left to at least min_digits.
void append_decimal(std::string& out, std::uint64_t value, int min_digits = 1);

class JsonWriter {
 public:
  static constexpr int kMaxDepth = 32;
  explicit JsonWriter(std::string& out) : out_(&out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // `name` is written unescaped: keys are element names of our own builders.
  JsonWriter& key(std::string_view name);
  JsonWriter& str(std::string_view value);
  JsonWriter& number(std::uint64_t value);
  // A decimal with two fraction digits from an integer count of hundredths: 12345 -> 123.45.
  JsonWriter& hundredths(std::uint64_t value);
  JsonWriter& boolean(bool value);
  // Shorthands for the common "key": value pairs.
  JsonWriter& field(std::string_view name, std::string_view value) { return key(name).str(value); }
  JsonWriter& field_uint(std::string_view name, std::uint64_t value) {
    return key(name).number(value);
  }
  // {"system":..,"code":..,"display":..} (display omitted when empty).
  JsonWriter& coding(std::string_view system, std::string_view code, std::string_view display);
  // {"coding":[coding(...)]} plus "text" when given.
  JsonWriter& codeable(std::string_view system, std::string_view code, std::string_view display,
                       std::string_view text = {});
  // {"reference":"<type>/<id>"}.
  JsonWriter& reference(std::string_view type, std::string_view id);

  int depth() const { return depth_; }
  std::string& out() { return *out_; }

 private:
  void before_value();
  void push();
  std::string* out_;
  std::array<bool, kMaxDepth> has_item_{};  // per open container: a comma is due before the next
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace bh::datagen
