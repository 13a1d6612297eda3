// datagen/json_writer: JSON text written straight into a string, without a DOM.
//
// Contract: append_json_string writes a JSON string literal (quotes included) that any RFC 8259
// parser reads back as the same text: '"' and '\\' are escaped, control characters below 0x20
// become their short escape or \u00XX, valid UTF-8 passes through unchanged, and each byte of
// an invalid UTF-8 sequence becomes \ufffd (so the output is always valid UTF-8 JSON, whatever
// the input). JsonWriter places commas itself; the caller keeps keys and values balanced, and
// nesting is limited to kMaxDepth (an assertion, since only our own builders call it).
// raw() and members() splice JSON text written earlier by a JsonWriter (json_table.hpp): the
// caller vouches that it is one complete value, or one object's members.
//
// The per-value methods are inline: an export is tens of millions of them, and out-of-line calls
// with std::string's capacity checks were most of serve's CPU streaming one (perf).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/assert.hpp"

namespace bh::datagen {

void append_json_string(std::string& out, std::string_view text);
// Decimal digits of value, zero-padded on the left to at least min_digits (<= 24).
void append_decimal(std::string& out, std::uint64_t value, int min_digits = 1);

class JsonWriter {
 public:
  static constexpr int kMaxDepth = 32;
  static constexpr std::size_t kShortKey = 28;  // longest key framed in a stack buffer
  explicit JsonWriter(std::string& out) : out_(&out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // `name` is written unescaped: keys are element names of our own builders.
  JsonWriter& key(std::string_view name) {
    BH_ASSERT(depth_ > 0 && !after_key_, "JsonWriter: key outside an object");
    bool& has = has_item_[static_cast<std::size_t>(depth_ - 1)];
    if (name.size() <= kShortKey) {  // every element name: `,"name":` in one append
      char text[kShortKey + 4] = {',', '"'};
      std::memcpy(text + 2, name.data(), name.size());
      text[name.size() + 2] = '"';
      text[name.size() + 3] = ':';
      out_->append(text + (has ? 0 : 1), name.size() + (has ? 4 : 3));
    } else {
      out_->append(has ? std::string_view(",\"") : std::string_view("\""));
      out_->append(name);
      out_->append("\":", 2);
    }
    has = true;
    after_key_ = true;
    return *this;
  }
  JsonWriter& str(std::string_view value) {
    before_value();
    append_json_string(*out_, value);
    return *this;
  }
  // One complete JSON value, already serialized.
  JsonWriter& raw(std::string_view json) {
    before_value();
    out_->append(json);
    return *this;
  }
  // The members of a serialized object ("{...}", braces dropped) added to the open object.
  JsonWriter& members(std::string_view object_json);
  // Before one value the caller then appends to the returned string itself.
  std::string& raw_value() {
    before_value();
    return *out_;
  }
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
  void before_value() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (depth_ > 0) {
      bool& has = has_item_[static_cast<std::size_t>(depth_ - 1)];
      if (has) out_->push_back(',');
      has = true;
    }
  }
  JsonWriter& open(char bracket) {
    before_value();
    BH_ASSERT(depth_ < kMaxDepth, "JsonWriter: nesting too deep");
    out_->push_back(bracket);
    has_item_[static_cast<std::size_t>(depth_++)] = false;
    return *this;
  }
  JsonWriter& close(char bracket) {
    BH_ASSERT(depth_ > 0 && !after_key_, "JsonWriter: unbalanced end");
    --depth_;
    out_->push_back(bracket);
    return *this;
  }
  std::string* out_;
  std::array<bool, kMaxDepth> has_item_{};  // per open container: a comma is due before the next
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace bh::datagen
