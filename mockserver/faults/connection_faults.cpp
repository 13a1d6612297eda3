// Connection faults: the transport misbehaves. Each puts a WirePlan on the response that the
// Beast session (and later the simulator) carries out; see protocol/wire.hpp.
#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"

namespace bh::mockserver {

namespace {

using Action = protocol::WirePlan::Action;

FaultKind connection_kind(
    std::string id, std::string summary, std::vector<ParamSpec> params,
    std::function<void(const ParamValues&, FaultContext&, protocol::WirePlan&)> fill) {
  return {std::move(id),
          "connection",
          std::move(summary),
          {"ST-12", "DL-04"},
          {"kickoff", "status", "file", "delete", "metadata", "any"},
          std::move(params),
          fn_kind([fill](const ParamValues& v) -> FaultFn {
            return [v, fill](FaultContext& ctx, const Next& next) {
              protocol::Response r = next();
              protocol::WirePlan plan = r.wire.value_or(protocol::WirePlan{});
              fill(v, ctx, plan);
              r.wire = plan;
              return r;
            };
          })};
}

}  // namespace

void add_connection_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back(connection_kind("reset-before-response",
                                  "the connection is reset (RST) instead of answered", {},
                                  [](const ParamValues&, FaultContext&, protocol::WirePlan& p) {
                                    p.action = Action::kResetBeforeResponse;
                                  }));
  kinds.push_back(connection_kind("close-without-response",
                                  "the connection is closed (FIN) without a response", {},
                                  [](const ParamValues&, FaultContext&, protocol::WirePlan& p) {
                                    p.action = Action::kCloseWithoutResponse;
                                  }));
  kinds.push_back(connection_kind(
      "garbage-then-close", "`bytes` seeded random bytes instead of a response, then close",
      {{"bytes", ParamType::kInteger, 64, "how many bytes", {}, 1, 1e6}},
      [](const ParamValues& v, FaultContext& ctx, protocol::WirePlan& p) {
        p.action = Action::kGarbageThenClose;
        p.garbage.resize(static_cast<std::size_t>(v.integer("bytes")));
        for (auto& c : p.garbage)
          c = static_cast<char>(ctx.rng.uniform(0, 255));
      }));
  kinds.push_back(connection_kind(
      "never-answer",
      "the request is read and never answered; the connection is held for `hold` (scenario "
      "time) and then closed, so only the client's own timeout helps",
      {{"hold", ParamType::kDuration, "1h", "how long the connection is held", {}, 0, 1e7}},
      [](const ParamValues& v, FaultContext& ctx, protocol::WirePlan& p) {
        p.action = Action::kNeverAnswer;
        p.hold = wire_duration(ctx, v.duration("hold"));
      }));
  kinds.push_back(connection_kind(
      "reset-mid-body", "the headers and `after_bytes` of the body (never all of it), then a reset",
      {{"after_bytes", ParamType::kInteger, 1024, "body bytes sent first", {}, 0, 1e12}},
      [](const ParamValues& v, FaultContext&, protocol::WirePlan& p) {
        p.action = Action::kResetMidBody;
        p.after_bytes = static_cast<std::uint64_t>(v.integer("after_bytes"));
      }));
  kinds.push_back(connection_kind(
      "malformed-chunked",
      "chunked encoding that breaks after `after_bytes`: a chunk size that is not hex, then "
      "close",
      {{"after_bytes", ParamType::kInteger, 0, "body bytes sent first", {}, 0, 1e12}},
      [](const ParamValues& v, FaultContext&, protocol::WirePlan& p) {
        p.action = Action::kMalformedChunk;
        p.after_bytes = static_cast<std::uint64_t>(v.integer("after_bytes"));
      }));
  kinds.push_back(connection_kind(
      "slow-close",
      "the whole response, then the connection stays open `delay` (scenario time) before it "
      "closes (a client reading to EOF waits)",
      {{"delay", ParamType::kDuration, "30s", "how long before the close", {}, 0, 1e7}},
      [](const ParamValues& v, FaultContext& ctx, protocol::WirePlan& p) {
        p.action = Action::kSlowClose;
        p.hold = wire_duration(ctx, v.duration("delay"));
      }));
}

}  // namespace bh::mockserver
