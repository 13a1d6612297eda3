// NdjsonFastCheck (simdjson) may only take lines the exact rules accept: for any line, generated
// resources and their mutations (truncated, a byte inserted or replaced, the type changed or
// repeated, big numbers, a BOM), accepts(line) implies the oracle's verdict: nlohmann's DOM
// parser says it is one JSON object whose last "resourceType" is the expected string. The
// validator built on it must then give the same summary as that oracle line by line. A canary
// (a check that ignores the expected type) must be caught by the same property, and plain
// generated resources must take the fast path (else it is useless, though not wrong).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "protocol/ndjson.hpp"
#include "protocol/ndjson_fast_check.hpp"

namespace bh::protocol {
namespace {

const char* const kTypes[] = {"Patient", "Observation", "Group"};

bool oracle(const std::string& line, const std::string& expected) {
  if (!nlohmann::json::accept(line)) return false;
  const auto j = nlohmann::json::parse(line);
  if (!j.is_object() || !j.contains("resourceType")) return false;
  const auto& rt = j["resourceType"];
  return rt.is_string() && (expected.empty() || rt.get<std::string>() == expected);
}

nlohmann::json value(int depth) {
  switch (*rc::gen::inRange(0, depth > 0 ? 6 : 4)) {
    case 0:
      return *rc::gen::arbitrary<std::int64_t>();
    case 1:
      return *rc::gen::arbitrary<double>();
    case 2:
      return *rc::gen::arbitrary<std::string>();  // any bytes; dump() replaces invalid UTF-8
    case 3:
      return *rc::gen::arbitrary<bool>();
    case 4: {
      auto a = nlohmann::json::array();
      for (int i = *rc::gen::inRange(0, 3); i > 0; --i)
        a.push_back(value(depth - 1));
      return a;
    }
    default: {
      auto o = nlohmann::json::object();
      for (int i = *rc::gen::inRange(0, 3); i > 0; --i)
        o[*rc::gen::arbitrary<std::string>()] = value(depth - 1);
      return o;
    }
  }
}

std::string resource_line() {
  nlohmann::ordered_json o;
  o["resourceType"] = kTypes[*rc::gen::inRange(0, 3)];
  for (int i = *rc::gen::inRange(0, 5); i > 0; --i)
    o["k" + std::to_string(i)] = nlohmann::ordered_json(value(2));
  return o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string mutated(std::string line) {
  const auto at = [&] { return *rc::gen::inRange<std::size_t>(0, line.size() + 1); };
  switch (*rc::gen::inRange(0, 7)) {
    case 0:
      return line;
    case 1:
      return line.substr(0, at());
    case 2:
      return line.insert(at(), 1, *rc::gen::arbitrary<char>());
    case 3: {
      const auto i = *rc::gen::inRange<std::size_t>(0, line.size());
      line[i] = *rc::gen::arbitrary<char>();
      return line;
    }
    case 4:  // a repeated key: the last one counts
      return line.substr(0, line.size() - 1) + ",\"resourceType\":\"" +
             kTypes[*rc::gen::inRange(0, 3)] + "\"}";
    case 5:
      return line.substr(0, line.size() - 1) + ",\"big\":123456789012345678901234567890}";
    default:
      return "\xEF\xBB\xBF" + line;
  }
}

using Check = std::function<bool(const std::string& line, const std::string& expected)>;

// The property, for any fast check: what it accepts, the oracle accepts.
bool never_accepts_more(const Check& check) {
  return rc::check("fast check accepts only what the oracle accepts", [&] {
    const std::string expected = *rc::gen::element<std::string>("", "Patient", "Observation");
    const std::string line = mutated(resource_line());
    if (check(line, expected)) RC_ASSERT(oracle(line, expected));
  });
}

TEST(NdjsonFastCheck, AcceptsOnlyWhatTheExactRulesAccept) {
  EXPECT_TRUE(never_accepts_more([](const std::string& line, const std::string& expected) {
    return NdjsonFastCheck().accepts(line, expected);
  }));
}

TEST(NdjsonFastCheck, CanaryIgnoringTheExpectedTypeIsCaught) {
  EXPECT_FALSE(never_accepts_more([](const std::string& line, const std::string&) {
    return NdjsonFastCheck().accepts(line, "");
  }));
}

RC_GTEST_PROP(NdjsonFastCheck, PlainResourcesTakeTheFastPath, ()) {
  const std::string line = resource_line();
  const std::string type = nlohmann::json::parse(line)["resourceType"];
  RC_ASSERT(NdjsonFastCheck().accepts(line, type));
}

RC_GTEST_PROP(NdjsonFastCheck, TheValidatorCountsWhatTheOracleAccepts, ()) {
  const std::string expected = *rc::gen::element<std::string>("", "Patient");
  std::string body;
  std::uint64_t good = 0;
  for (int i = *rc::gen::inRange(1, 8); i > 0; --i) {
    std::string line = mutated(resource_line());
    if (line.find('\n') != std::string::npos || line.find('\r') != std::string::npos) continue;
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank: not a resource
    good += oracle(line, expected) ? 1 : 0;
    body += line + "\n";
  }
  NdjsonValidator v(expected);
  v.feed(body);
  const auto s = v.finish();
  RC_ASSERT(s.resources == good);
}

TEST(NdjsonFastCheck, LinesOverTheLimitAreLeftToTheExactCheck) {
  const std::string line = "{\"resourceType\":\"Patient\",\"pad\":\"" +
                           std::string(NdjsonFastCheck::kMaxLine, 'x') + "\"}";
  EXPECT_FALSE(NdjsonFastCheck().accepts(line, "Patient"));
  NdjsonValidator v("Patient");
  v.feed(line + "\n");
  EXPECT_EQ(v.finish().resources, 1u);  // still a resource, by the exact check
}

}  // namespace
}  // namespace bh::protocol
