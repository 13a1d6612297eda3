// core/strings: small string helpers the error messages share.
//
// Contract: join(items, sep) concatenates the items with `sep` between them (empty for none),
// for messages such as "expected one of: a, b, c". Works for any range of string-like items.
#pragma once

#include <string>
#include <string_view>

namespace bh {

template <class Range>
std::string join(const Range& items, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += sep;
    out += item;
    first = false;
  }
  return out;
}

}  // namespace bh
