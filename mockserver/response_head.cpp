#include "mockserver/response_head.hpp"

#include <string_view>

#include "datagen/json_writer.hpp"

namespace bh::mockserver {

namespace {

bool is_ours(std::string_view name) {
  return protocol::iequals(name, "Content-Length") ||
         protocol::iequals(name, "Transfer-Encoding") || protocol::iequals(name, "Connection") ||
         protocol::iequals(name, "Server");
}

// Appends text with CR, LF and NUL as spaces: one header stays one header.
void append_field_text(std::string& out, std::string_view text) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\r' && c != '\n' && c != '\0') continue;
    out.append(text.substr(run, i - run));
    out.push_back(' ');
    run = i + 1;
  }
  out.append(text.substr(run));
}

}  // namespace

bool status_has_no_body(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

void append_response_head(std::string& out, const protocol::Response& response,
                          const HeadFraming& framing) {
  out.append("HTTP/1.1 ");
  datagen::append_decimal(out,
                          static_cast<std::uint64_t>(response.status < 0 ? 0 : response.status), 3);
  out.push_back(' ');
  out.append(protocol::reason_phrase(response.status));
  out.append("\r\n");
  for (const auto& h : response.headers) {
    if (is_ours(h.name)) continue;
    append_field_text(out, h.name);
    out.append(": ");
    append_field_text(out, h.value);
    out.append("\r\n");
  }
  out.append("Server: bulkharness\r\n");
  if (framing.close) out.append("Connection: close\r\n");
  switch (framing.kind) {
    case HeadFraming::Kind::kContentLength:
      out.append("Content-Length: ");
      datagen::append_decimal(out, framing.content_length);
      out.append("\r\n");
      break;
    case HeadFraming::Kind::kChunked:
      out.append("Transfer-Encoding: chunked\r\n");
      break;
    case HeadFraming::Kind::kNone:
      break;
  }
  out.append("\r\n");
}

void append_chunk_size(std::string& out, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  char digits[2 * sizeof n];
  int count = 0;
  do {
    digits[count++] = kHex[n & 0xF];
    n >>= 4;
  } while (n != 0);
  while (count > 0)
    out.push_back(digits[--count]);
  out.append("\r\n");
}

}  // namespace bh::mockserver
