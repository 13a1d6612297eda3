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

// Keys past the short-key buffer take the three-append path; both must write the same framing.
TEST(JsonWriter, ShortAndLongKeysAreFramedAlike) {
  const std::string long_name(JsonWriter::kShortKey + 1, 'k');
  const std::string edge_name(JsonWriter::kShortKey, 'e');
  std::string out;
  JsonWriter w(out);
  w.begin_object().field_uint("a", 1).field_uint(long_name, 2).field_uint(edge_name, 3);
  w.end_object().begin_object().field_uint(long_name, 4).end_object();
  EXPECT_EQ(out,
            "{\"a\":1,\"" + long_name + "\":2,\"" + edge_name + "\":3}{\"" + long_name + "\":4}");
}

// raw() and members() splice what a JsonWriter wrote earlier (json_table.hpp); the commas
// around them must be those the spliced calls would have written in place.
TEST(JsonWriter, SplicedValuesAndMembersGetTheirCommas) {
  std::string coding;
  JsonWriter(coding).coding("s", "c", "d");
  std::string unit;
  JsonWriter(unit).begin_object().field("unit", "kg").field("code", "kg").end_object();

  std::string spliced;
  JsonWriter w(spliced);
  w.begin_array().raw(coding).raw(coding).end_array();
  w.begin_object().members(unit).field_uint("n", 1).members("{}").members(unit).end_object();
  w.begin_object().key("v").raw("7").members(unit).end_object();

  std::string in_place;
  JsonWriter p(in_place);
  p.begin_array().coding("s", "c", "d").coding("s", "c", "d").end_array();
  p.begin_object().field("unit", "kg").field("code", "kg").field_uint("n", 1);
  p.field("unit", "kg").field("code", "kg").end_object();
  p.begin_object().field_uint("v", 7).field("unit", "kg").field("code", "kg").end_object();
  EXPECT_EQ(spliced, in_place);
}

TEST(JsonWriter, DecimalsArePaddedAndWhole) {
  std::string out;
  append_decimal(out, 0);
  out += ' ';
  append_decimal(out, 42, 7);
  out += ' ';
  append_decimal(out, 18446744073709551615ULL, 24);
  EXPECT_EQ(out, "0 0000042 000018446744073709551615");
}

}  // namespace
}  // namespace bh::datagen
