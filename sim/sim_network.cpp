#include "sim/sim_network.hpp"

#include <memory>
#include <optional>

#include "client/net/response_reader.hpp"
#include "mockserver/faults/fault_support.hpp"
#include "mockserver/wire_script.hpp"
#include "protocol/url.hpp"

namespace bh::sim {

namespace {

constexpr std::size_t kPiece = 64 * 1024;  // the socket transport's read size

// A faulted answer being played out step by step on virtual time.
struct Playback {
  const std::uint64_t* epoch = nullptr;  // the network's; the client is gone once it moved
  std::uint64_t sent_in = 0;
  mockserver::WireScript script;
  std::size_t step = 0;
  std::unique_ptr<client::net::ResponseReader> reader;
};

void play(ManualScheduler& scheduler, const Clock& clock, Duration io_timeout,
          std::shared_ptr<Playback> p) {
  using Kind = mockserver::WireStep::Kind;
  if (*p->epoch != p->sent_in) return;
  while (p->step < p->script.steps.size() && !p->reader->finished()) {
    const mockserver::WireStep& s = p->script.steps[p->step++];
    switch (s.kind) {
      case Kind::kWrite:
        p->reader->feed(std::string_view(p->script.bytes).substr(s.offset, s.length));
        break;
      case Kind::kPause:
        if (s.pause >= io_timeout) {
          scheduler.at(clock.now() + io_timeout, [p] {
            if (*p->epoch == p->sent_in) p->reader->timeout();
          });
          return;
        }
        scheduler.at(clock.now() + s.pause, [&scheduler, &clock, io_timeout, p] {
          play(scheduler, clock, io_timeout, p);
        });
        return;
      case Kind::kReset:
        return p->reader->reset();
      case Kind::kClose:
        return p->reader->end_of_stream();
    }
  }
  if (!p->reader->finished()) p->reader->end_of_stream();
}

// A pause of the read timeout or more before the script's last byte: the client times out.
bool stalls_out(const mockserver::WireScript& script, Duration io_timeout) {
  bool long_pause = false;
  for (const auto& s : script.steps) {
    if (s.kind == mockserver::WireStep::Kind::kPause && s.pause >= io_timeout) long_pause = true;
    if (s.kind == mockserver::WireStep::Kind::kWrite && long_pause) return true;
  }
  return false;
}

}  // namespace

SimNetwork::SimNetwork(ManualScheduler& scheduler, const Clock& clock, Server server,
                       NetworkOptions options)
    : scheduler_(scheduler),
      clock_(clock),
      server_(std::move(server)),
      options_(std::move(options)) {}

void SimNetwork::start(const std::string& url, protocol::Request request,
                       client::ResponseCallbacks callbacks) {
  auto parsed = protocol::parse_url(url);
  if (!parsed || parsed->scheme != "http") {
    std::string why = parsed ? request.method + " " + url + ": https is not supported yet"
                             : parsed.error().message();
    scheduler_.at(clock_.now(), [cb = std::move(callbacks.on_error), why] { cb(why); });
    return;
  }
  // What the Beast transport adds before the request leaves (http_transport.cpp).
  request.headers.set("Host", parsed->authority());
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT")
    request.headers.set("Content-Length", std::to_string(request.body.size()));
  request.client_id = options_.client_address;
  scheduler_.at(clock_.now() + options_.latency,
                [this, url, request = std::move(request), cb = std::move(callbacks),
                 e = epoch_]() mutable { arrive(url, request, std::move(cb), e); });
}

void SimNetwork::arrive(const std::string& url, const protocol::Request& request,
                        client::ResponseCallbacks callbacks, std::uint64_t epoch) {
  ++exchanges_;
  protocol::Response response = server_(request, clock_.now());
  if (response.wire) {
    // The script is made here, once, before the observer: it says whether the body will arrive.
    const bool chunked = response.stream != nullptr;
    std::optional<mockserver::WireScript> script;
    if (mockserver::drain_body(response)) script = mockserver::make_wire_script(response, chunked);
    if (observer_)
      observer_(ServerExchange{request, response, clock_.now(),
                               script && stalls_out(*script, options_.io_timeout)});
    if (epoch != epoch_) return;
    return deliver_scripted(request, url, std::move(script), std::move(callbacks));
  }
  if (observer_) observer_(ServerExchange{request, response, clock_.now()});
  if (epoch != epoch_) return;
  scheduler_.at(clock_.now() + options_.latency,
                [this, r = std::move(response), cb = std::move(callbacks), epoch]() mutable {
                  if (epoch == epoch_) deliver_plain(std::move(r), std::move(cb));
                });
}

void SimNetwork::deliver_plain(protocol::Response response, client::ResponseCallbacks cb) {
  // The head as mockserver/net/session.cpp writes it.
  protocol::Headers headers;
  for (const auto& h : response.headers)
    if (!protocol::iequals(h.name, "Content-Length") &&
        !protocol::iequals(h.name, "Transfer-Encoding"))
      headers.add(h.name, h.value);
  headers.set("Server", "bulkharness");
  if (response.stream)
    headers.set("Transfer-Encoding", "chunked");
  else
    headers.set("Content-Length", std::to_string(response.body.size()));
  cb.on_head(response.status, headers);
  auto give = [&](std::string_view piece) {
    body_bytes_ += piece.size();
    return cb.on_body(piece);
  };
  if (response.stream) {
    std::string piece;
    bool more = true;
    // Bounded like the session: a stream that makes no progress is not pulled forever.
    for (int idle = 0; more && idle < 1000000;) {
      piece.clear();
      more = response.stream->next(piece, kPiece);
      if (piece.empty()) {
        ++idle;
        continue;
      }
      idle = 0;
      if (!give(piece)) return;
    }
  } else {
    for (std::size_t at = 0; at < response.body.size(); at += kPiece)
      if (!give(std::string_view(response.body).substr(at, kPiece))) return;
  }
  cb.on_end();
}

void SimNetwork::deliver_scripted(const protocol::Request& request, const std::string& url,
                                  std::optional<mockserver::WireScript> script,
                                  client::ResponseCallbacks cb) {
  if (!script) {
    // As the session does: a fault cannot make the server hold an unbounded body.
    protocol::Response error;
    error.status = 500;
    error.headers.set("Content-Type", "text/plain; charset=utf-8");
    error.body = "bulkharness: the response body is too large for a fault to rewrite\n";
    return deliver_plain(std::move(error), std::move(cb));
  }
  auto p = std::make_shared<Playback>();
  p->epoch = &epoch_;
  p->sent_in = epoch_;
  p->script = std::move(*script);
  for (const auto& s : p->script.steps)
    if (s.kind == mockserver::WireStep::Kind::kWrite) body_bytes_ += s.length;
  p->reader = std::make_unique<client::net::ResponseReader>(request.method, url, std::move(cb));
  scheduler_.at(clock_.now() + options_.latency,
                [this, p] { play(scheduler_, clock_, options_.io_timeout, p); });
}

}  // namespace bh::sim
