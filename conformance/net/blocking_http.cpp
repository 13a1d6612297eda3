#include "conformance/net/blocking_http.hpp"

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/net/http_transport.hpp"
#include "client/wait_policy.hpp"
#include "protocol/url.hpp"

namespace bh::conformance::net {

namespace {

// What one exchange's callbacks write into; shared so an abandoned exchange stays valid.
struct Pending {
  bool done = false;
  bool abandoned = false;
  Incoming result;
  const ResponseSink* sink = nullptr;
};

}  // namespace

struct BlockingHttp::Impl {
  Impl(Duration io_timeout, client::net::TlsClientOptions tls)
      : transport(ioc, client::net::TransportOptions{.connect_timeout = io_timeout,
                                                     .io_timeout = io_timeout,
                                                     .max_idle_per_origin = 8,
                                                     .header_limit = 64 * 1024,
                                                     .tls = std::move(tls)}) {}
  boost::asio::io_context ioc;
  client::net::HttpTransport transport;

  // Runs the io_context until `ready` or the steady deadline; true when ready.
  template <class Pred>
  bool run_until(std::chrono::steady_clock::time_point deadline, Pred ready) {
    while (!ready()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      ioc.restart();
      ioc.run_one_for(deadline - now);
    }
    return true;
  }
};

BlockingHttp::BlockingHttp(Duration io_timeout, client::net::TlsClientOptions tls)
    : impl_(std::make_unique<Impl>(io_timeout, std::move(tls))) {}
BlockingHttp::~BlockingHttp() = default;

Incoming BlockingHttp::send(const Outgoing& request, Duration timeout, const ResponseSink& sink) {
  const auto start = std::chrono::steady_clock::now();
  auto pending = std::make_shared<Pending>();
  pending->sink = &sink;
  protocol::Request req;
  req.method = request.method;
  auto url = protocol::parse_url(request.url);
  req.target = url ? url->target : "/";
  req.headers = request.headers;
  req.body = request.body;
  client::ResponseCallbacks cb;
  cb.on_head = [pending](int status, const protocol::Headers& headers) {
    pending->result.status = status;
    pending->result.headers = headers;
    if (!pending->abandoned && pending->sink != nullptr && pending->sink->on_head)
      pending->sink->on_head(status, headers);
  };
  cb.on_body = [pending](std::string_view chunk) {
    if (pending->abandoned || pending->sink == nullptr) return false;
    const bool more = !pending->sink->on_body || pending->sink->on_body(chunk);
    if (!more) pending->done = true;  // the caller settled the request
    return more;
  };
  cb.on_end = [pending] { pending->done = true; };
  cb.on_tls = [pending](const std::string& version) { pending->result.tls_version = version; };
  cb.on_error = [pending](std::string message) {
    if (!pending->done) pending->result.error = std::move(message);
    pending->done = true;
  };
  impl_->transport.start(request.url, std::move(req), std::move(cb));
  const bool finished = impl_->run_until(start + timeout, [&] { return pending->done; });
  pending->sink = nullptr;  // the caller's sink does not outlive this call
  if (!finished) {
    pending->abandoned = true;
    pending->result.error = request.method + " " + request.url + ": no complete response within " +
                            client::format_seconds(timeout);
  }
  pending->result.elapsed =
      std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start);
  return pending->result;
}

Instant BlockingHttp::now() {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

void BlockingHttp::sleep(Duration d) {
  if (d <= Duration::zero()) return;
  boost::asio::steady_timer timer(impl_->ioc, d);
  bool fired = false;
  timer.async_wait([&](boost::system::error_code) { fired = true; });
  impl_->run_until(std::chrono::steady_clock::now() + d + std::chrono::seconds(1),
                   [&] { return fired; });
  timer.cancel();
  impl_->run_until(std::chrono::steady_clock::now() + std::chrono::seconds(1),
                   [&] { return fired; });
}

}  // namespace bh::conformance::net
