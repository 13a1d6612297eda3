#include "protocol/fhir_instant.hpp"

#include <chrono>
#include <cstdint>

#include "protocol/text_quote.hpp"

namespace bh::protocol {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr const char* kWhere = "FHIR instant";
constexpr const char* kShape = "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)";

// A cursor over the text; every read checks bounds, so no input can run past the end.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool peek_digit() const { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  // Exactly n digits, no sign: the regex never allows fewer or more.
  bool digits(int n, int& out) {
    out = 0;
    for (int i = 0; i < n; ++i) {
      if (!peek_digit()) return false;
      out = out * 10 + (s_[pos_++] - '0');
    }
    return true;
  }
  // One or more digits, kept to microseconds (extra precision is truncated, not rounded).
  bool fraction(std::int64_t& micros) {
    if (!peek_digit()) return false;
    micros = 0;
    int kept = 0;
    while (peek_digit()) {
      if (kept < 6) {
        micros = micros * 10 + (s_[pos_] - '0');
        ++kept;
      }
      ++pos_;
    }
    for (; kept < 6; ++kept)
      micros *= 10;
    return true;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

struct Fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::int64_t micros = 0;
  int offset_minutes = 0;  // east of UTC
};

// The lexical shape; ranges are checked afterwards so the error can say which field is wrong.
bool scan(std::string_view text, Fields& f) {
  Scanner s(text);
  if (!(s.digits(4, f.year) && s.eat('-') && s.digits(2, f.month) && s.eat('-') &&
        s.digits(2, f.day) && s.eat('T') && s.digits(2, f.hour) && s.eat(':') &&
        s.digits(2, f.minute) && s.eat(':') && s.digits(2, f.second))) {
    return false;
  }
  if (s.eat('.') && !s.fraction(f.micros)) return false;
  if (s.eat('Z')) return s.done();
  int sign = 0;
  if (s.eat('+')) {
    sign = 1;
  } else if (s.eat('-')) {
    sign = -1;
  } else {
    return false;  // the time zone is mandatory for an instant
  }
  int oh = 0, om = 0;
  if (!(s.digits(2, oh) && s.eat(':') && s.digits(2, om) && s.done())) return false;
  if (oh > 14 || om > 59 || (oh == 14 && om != 0)) return false;
  f.offset_minutes = sign * (oh * 60 + om);
  return true;
}

}  // namespace

Result<Instant> parse_fhir_instant(std::string_view text) {
  Fields f;
  if (!scan(text, f)) return make_error(kWhere, "not an instant", kShape, quote_value(text));
  const std::chrono::year_month_day ymd{std::chrono::year{f.year},
                                        std::chrono::month{static_cast<unsigned>(f.month)},
                                        std::chrono::day{static_cast<unsigned>(f.day)}};
  // FHIR's regex forbids year 0000 (there is no year zero in its lexical space).
  if (f.year == 0 || !ymd.ok()) {
    return make_error(kWhere, "no such calendar date", "a real date (year 0001..9999)",
                      quote_value(text));
  }
  if (f.hour > 23 || f.minute > 59 || f.second > 60) {
    return make_error(kWhere, "time of day out of range", "hh <= 23, mm <= 59, ss <= 60",
                      quote_value(text));
  }
  // A leap second cannot be represented on a sys_time line; it is read as the second before.
  const int second = f.second == 60 ? 59 : f.second;
  const auto local = sys_days{ymd} + std::chrono::hours{f.hour} + std::chrono::minutes{f.minute} +
                     std::chrono::seconds{second} + Duration{f.micros};
  const Instant utc{local - std::chrono::minutes{f.offset_minutes}};
  // An offset can carry 0001-01-01T00:00:00+05:30 into year 0000 UTC, or 9999-12-31T23:00-14:00
  // into year 10000: instants we could not write back as FHIR (found by fuzz_fhir_instant).
  static constexpr auto kFirst = sys_days{std::chrono::year{1} / 1 / 1};
  static constexpr auto kEnd = sys_days{std::chrono::year{10000} / 1 / 1};
  if (utc < Instant{kFirst} || utc >= Instant{kEnd})
    return make_error(kWhere, "outside the instants FHIR can write",
                      "0001-01-01T00:00:00Z up to 9999-12-31T23:59:59.999Z in UTC",
                      quote_value(text));
  return utc;
}

// Digits written by hand, not with snprintf: every generated resource carries an instant, and
// snprintf's format parsing was a fifth of serve's CPU streaming an export (perf,
// bench/download.py).
std::array<char, 24> fhir_instant_chars(Instant t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  const auto day = std::chrono::floor<days>(ms);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss tod{ms - day};
  std::array<char, 24> out{'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0',
                           '0', ':', '0', '0', ':', '0', '0', '.', '0', '0', '0', 'Z'};
  const auto put = [&out](std::size_t at, int width, long long value) {
    for (auto i = at + static_cast<std::size_t>(width); i-- > at; value /= 10)
      out[i] = static_cast<char>('0' + value % 10);
  };
  put(0, 4, int{ymd.year()});
  put(5, 2, unsigned{ymd.month()});
  put(8, 2, unsigned{ymd.day()});
  put(11, 2, tod.hours().count());
  put(14, 2, tod.minutes().count());
  put(17, 2, tod.seconds().count());
  put(20, 3, tod.subseconds().count());
  return out;
}

std::string format_fhir_instant(Instant t) {
  const auto chars = fhir_instant_chars(t);
  return std::string(chars.data(), chars.size());
}

}  // namespace bh::protocol
