// Round-trip properties for the text forms the harness both writes and reads, for the parsers
// that had none:
//   * scenario durations (mockserver/faults/fault_kind.hpp): format_duration_text writes whole
//     milliseconds as an integer count of s or ms, which parse_duration_value reads back to the
//     same Duration; finer durations are written "%.6gs" and keep six significant digits.
//   * Prefer (protocol/prefer.hpp) has no formatter, so the test renders generated preference
//     lists every way RFC 7240 allows (OWS, letter case, quoting, empty elements, several
//     headers); parsing gives the same preferences in order, the first of a repeated token winning.
//   * OperationOutcome (protocol/operation_outcome.hpp): parse_outcome reads back the issues
//     make_outcome built.
//   * URLs (protocol/url.hpp): parse_url(u.str()) gives u's parts back, with or without userinfo,
//     a fragment or an upper-case scheme; split_target inverts build_query and percent_encode for
//     any bytes; percent_decode inverts percent_encode.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "mockserver/faults/fault_kind.hpp"
#include "protocol/operation_outcome.hpp"
#include "protocol/prefer.hpp"
#include "protocol/url.hpp"

namespace bh {
namespace {

// A uniform choice in [0, n) at every size (rc::gen::inRange starts near its minimum).
std::size_t pick(std::size_t n) {
  return *rc::gen::resize(100, rc::gen::inRange<std::size_t>(0, n));
}

bool coin() {
  return *rc::gen::arbitrary<bool>();
}

std::string text(const std::string& alphabet, int max_len) {
  return *rc::gen::resize(max_len, rc::gen::container<std::string>(rc::gen::elementOf(alphabet)));
}

std::string nonempty_text(const std::string& alphabet, int max_len) {
  return *rc::gen::resize(
      max_len, rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::elementOf(alphabet))));
}

// ---- scenario durations

constexpr std::int64_t kMaxMs = 10000000000000;  // 1e16 us: the most parse_duration_value takes

RC_GTEST_PROP(DurationTextProp, WholeMillisecondsAreWrittenExactlyAndParseBackEqual, ()) {
  const std::int64_t unit = *rc::gen::element<std::int64_t>(1, 10, 1000, 60000, 3600000);
  const Duration d = millis(unit * *rc::gen::inRange<std::int64_t>(0, kMaxMs / unit + 1));
  const std::string t = mockserver::format_duration_text(d);
  RC_ASSERT(t.find_first_of(".e") == std::string::npos);  // an integer count, nothing rounded
  const auto back = mockserver::parse_duration_value(t, "duration");
  RC_ASSERT(back.ok());
  RC_ASSERT(back->count() == d.count());
}

RC_GTEST_PROP(DurationTextProp, SubMillisecondDurationsKeepSixSignificantDigits, ()) {
  const std::int64_t us =
      *rc::gen::inRange<std::int64_t>(0, kMaxMs) * 1000 + *rc::gen::inRange<std::int64_t>(1, 1000);
  const auto back =
      mockserver::parse_duration_value(mockserver::format_duration_text(Duration{us}), "duration");
  RC_ASSERT(back.ok());
  // %.6g is off by at most half a unit in the sixth digit; +1 for rounding to whole microseconds.
  const double error = std::abs(static_cast<double>(back->count() - us));
  RC_ASSERT(error <= 5e-6 * static_cast<double>(us) + 1);
}

// ---- Prefer

using protocol::Preference;

const std::string kDigits = "0123456789";
const std::string kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const std::string kTchars = kDigits + kLetters + "!#$%&'*+-.^_`|~";

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string vary_case(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c >= 'a' && c <= 'z' && coin()) c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string ows() {
  return text(" \t", 2);
}

// A value: empty, a token, or anything a quoted-string carries (WSP, VCHAR, obs-text).
std::string pref_value() {
  static const std::string quotable = [] {
    std::string s = "\t";
    for (int c = 0x20; c < 0x7f; ++c)
      s += static_cast<char>(c);
    return s + "\x80\xc3\xa9\xff";
  }();
  switch (pick(3)) {
    case 0:
      return "";
    case 1:
      return nonempty_text(kTchars, 8);
    default:
      return text(quotable, 10);
  }
}

std::string quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v)
    out += (c == '"' || c == '\\' || coin()) ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

bool is_token(const std::string& v) {
  return !v.empty() && v.find_first_not_of(kTchars) == std::string::npos;
}

// name[=value], with BWS around '=', the name in any case, the value quoted when it must be.
std::string render_pair(const std::string& name, const std::string& value) {
  std::string out = vary_case(name);
  if (value.empty() && coin()) return out;
  return out + ows() + "=" + ows() + (is_token(value) && coin() ? value : quoted(value));
}

std::string render(const Preference& p) {
  std::string out = render_pair(p.token, p.value);
  for (const auto& [name, value] : p.params) {
    if (pick(4) == 0) out += ows() + ";";  // an empty parameter: "[ OWS parameter ]"
    out += ows() + ";" + ows() + render_pair(name, value);
  }
  return out;
}

// The preferences as header values: split over one or more headers, joined by commas with OWS
// and empty list elements between them.
std::vector<std::string> render(const std::vector<Preference>& prefs) {
  std::vector<std::string> headers;
  for (std::size_t i = 0; i < prefs.size(); ++i) {
    const bool fresh = headers.empty() || pick(3) == 0;
    if (fresh) headers.push_back(pick(3) == 0 ? ows() + "," : "");
    headers.back() += (fresh ? ows() : ows() + "," + (pick(4) == 0 ? ows() + "," : "") + ows());
    headers.back() += render(prefs[i]);
  }
  for (auto& h : headers)
    h += ows() + (pick(4) == 0 ? "," + ows() : "");
  return headers;
}

Preference gen_preference() {
  Preference p;
  p.token = lower(nonempty_text(kTchars, 12));
  p.value = pref_value();
  const auto n = pick(4);
  for (std::size_t i = 0; i < n; ++i)
    p.params.emplace_back(lower(nonempty_text(kTchars, 8)), pref_value());
  return p;
}

// Preferences whose tokens differ (case-insensitively), so each one survives parsing.
std::vector<Preference> gen_preferences() {
  std::vector<Preference> out;
  const auto n = 1 + pick(6);
  for (std::size_t i = 0; i < n; ++i) {
    Preference p = gen_preference();
    bool seen = false;
    for (const auto& q : out)
      seen = seen || q.token == p.token;
    if (!seen) out.push_back(std::move(p));
  }
  return out;
}

auto fields(const Preference& p) {
  return std::tie(p.token, p.value, p.params);
}

void expect_parses_to(const std::vector<std::string>& headers,
                      const std::vector<Preference>& want) {
  for (const auto& h : headers)
    RC_LOG() << "Prefer: " << h << "\n";
  const auto got =
      protocol::parse_prefer_values(std::vector<std::string_view>(headers.begin(), headers.end()));
  if (!got.ok()) RC_FAIL(got.error().message());
  RC_ASSERT(got->items().size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i)
    RC_ASSERT(fields(got->items()[i]) == fields(want[i]));
}

RC_GTEST_PROP(PreferProp, RenderedPreferencesParseBackToTheSameListInOrder, ()) {
  const auto prefs = gen_preferences();
  expect_parses_to(render(prefs), prefs);
}

RC_GTEST_PROP(PreferProp, ARepeatedTokenKeepsItsFirstOccurrence, ()) {
  const auto prefs = gen_preferences();
  Preference again = gen_preference();
  again.token = prefs[pick(prefs.size())].token;
  auto rendered = render(prefs);
  rendered.push_back(render(again));  // vary_case: the repeat may differ in case only
  expect_parses_to(rendered, prefs);
}

// ---- OperationOutcome

const std::vector<std::string> kSeverities = {"fatal", "error", "warning", "information"};
const std::vector<std::string> kIssueTypes = {
    "invalid",       "structure", "required",         "value",         "invariant",  "security",
    "login",         "unknown",   "expired",          "forbidden",     "suppressed", "processing",
    "not-supported", "duplicate", "multiple-matches", "not-found",     "deleted",    "too-long",
    "code-invalid",  "extension", "too-costly",       "business-rule", "conflict",   "transient",
    "lock-error",    "no-store",  "exception",        "timeout",       "incomplete", "throttled",
    "informational"};

// Valid UTF-8 from ASCII (controls, quotes and backslashes too) and 2-, 3- and 4-byte sequences.
std::string utf8_text() {
  static const std::vector<std::string> pieces = {
      "a",  "Z",  "7",    " ",    "\"",       "\\",           "/",
      "\n", "\t", "\x01", "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
  std::string out;
  const auto n = pick(12);
  for (std::size_t i = 0; i < n; ++i)
    out += *rc::gen::elementOf(pieces);
  return out;
}

auto fields(const protocol::OutcomeIssue& i) {
  return std::tie(i.severity, i.code, i.diagnostics);
}

RC_GTEST_PROP(OperationOutcomeProp, ParsingABuiltOutcomeGivesBackItsIssues, ()) {
  std::vector<protocol::OutcomeIssue> issues(1 + pick(5));
  for (auto& i : issues)
    i = {*rc::gen::elementOf(kSeverities), *rc::gen::elementOf(kIssueTypes), utf8_text()};
  const std::string body = protocol::make_outcome(issues).dump(coin() ? -1 : 2);
  RC_LOG() << body << "\n";
  const auto parsed = protocol::parse_outcome(body);
  if (!parsed.ok()) RC_FAIL(parsed.error().message());
  RC_ASSERT(parsed->size() == issues.size());
  for (std::size_t i = 0; i < issues.size(); ++i)
    RC_ASSERT(fields((*parsed)[i]) == fields(issues[i]));
}

// outcome_text writes what the DOM it stands in for writes: plain diagnostics take its fast
// path, the rest (quotes, control characters, UTF-8 valid or not) the DOM's own dump.
using OutcomeWriter = std::function<std::string(const std::vector<protocol::OutcomeIssue>&)>;

std::string diagnostics_text() {
  static const std::vector<std::string> odd = {"\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80"};
  // Plain text with one byte at the fast path's edge: where a wrong guard shows.
  static const std::vector<std::string> edge = {"\"", "\\", "\x1f", "\x7f", "~", " ", "\xc3\xa9"};
  std::string text;
  switch (pick(3)) {
    case 0:
      text = *rc::gen::container<std::string>(rc::gen::inRange(' ', '~'));
      break;
    case 1:
      text = utf8_text();
      break;
    default:
      text = "job " + std::to_string(pick(1000)) + *rc::gen::elementOf(edge) + "x";
  }
  if (pick(4) == 0) text += *rc::gen::elementOf(odd);
  return text;
}

// Ten outcomes per case: a wrong guard shows only when every other issue of the outcome is
// plain, and with one outcome per case a mutant (0x1f let through) got past 2 runs in 10.
bool writes_what_the_dom_writes(const OutcomeWriter& write) {
  return rc::check("outcome_text is the DOM's dump", [&] {
    for (int n = 0; n < 10; ++n) {
      std::vector<protocol::OutcomeIssue> issues(1 + pick(3));
      for (auto& i : issues)
        i = {*rc::gen::elementOf(kSeverities), *rc::gen::elementOf(kIssueTypes),
             diagnostics_text()};
      const auto dom = protocol::make_outcome(issues).dump(
          -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      RC_ASSERT(write(issues) == dom);
    }
  });
}

TEST(OutcomeText, WritesWhatTheDomWrites) {
  EXPECT_TRUE(writes_what_the_dom_writes(protocol::outcome_text));
}

// The fast path without its guard: any diagnostics written as they are.
TEST(OutcomeText, CanaryWritingEveryDiagnosticUnescapedIsCaught) {
  EXPECT_FALSE(writes_what_the_dom_writes([](const std::vector<protocol::OutcomeIssue>& issues) {
    std::string out = R"({"resourceType":"OperationOutcome","issue":[)";
    for (const auto& i : issues) {
      if (&i != &issues.front()) out += ',';
      out += R"({"severity":")" + i.severity + R"(","code":")" + i.code + "\"";
      if (!i.diagnostics.empty()) out += R"(,"diagnostics":")" + i.diagnostics + "\"";
      out += '}';
    }
    return out + "]}";
  }));
}

// ---- URLs

const std::string kUnreserved = kDigits + kLetters + "-._~";
const std::string kSubDelims = "!$&'()*+,;=";

std::string ipv6_literal() {
  std::vector<std::string> groups(2 + pick(7));
  for (auto& g : groups)
    g = nonempty_text(kDigits + "abcdefABCDEF", 4);
  std::string out = groups[0];
  const auto gap = pick(groups.size());  // where "::" stands for zero groups
  for (std::size_t i = 1; i < groups.size(); ++i)
    out += (i == gap ? "::" : ":") + groups[i];
  return out;
}

protocol::Url gen_url() {
  protocol::Url u;
  u.scheme = *rc::gen::element<std::string>("http", "https");
  u.host = coin() ? nonempty_text(kUnreserved + kSubDelims, 16) : ipv6_literal();
  const int port = coin() ? (u.scheme == "https" ? 443 : 80) : *rc::gen::inRange(1, 65536);
  u.port = static_cast<std::uint16_t>(port);
  const std::string pchar = kUnreserved + kSubDelims + ":@%";
  u.target = "/" + text(pchar + "/", 16);
  if (coin()) u.target += "?" + text(pchar + "/?", 16);
  return u;
}

auto fields(const protocol::Url& u) {
  return std::tie(u.scheme, u.host, u.port, u.target);
}

// u.str(), maybe with an upper-case scheme, userinfo and a fragment, all of which parse_url drops.
std::string url_text(const protocol::Url& u) {
  std::string s = u.str();
  const auto authority = s.find("://") + 3;
  if (coin()) s.replace(0, authority - 3, vary_case(u.scheme));
  if (coin()) s.insert(s.find("://") + 3, text(kUnreserved + kSubDelims + ":%", 10) + "@");
  if (coin()) s += "#" + text(kUnreserved + "/?#", 10);
  return s;
}

RC_GTEST_PROP(UrlProp, FormattedUrlParsesBackToTheSameParts, ()) {
  const auto u = gen_url();
  const std::string s = url_text(u);
  RC_LOG() << s << "\n";
  const auto back = protocol::parse_url(s);
  if (!back.ok()) RC_FAIL(back.error().message());
  RC_ASSERT(fields(*back) == fields(u));
  RC_ASSERT(back->str() == u.str());
}

RC_GTEST_PROP(UrlProp, SplitTargetInvertsBuildQueryForAnyBytes,
              (const std::string& path, const protocol::QueryParams& params)) {
  const auto t = protocol::split_target("/" + protocol::percent_encode(path) + "?" +
                                        protocol::build_query(params));
  if (!t.ok()) RC_FAIL(t.error().message());
  RC_ASSERT(t->path == "/" + path);
  RC_ASSERT(t->query == params);
}

RC_GTEST_PROP(UrlProp, PercentDecodeInvertsPercentEncodeForAnyBytes, (const std::string& s)) {
  const std::string encoded = protocol::percent_encode(s);
  RC_ASSERT(encoded.find_first_not_of(kUnreserved + "%ABCDEF") == std::string::npos);
  for (const bool plus_is_space : {false, true}) {
    const auto back = protocol::percent_decode(encoded, plus_is_space);
    RC_ASSERT(back.ok());
    RC_ASSERT(*back == s);
  }
}

}  // namespace
}  // namespace bh
