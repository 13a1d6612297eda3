// fuzz/fuzz_support: what the fuzz targets share.
//
// Contract: FUZZ_CHECK(cond, what) is a property: when it does not hold the target prints what
// broke, with the input's hex, and aborts, so libFuzzer saves the input as a crash and the
// replayer fails the ctest row. ByteReader splits one input into choices and pieces (a minimal
// FuzzedDataProvider that builds with any compiler): every read is bounded by what is left and
// an exhausted reader yields zeros and empty strings, never an error.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/ig_version.hpp"

namespace bh::fuzz {

[[noreturn]] inline void property_failed(const char* file, int line, const char* cond,
                                         const std::string& what) {
  std::fprintf(stderr, "%s:%d: property broken: %s\n  %s\n", file, line, cond, what.c_str());
  std::abort();
}

#define FUZZ_CHECK(cond, what)                                                   \
  do {                                                                           \
    if (!(cond)) ::bh::fuzz::property_failed(__FILE__, __LINE__, #cond, (what)); \
  } while (0)

// An input byte's choice among the IG versions every versioned parser supports.
inline protocol::IgVersion ig_version(unsigned choice) {
  constexpr protocol::IgVersion kAll[] = {
      protocol::IgVersion::kV1_0_1, protocol::IgVersion::kV2_0_0, protocol::IgVersion::kV3_0_0,
      protocol::IgVersion::kV4_0_0_ballot};
  return kAll[choice % 4];
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : rest_(bytes) {}
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  bool flag() { return (byte() & 1u) != 0; }
  // In [0, n) for n > 0.
  std::size_t below(std::size_t n) {
    std::size_t v = static_cast<std::size_t>(byte()) << 8 | byte();
    return n == 0 ? 0 : v % n;
  }
  // Up to the next '\n' (dropped), or the rest: lets corpus files stay readable text.
  std::string_view line() {
    auto nl = rest_.find('\n');
    auto piece = rest_.substr(0, nl);
    rest_.remove_prefix(nl == std::string_view::npos ? rest_.size() : nl + 1);
    return piece;
  }
  std::string_view take(std::size_t n) {
    auto piece = rest_.substr(0, std::min(n, rest_.size()));
    rest_.remove_prefix(piece.size());
    return piece;
  }
  std::string_view rest() {
    auto piece = rest_;
    rest_ = {};
    return piece;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

inline std::string printable(std::string_view s, std::size_t max = 200) {
  std::string out;
  for (char c : s.substr(0, max)) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

}  // namespace bh::fuzz
