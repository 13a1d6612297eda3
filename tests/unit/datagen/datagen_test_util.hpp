// Helpers shared by the datagen tests: draining streams with chunk-size checks, splitting
// NDJSON, and walking parsed resources.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "datagen/dataset.hpp"
#include "protocol/http.hpp"

namespace bh::datagen::testing {

// Reads a stream to its end in next() calls of max_bytes, checking that no call appends more.
inline std::string drain(protocol::BodyStream& stream, std::size_t max_bytes = 1 << 16) {
  std::string out;
  for (std::uint64_t calls = 0; calls < 100'000'000; ++calls) {
    const std::size_t before = out.size();
    const bool more = stream.next(out, max_bytes);
    EXPECT_LE(out.size() - before, max_bytes);
    if (!more) return out;
  }
  ADD_FAILURE() << "stream did not end";
  return out;
}

inline std::vector<std::string> split_lines(const std::string& body) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < body.size()) {
    const auto nl = body.find('\n', start);
    if (nl == std::string::npos) {
      ADD_FAILURE() << "last line has no newline";
      lines.push_back(body.substr(start));
      break;
    }
    lines.push_back(body.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

inline Slice whole(const Dataset& data, const std::string& type) {
  Slice s;
  s.type = type;
  s.end = data.universe(type);
  return s;
}

inline Slice range(const std::string& type, std::uint64_t begin, std::uint64_t end) {
  Slice s;
  s.type = type;
  s.begin = begin;
  s.end = end;
  return s;
}

inline std::vector<nlohmann::json> parse_all(const Dataset& data, const Slice& slice) {
  std::vector<nlohmann::json> out;
  auto stream = data.open(slice);
  for (const auto& line : split_lines(drain(*stream)))
    out.push_back(nlohmann::json::parse(line));
  return out;
}

// Calls fn on every string value under the key "reference", anywhere in the document.
inline void for_each_reference(const nlohmann::json& j,
                               const std::function<void(const std::string&)>& fn) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "reference" && it.value().is_string()) fn(it.value().get<std::string>());
      for_each_reference(it.value(), fn);
    }
  } else if (j.is_array()) {
    for (const auto& item : j)
      for_each_reference(item, fn);
  }
}

}  // namespace bh::datagen::testing
