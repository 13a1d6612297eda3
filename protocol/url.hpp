// protocol/url: absolute URLs and query strings, as the protocol needs them.
//
// Contract: parse_url accepts absolute http(s) URLs only (Bulk Data requires absolute
// Content-Location and file URLs from STU2); query parameters keep order and repetitions and are
// percent-decoded ('+' is a space in the query, per HTML form encoding).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace bh::protocol {

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without brackets for IPv6 literals
  std::uint16_t port = 0;
  std::string target;  // path + optional "?query"; "/" when empty

  std::string authority() const;  // host[:port], port omitted when default for the scheme
  std::string str() const;        // scheme://authority + target
  bool same_origin(const Url& other) const;
};

Result<Url> parse_url(std::string_view text);
bool is_absolute_url(std::string_view text);
// Resolves `ref` against `base` when it is not absolute (an absolute path or a relative path).
Result<Url> resolve_url(const Url& base, std::string_view ref);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct Target {
  std::string path;  // decoded path
  QueryParams query;
};

Result<Target> split_target(std::string_view target);
Result<std::string> percent_decode(std::string_view s, bool plus_is_space);
std::string percent_encode(std::string_view s);  // everything but unreserved characters
std::string build_query(const QueryParams& params);

}  // namespace bh::protocol
