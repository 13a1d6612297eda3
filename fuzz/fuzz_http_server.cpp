// fuzz_http_server: raw request bytes through Beast's parser into the mock server (ExportService,
// the fault engine, the admin API), and the heads it answers with parsed back by Beast.
//
// Input: the first byte picks the built-in scenario; the rest is a byte stream of pipelined
// HTTP/1.1 requests, parsed with the session's own limits. Each request goes through the same
// conversion the session uses (mockserver/net/beast_message.hpp) into MockServer::handle, with
// scenario time moving 7 s per request so jobs complete. Properties: no crash or throw; every
// answer has a status in 100..599; its head, as the session writes it and Beast parses it back, has
// the same status and exactly the headers the server set (a CR or LF smuggled into a header value
// from a request or a scenario would show up as extra or changed headers: response splitting); a
// streamed body ends within a bounded number of pieces.
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include "fuzz/fuzz_support.hpp"
#include "mockserver/mock_server.hpp"
#include "mockserver/net/beast_message.hpp"
#include "mockserver/net/http_server.hpp"
#include "mockserver/response_head.hpp"

using namespace bh;
namespace http = boost::beast::http;

namespace {

mockserver::MockServerConfig config(std::uint8_t choice) {
  mockserver::MockServerConfig c;
  c.service.base_url = "http://127.0.0.1:8080/fhir";
  c.data.members = 4;
  c.scenario = mockserver::builtin_scenario(choice & 1u ? "demo" : "default").value();
  c.started_at = kVirtualEpoch;
  c.journal_capacity = 64;
  return c;
}

void check_head(const protocol::Response& r) {
  FUZZ_CHECK(r.status >= 100 && r.status <= 599, "status " + std::to_string(r.status));
  std::string bytes;
  mockserver::append_response_head(bytes, r,
                                   {mockserver::HeadFraming::Kind::kContentLength, 0, false});
  http::response_parser<http::empty_body> back;
  back.skip(true);  // the head only
  boost::beast::error_code ec;
  back.put(boost::asio::buffer(bytes), ec);
  FUZZ_CHECK(!ec && back.is_header_done(), "our own response head does not parse: " + ec.message() +
                                               "\n" + fuzz::printable(bytes, 600));
  const auto& msg = back.get();
  FUZZ_CHECK(msg.result_int() == static_cast<unsigned>(r.status), "status changed on the wire");
  std::size_t fields = 0;
  for (const auto& f : msg) {
    (void)f;
    ++fields;
  }
  // Ours, except those the head writer replaces (framing and Server), plus Server and
  // Content-Length.
  auto replaced = [](std::string_view name) {
    return boost::beast::iequals(name, "Server") || boost::beast::iequals(name, "Content-Length") ||
           boost::beast::iequals(name, "Transfer-Encoding") ||
           boost::beast::iequals(name, "Connection");
  };
  std::size_t ours = 2;
  for (const auto& h : r.headers)
    ours += replaced(h.name) ? 0 : 1;
  FUZZ_CHECK(fields == ours,
             "headers changed on the wire (response splitting?):\n" + fuzz::printable(bytes, 600));
  for (const auto& h : r.headers) {
    if (replaced(h.name)) continue;
    bool found = false;
    for (auto [it, end] = msg.equal_range(h.name); it != end; ++it)
      found = found || it->value() == h.value;
    FUZZ_CHECK(found, "header " + fuzz::printable(h.name) + " did not survive the wire");
  }
}

void drain(protocol::Response& r) {
  if (!r.stream) return;
  std::string piece;
  for (int i = 0; i < 4096; ++i) {
    piece.clear();
    if (!r.stream->next(piece, 64 * 1024)) return;
  }
  FUZZ_CHECK(false, "a streamed body did not end after 4096 pieces of 64 KiB");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  mockserver::MockServer server(config(data[0]));
  const mockserver::HttpServerOptions limits;
  auto rest = fuzz::as_text(data + 1, size - 1);
  Instant now = kVirtualEpoch;
  for (int n = 0; n < 64 && !rest.empty(); ++n) {
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (!ec && !parser.is_done() && used < rest.size())
      used += parser.put(boost::asio::buffer(rest.data() + used, rest.size() - used), ec);
    if (ec == http::error::need_more) ec = {};
    // A malformed or incomplete request: the session answers 400/413/431 and closes.
    if (ec || !parser.is_done()) return 0;
    rest.remove_prefix(used);
    auto response = server.handle(mockserver::to_protocol_request(parser.release(), "fuzz"), now);
    check_head(response);
    drain(response);
    now += seconds(7);
  }
  return 0;
}
