#include "protocol/http_date.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <tuple>

#include "protocol/text_quote.hpp"

namespace bh::protocol {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr const char* kWhere = "HTTP-date";
constexpr const char* kShape =
    "IMF-fixdate \"Sun, 06 Nov 1994 08:49:37 GMT\", RFC 850 \"Sunday, 06-Nov-94 08:49:37 GMT\" "
    "or asctime \"Sun Nov  6 08:49:37 1994\"";

// Indexed like std::chrono::weekday::c_encoding(): Sunday is 0.
constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct Fields {
  int weekday = 0;  // 0 = Sunday
  int year = 0;     // for RFC 850, the two digits until resolved
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// Bounds-checked cursor. RFC 9110 names are case-sensitive (%s"..."), so comparisons are exact.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool lit(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool digits(int n, int& out) {
    out = 0;
    for (int i = 0; i < n; ++i) {
      if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9') return false;
      out = out * 10 + (s_[pos_++] - '0');
    }
    return true;
  }
  // Longest names first is unnecessary: no name in one table prefixes another.
  template <std::size_t N>
  bool name(const std::array<std::string_view, N>& table, int& index) {
    for (std::size_t i = 0; i < N; ++i) {
      if (lit(table[i])) {
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  bool month(int& m) {
    if (!name(kMonths, m)) return false;
    ++m;
    return true;
  }
  bool time_of_day(Fields& f) {
    return digits(2, f.hour) && lit(":") && digits(2, f.minute) && lit(":") && digits(2, f.second);
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

bool scan_imf(std::string_view text, Fields& f) {
  Scanner s(text);
  return s.name(kDays, f.weekday) && s.lit(", ") && s.digits(2, f.day) && s.lit(" ") &&
         s.month(f.month) && s.lit(" ") && s.digits(4, f.year) && s.lit(" ") && s.time_of_day(f) &&
         s.lit(" GMT") && s.done();
}

bool scan_rfc850(std::string_view text, Fields& f) {
  Scanner s(text);
  return s.name(kLongDays, f.weekday) && s.lit(", ") && s.digits(2, f.day) && s.lit("-") &&
         s.month(f.month) && s.lit("-") && s.digits(2, f.year) && s.lit(" ") && s.time_of_day(f) &&
         s.lit(" GMT") && s.done();
}

bool scan_asctime(std::string_view text, Fields& f) {
  Scanner s(text);
  if (!(s.name(kDays, f.weekday) && s.lit(" ") && s.month(f.month) && s.lit(" "))) return false;
  // date3's day is 2DIGIT or SP DIGIT ("Nov  6").
  if (!(s.lit(" ") ? s.digits(1, f.day) : s.digits(2, f.day))) return false;
  return s.lit(" ") && s.time_of_day(f) && s.lit(" ") && s.digits(4, f.year) && s.done();
}

// RFC 9110 §5.6.7: a two-digit year that "appears to be more than 50 years in the future" is the
// most recent past year with those digits. Compared field by field, so "50 years" is calendar
// years, not a fixed number of seconds.
int resolve_two_digit_year(const Fields& f, Instant now) {
  const auto now_day = std::chrono::floor<days>(now);
  const std::chrono::year_month_day now_ymd{now_day};
  const std::chrono::hh_mm_ss now_tod{std::chrono::floor<std::chrono::seconds>(now) - now_day};
  const int now_year = int{now_ymd.year()};
  const int limit = now_year + 50;
  // The largest year with those digits that is not past the limit year.
  int year = limit - (((limit - f.year) % 100) + 100) % 100;
  const auto later = std::make_tuple(f.month, f.day, f.hour, f.minute, f.second) >
                     std::make_tuple(static_cast<int>(unsigned{now_ymd.month()}),
                                     static_cast<int>(unsigned{now_ymd.day()}),
                                     static_cast<int>(now_tod.hours().count()),
                                     static_cast<int>(now_tod.minutes().count()),
                                     static_cast<int>(now_tod.seconds().count()));
  if (year == limit && later) year -= 100;
  return year;
}

Result<Instant> to_instant(const Fields& f, std::string_view text) {
  const std::chrono::year_month_day ymd{std::chrono::year{f.year},
                                        std::chrono::month{static_cast<unsigned>(f.month)},
                                        std::chrono::day{static_cast<unsigned>(f.day)}};
  if (!ymd.ok())
    return make_error(kWhere, "no such calendar date", "a real date", quote_value(text));
  // RFC 9110 allows second 60 for a leap second; a sys_time line has none, so it reads as 59.
  if (f.hour > 23 || f.minute > 59 || f.second > 60) {
    return make_error(kWhere, "time of day out of range", "hh <= 23, mm <= 59, ss <= 60",
                      quote_value(text));
  }
  const std::chrono::weekday wd{sys_days{ymd}};
  if (static_cast<int>(wd.c_encoding()) != f.weekday) {
    return make_error(kWhere, "weekday does not match the date",
                      std::string(kDays[wd.c_encoding()]), quote_value(text));
  }
  const int second = f.second == 60 ? 59 : f.second;
  return Instant{sys_days{ymd} + std::chrono::hours{f.hour} + std::chrono::minutes{f.minute} +
                 std::chrono::seconds{second}};
}

}  // namespace

Result<Instant> parse_http_date(std::string_view text, Instant now) {
  Fields f;
  if (scan_imf(text, f) || scan_asctime(text, f)) return to_instant(f, text);
  if (scan_rfc850(text, f)) {
    f.year = resolve_two_digit_year(f, now);
    return to_instant(f, text);
  }
  return make_error(kWhere, "not an HTTP-date", kShape, quote_value(text));
}

std::string format_http_date(Instant t, HttpDateForm form) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<days>(secs);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss tod{secs - day};
  const unsigned wd = std::chrono::weekday{day}.c_encoding();
  const int year = int{ymd.year()};
  const auto dd = unsigned{ymd.day()};
  const std::string_view mon = kMonths[unsigned{ymd.month()} - 1];
  const auto hh = static_cast<int>(tod.hours().count());
  const auto mm = static_cast<int>(tod.minutes().count());
  const auto ss = static_cast<int>(tod.seconds().count());
  // IMF-fixdate goes on every answer (Date): digits by hand, as in format_fhir_instant, since
  // snprintf's format parsing showed up in serve's status-path profile. The rare forms and
  // years outside 0000..9999 keep snprintf.
  if (form == HttpDateForm::kImfFixdate && year >= 0 && year <= 9999) {
    std::string out = "Sun, 00 Jan 0000 00:00:00 GMT";
    const auto put = [&out](std::size_t at, int width, long long value) {
      for (auto i = at + static_cast<std::size_t>(width); i-- > at; value /= 10)
        out[i] = static_cast<char>('0' + value % 10);
    };
    out.replace(0, 3, kDays[wd]);
    put(5, 2, dd);
    out.replace(8, 3, mon);
    put(12, 4, year);
    put(17, 2, hh);
    put(20, 2, mm);
    put(23, 2, ss);
    return out;
  }
  char buf[64] = {};
  switch (form) {
    case HttpDateForm::kImfFixdate:
      std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                    std::string(kDays[wd]).c_str(), dd, std::string(mon).c_str(), year, hh, mm, ss);
      break;
    case HttpDateForm::kRfc850:
      std::snprintf(buf, sizeof buf, "%s, %02u-%s-%02d %02d:%02d:%02d GMT",
                    std::string(kLongDays[wd]).c_str(), dd, std::string(mon).c_str(),
                    ((year % 100) + 100) % 100, hh, mm, ss);
      break;
    case HttpDateForm::kAsctime:
      std::snprintf(buf, sizeof buf, "%s %s %2u %02d:%02d:%02d %04d",
                    std::string(kDays[wd]).c_str(), std::string(mon).c_str(), dd, hh, mm, ss, year);
      break;
  }
  return buf;
}

}  // namespace bh::protocol
