// protocol/prefer: the Prefer request header (RFC 7240), requirements KO-07..KO-10.
//
// Contract: preferences may be comma-joined in one header ("respond-async, handling=lenient") or
// spread over repeated Prefer headers; both give the same list, in order. Tokens compare
// case-insensitively; values may be quoted strings; parameters after ';' are kept. A malformed
// header is an Error naming it. When a token repeats, the first occurrence wins (RFC 7240 §2).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "protocol/http.hpp"

namespace bh::protocol {

struct Preference {
  std::string token;  // lower-cased: "respond-async", "handling", "separate-export-status"
  std::string value;  // unquoted; empty when none: "lenient"
  std::vector<std::pair<std::string, std::string>> params;
};

class Preferences {
 public:
  Preferences() = default;
  explicit Preferences(std::vector<Preference> items) : items_(std::move(items)) {}
  bool has(std::string_view token) const;
  std::optional<std::string> value(std::string_view token) const;
  bool respond_async() const { return has("respond-async"); }
  // handling=lenient (true) vs. strict or absent (false); the IG never mentions strict and we
  // treat it as the RFC 7240 default (KO-09, open point 8).
  bool lenient() const;
  const std::vector<Preference>& items() const { return items_; }

 private:
  std::vector<Preference> items_;
};

Result<Preferences> parse_prefer(const Headers& headers);
Result<Preferences> parse_prefer_values(const std::vector<std::string_view>& header_values);

}  // namespace bh::protocol
