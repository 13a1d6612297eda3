#include "datagen/json_writer.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace bh::datagen {
namespace {

std::string as_json(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonString, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(as_json("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(as_json("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(as_json(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(as_json("\x7f"), "\"\x7f\"");  // DEL is legal in JSON strings
}

TEST(JsonString, PassesValidUtf8Through) {
  for (std::string_view s : {"Zoë", "Łukasz", "李", "Nguyễn", "🙂", "\xef\xbf\xbf"}) {
    EXPECT_EQ(as_json(s), "\"" + std::string(s) + "\"");
  }
}

TEST(JsonString, ReplacesInvalidUtf8) {
  // A lone continuation byte, a truncated sequence, an overlong '/', a UTF-16 surrogate, >
  // U+10FFFF.
  EXPECT_EQ(as_json("a\x80z"), R"("a\ufffdz")");
  EXPECT_EQ(as_json("\xc3"), R"("\ufffd")");
  EXPECT_EQ(as_json("\xc0\xaf"), R"("\ufffd\ufffd")");
  EXPECT_EQ(as_json("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
  EXPECT_EQ(as_json("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");
}

// The plain-run scan reads eight bytes at a time: every byte value, at every offset of a word
// and past it, must be seen (ASCII ones round-trip exactly; the rest give valid JSON).
TEST(JsonString, EveryByteAtEveryOffsetIsSeenByTheWordScan) {
  for (int c = 0; c < 256; ++c) {
    for (std::size_t at = 0; at < 19; ++at) {
      std::string text(19, 'x');
      text[at] = static_cast<char>(c);
      const auto parsed = nlohmann::json::parse(as_json(text));
      if (c < 0x80)
        ASSERT_EQ(parsed.get<std::string>(), text) << "byte " << c << " at " << at;
      else
        ASSERT_EQ(parsed.get<std::string>(),
                  std::string(at, 'x') + "\xef\xbf\xbd" + std::string(18 - at, 'x'))
            << "byte " << c << " at " << at;
    }
  }
}

RC_GTEST_PROP(JsonString, AnyBytesGiveParseableJson, (const std::string& bytes)) {
  const auto parsed = nlohmann::json::parse(as_json(bytes));  // throws on invalid JSON/UTF-8
  RC_ASSERT(parsed.is_string());
}

RC_GTEST_PROP(JsonString, ValidUtf8RoundTrips, (const std::vector<std::uint32_t>& raw)) {
  // Build valid UTF-8 from code points (surrogates skipped), via nlohmann's own encoder.
  std::string text;
  for (auto cp : raw) {
    cp %= 0x110000;
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    if (cp < 0x80) {
      text.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      text.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      text.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      text.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      text.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      text.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      text.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      text.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      text.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      text.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  RC_ASSERT(nlohmann::json::parse(as_json(text)).get<std::string>() == text);
}

TEST(JsonWriter, PlacesCommasAndNests) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("a", "x").key("b").begin_array().number(1).number(20).boolean(false);
  w.end_array().key("c").begin_object().end_object().key("d").hundredths(12305);
  w.key("e").hundredths(7).end_object();
  EXPECT_EQ(out, R"({"a":"x","b":[1,20,false],"c":{},"d":123.05,"e":0.07})");
  EXPECT_EQ(w.depth(), 0);
}

TEST(JsonWriter, CodingHelpers) {
  std::string out;
  JsonWriter w(out);
  w.begin_array().codeable("s", "c", "", "t").reference("Patient", "pt-1").end_array();
  EXPECT_EQ(out,
            R"([{"coding":[{"system":"s","code":"c"}],"text":"t"},{"reference":"Patient/pt-1"}])");
}

}  // namespace
}  // namespace bh::datagen
