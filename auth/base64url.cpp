#include "auth/base64url.hpp"

#include <array>
#include <cstdint>

namespace bh::auth {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// -1 for characters outside the alphabet.
constexpr std::array<std::int8_t, 256> make_values() {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return values;
}
constexpr std::array<std::int8_t, 256> kValues = make_values();

std::string shown(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  constexpr std::string_view hex = "0123456789abcdef";
  return std::string("byte 0x") + hex[u >> 4] + hex[u & 0xf];
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t bits = 0;
  int count = 0;  // bits waiting in `bits`
  for (char c : bytes) {
    bits = ((bits << 8) | static_cast<unsigned char>(c)) & 0xffffu;  // at most 14 bits in use
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kAlphabet[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 0x3f];
  return out;
}

Result<std::string> base64url_decode(std::string_view text) {
  const std::string where = "base64url";
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::int8_t v = kValues[static_cast<unsigned char>(text[i])];
    if (v < 0)
      return make_error(where, "invalid character at offset " + std::to_string(i),
                        "A-Z a-z 0-9 - _ and no padding", shown(text[i]));
    bits = ((bits << 6) | static_cast<std::uint32_t>(v)) & 0xffffu;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  if (text.size() % 4 == 1)
    return make_error(where, "length " + std::to_string(text.size()) + " is impossible",
                      "a length that is not 1 more than a multiple of 4");
  if ((bits & ((1u << count) - 1)) != 0)
    return make_error(where, "the last character has non-zero unused bits (not canonical)");
  return out;
}

}  // namespace bh::auth
