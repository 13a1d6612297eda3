// How a file arrives: trickled, stalled, with a misstated Content-Length, refused as expired, or
// redirected to another host. Rates and pauses are scenario time, converted to wire time.
#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"
#include "protocol/responses.hpp"

namespace bh::mockserver {

namespace {

// Puts a delivery plan on a successful answer; declines on anything else.
FaultFn shape(std::function<void(FaultContext&, protocol::WirePlan&)> fill) {
  return edit_answer(200, [fill](FaultContext& ctx, protocol::Response& r) {
    protocol::WirePlan plan = r.wire.value_or(protocol::WirePlan{});
    fill(ctx, plan);
    r.wire = plan;
    return true;
  });
}

}  // namespace

void add_delivery_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back({"trickle",
                   "delivery",
                   "the body is sent at `rate` bytes per scenario second (a slow file server)",
                   {"DL-01", "DL-11"},
                   {"file", "status", "any"},
                   {{"rate", ParamType::kInteger, 65536, "bytes per scenario second", {}, 1, 1e12}},
                   fn_kind([](const ParamValues& v) {
                     return shape([rate = static_cast<double>(v.integer("rate"))](
                                      FaultContext& ctx, protocol::WirePlan& p) {
                       p.bytes_per_second = rate * ctx.service.wire.factor;
                     });
                   })});
  kinds.push_back(
      {"stall",
       "delivery",
       "the body stops after `after_bytes` for `duration` (scenario time), then goes on",
       {"DL-01"},
       {"file", "status", "any"},
       {{"after_bytes", ParamType::kInteger, 1024, "body bytes sent before the pause", {}, 0, 1e12},
        {"duration", ParamType::kDuration, "30s", "the pause, scenario time", {}, 0, 1e7}},
       fn_kind([](const ParamValues& v) {
         return shape([v](FaultContext& ctx, protocol::WirePlan& p) {
           p.stall_after_bytes = static_cast<std::uint64_t>(v.integer("after_bytes"));
           p.stall = wire_duration(ctx, v.duration("duration"));
         });
       })});
  kinds.push_back(
      {"content-length",
       "delivery",
       "Content-Length states the body `delta` bytes short (negative) or long (positive); the "
       "body is sent whole and the connection closed",
       {"DL-03", "DL-13"},
       {"file", "status", "any"},
       {{"delta", ParamType::kInteger, -100, "stated minus actual size", {}, -1e9, 1e9}},
       fn_kind([](const ParamValues& v) {
         return shape([delta = v.integer("delta")](FaultContext&, protocol::WirePlan& p) {
           p.content_length_delta = delta == 0 ? -1 : delta;
         });
       })});
  kinds.push_back(
      {"file-gone",
       "delivery",
       "the file is refused as expired or removed: 410, 404 or 403 with an OperationOutcome "
       "(open point A.2: all three are seen after Expires)",
       {"ST-10", "DL-10", "DL-04"},
       {"file"},
       {{"status", ParamType::kInteger, 410, "410, 404 or 403", {}, 403, 410}},
       fn_kind([](const ParamValues& v) -> FaultFn {
         return [status = static_cast<int>(v.integer("status"))](FaultContext&, const Next&) {
           return protocol::outcome_response(status, "error",
                                             status == 403 ? "forbidden" : "not-found",
                                             "the file has expired and is no longer available");
         };
       })});
  kinds.push_back(
      {"redirect",
       "delivery",
       "answers 302/307 with a Location on another loopback host (default 127.0.0.2, which the "
       "mock also listens on), the way object storage is fronted; the redirected request is "
       "served normally",
       {"DL-15", "DL-05"},
       {"file", "any"},
       {{"status", ParamType::kInteger, 307, "301, 302, 303, 307 or 308", {}, 301, 308},
        {"host", ParamType::kString, "127.0.0.2", "the host the Location names"}},
       fn_kind([](const ParamValues& v) -> FaultFn {
         return [status = static_cast<int>(v.integer("status")), host = v.text("host")](
                    FaultContext& ctx, const Next& next) {
           const auto asked = ctx.request.headers.get("Host");
           if (asked && asked->starts_with(host)) return declined(ctx, next);
           const std::string o = origin(ctx);
           const auto colon = o.rfind(':');
           const std::string port = colon > 6 ? o.substr(colon) : "";
           protocol::Response r;
           r.status = status;
           r.headers.set("Location", "http://" + host + port + ctx.request.target);
           return r;
         };
       })});
}

}  // namespace bh::mockserver
