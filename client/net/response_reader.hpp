// client/net/response_reader: an HTTP/1.1 response parsed from bytes handed to it, with the same
// Beast parser and the same callbacks (and error texts) as the socket transport.
//
// Contract: feed() takes whatever bytes arrived, in any split; the reader reports on_head once
// the header is complete, on_body for each piece of body (at most 64 KiB, like the socket
// transport's reads), and on_end when the message is complete; end_of_stream(), reset() and
// timeout() say how the connection ended when it ends first. Exactly one of on_end and on_error
// is reported, unless on_body refused the rest (then nothing more). Errors read
// "<METHOD> <url>: read response header|body: <why>", as HttpExchange words them. No sockets:
// the simulator uses it to deliver a faulted response's exact bytes (mockserver/wire_script)
// to the client the way a real connection would. Beast stays inside the .cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "client/transport.hpp"

namespace bh::client::net {

class ResponseReader {
 public:
  ResponseReader(std::string method, std::string url, ResponseCallbacks callbacks,
                 std::uint32_t header_limit = 64 * 1024);
  ~ResponseReader();
  ResponseReader(const ResponseReader&) = delete;
  ResponseReader& operator=(const ResponseReader&) = delete;

  void feed(std::string_view bytes);
  void end_of_stream();  // the server closed (FIN)
  void reset();          // the server reset the connection (RST)
  void timeout();        // no byte for the transport's I/O timeout
  // True once on_end or on_error was reported, or on_body refused the body.
  bool finished() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bh::client::net
