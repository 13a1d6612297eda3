#include "client/net/export_driver.hpp"

#include <algorithm>
#include <csignal>

#include <boost/asio/post.hpp>

namespace bh::client::net {

namespace {

// A timer never sleeps longer than this; the client is simply asked again (it keeps its own
// absolute deadlines), which also keeps Instant::max() away from chrono overflow.
constexpr Duration kMaxSleep = seconds(3600);

}  // namespace

ExportDriver::ExportDriver(boost::asio::io_context& ioc, ExportClient& client,
                           HttpTransport& transport, const RealClock& clock)
    : ioc_(ioc),
      client_(client),
      transport_(transport),
      clock_(clock),
      timer_(ioc),
      signals_(ioc, SIGINT, SIGTERM) {}

Outcome ExportDriver::run() {
  wait_for_signal();
  boost::asio::post(ioc_, [this] { pump(); });
  ioc_.run();
  if (!outcome_) {  // the loop ended without Done: cannot happen unless the context was stopped
    client_.cancel(clock_.now());
    auto a = client_.next_action(clock_.now());
    outcome_ = std::holds_alternative<Done>(a) ? std::get<Done>(a).outcome : Outcome{};
  }
  return *outcome_;
}

void ExportDriver::pump() {
  // Response callbacks may arrive while we are issuing requests; never re-enter next_action.
  if (pumping_) {
    again_ = true;
    return;
  }
  pumping_ = true;
  do {
    again_ = false;
    pump_once();
  } while (again_ && !outcome_);
  pumping_ = false;
}

void ExportDriver::pump_once() {
  while (!outcome_) {
    Action action = client_.next_action(clock_.now());
    if (auto* send = std::get_if<Send>(&action)) {
      start(std::move(*send));
      continue;
    }
    if (auto* wait = std::get_if<WaitUntil>(&action)) {
      arm_timer(wait->t);
      return;
    }
    outcome_ = std::get<Done>(action).outcome;
    boost::system::error_code ignored;
    timer_.cancel();
    signals_.cancel(ignored);
    transport_.shutdown();
    ioc_.stop();
  }
}

void ExportDriver::start(Send send) {
  const RequestId id = send.id;
  ResponseCallbacks cb;
  cb.on_head = [this, id](int status, const protocol::Headers& headers) {
    client_.on_response_head(id, status, headers, clock_.now());
    pump();
  };
  cb.on_body = [this, id](std::string_view chunk) {
    const bool more = client_.on_body(id, chunk);
    if (!more) pump();
    return more;
  };
  cb.on_end = [this, id] {
    client_.on_response_end(id, clock_.now());
    pump();
  };
  cb.on_error = [this, id](std::string message) {
    client_.on_transport_error(id, std::move(message), clock_.now());
    pump();
  };
  transport_.start(send.url, std::move(send.req), std::move(cb));
}

void ExportDriver::arm_timer(Instant t) {
  const Instant now = clock_.now();
  Duration scenario_wait = t > now ? std::min<Duration>(t - now, kMaxSleep) : Duration{0};
  const auto real_wait = Duration{
      static_cast<std::int64_t>(static_cast<double>(scenario_wait.count()) / clock_.factor())};
  timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(real_wait));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec != boost::asio::error::operation_aborted) pump();
  });
}

void ExportDriver::wait_for_signal() {
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    client_.cancel(clock_.now());
    wait_for_signal();  // a second signal stops waiting for the DELETE
    pump();
  });
}

}  // namespace bh::client::net
