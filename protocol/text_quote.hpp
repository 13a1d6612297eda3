// protocol/text_quote: quoting values from the wire inside error messages.
//
// Contract: quote_value returns a bounded, printable, double-quoted excerpt of any byte string
// (control and non-ASCII bytes as \xNN, at most max_chars characters then "..."), so a message
// naming a hostile or huge value stays one short line.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace bh::protocol {

namespace detail {
// Bytes outside printable ASCII as \xNN; `escape_quotes` also backslash-escapes '"' and '\\'.
inline std::string printable(std::string_view s, std::size_t max_chars, bool escape_quotes) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max_chars; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned>(c));
      out += hex;
    } else {
      if (escape_quotes && (c == '"' || c == '\\')) out += '\\';
      out += static_cast<char>(c);
    }
  }
  return out;
}
}  // namespace detail

inline std::string quote_value(std::string_view s, std::size_t max_chars = 80) {
  return "\"" + detail::printable(s, max_chars, true) + (s.size() > max_chars ? "\"..." : "\"");
}

// Length of the valid multi-byte UTF-8 sequence starting at s[i], or 0 when there is none
// (an ASCII byte, a stray continuation byte, an overlong form, a surrogate, a code point above
// U+10FFFF, or a sequence cut short by the end of s), as RFC 3629 requires.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t j = 2; j < len; ++j) {
    const auto b = static_cast<unsigned char>(s[i + j]);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return len;
}

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
inline bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
    } else if (const std::size_t len = utf8_sequence_length(s, i); len != 0) {
      i += len;
    } else {
      return false;
    }
  }
  return true;
}

// Text for a terminal or a log, whatever a hostile peer put in it: newlines, tabs, printable
// ASCII and valid UTF-8 pass, except C1 controls (U+0080..U+009F, e.g. CSI); every other byte
// (ESC, CR, BEL, stray UTF-8) becomes \xNN. So quoting a server's diagnostics in a report can
// never move the cursor, rewrite an earlier line, or retitle the window.
inline std::string terminal_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    const std::size_t len = c >= 0x80 ? utf8_sequence_length(s, i) : 0;
    const bool c1 = len == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (len != 0 && !c1) {
      out.append(s.substr(i, len));
      i += len;
      continue;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned>(c));
    out += hex;
    ++i;
  }
  return out;
}

// The same excerpt without quotes, for third-party messages that may echo raw input bytes.
inline std::string printable_excerpt(std::string_view s, std::size_t max_chars = 300) {
  return detail::printable(s, max_chars, false) + (s.size() > max_chars ? "..." : "");
}

}  // namespace bh::protocol
