// conformance/markup_escape: text from the server made safe inside XML and HTML reports.
//
// Contract: markup_escape(s) escapes & < > " (so the result is safe in element text and in a
// double-quoted attribute) and writes '?' for the control characters XML 1.0 forbids even
// escaped (all below 0x20 but tab, LF and CR). Other bytes pass through unchanged.
#pragma once

#include <string>
#include <string_view>

namespace bh::conformance {

inline std::string markup_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r')
          out += '?';
        else
          out += c;
    }
  }
  return out;
}

}  // namespace bh::conformance
