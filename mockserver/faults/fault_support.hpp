// mockserver/faults/fault_support: what fault families share, so each family file holds only
// its own behaviour.
//
// Contract: FnFault turns a stateless function into a Fault (most kinds are one); the wire
// helpers convert scenario time into what the client is told (--time-scale); drain_body
// materialises a streamed body up to a bound so a fault can rewrite it (error when larger: a
// fault never silently truncates); with_json_body edits a JSON body, declining when the body is
// not JSON; declined() is the answer of a fault whose precondition does not hold.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "mockserver/faults/fault.hpp"
#include "mockserver/faults/fault_kind.hpp"
#include "protocol/http_date.hpp"

namespace bh::mockserver {

using FaultFn = std::function<protocol::Response(FaultContext&, const Next&)>;

class FnFault final : public Fault {
 public:
  explicit FnFault(FaultFn fn) : fn_(std::move(fn)) {}
  protocol::Response apply(FaultContext& ctx, const Next& next) override { return fn_(ctx, next); }

 private:
  FaultFn fn_;
};

// A factory for kinds whose fault is a function of its parameters.
inline auto fn_kind(std::function<FaultFn(const ParamValues&)> build) {
  return [build = std::move(build)](const ParamValues& v) -> std::unique_ptr<Fault> {
    return std::make_unique<FnFault>(build(v));
  };
}

inline protocol::Response declined(FaultContext& ctx, const Next& next) {
  ctx.declined = true;
  return next();
}

// The common shape of a fault that changes an answer: call next(); when the answer has
// `status`, edit() may change it and returns false to decline (its precondition failed);
// an answer with another status is passed on and the fault declines.
FaultFn edit_answer(int status, std::function<bool(FaultContext&, protocol::Response&)> edit);

// Delay-seconds as the client should read them (rounded up, whole seconds).
std::string wire_seconds(const FaultContext& ctx, Duration scenario_delay);
// The HTTP-date of a scenario instant as the client's clock shows it (rounded up to a second).
std::string wire_date(const FaultContext& ctx, Instant scenario_time,
                      protocol::HttpDateForm form = protocol::HttpDateForm::kImfFixdate);
Duration wire_duration(const FaultContext& ctx, Duration scenario_delay);

inline constexpr std::size_t kMaxRewrittenBody = 256u << 20;
// Pulls a streamed body into response.body (bounded by `limit`).
Status drain_body(protocol::Response& response, std::size_t limit = kMaxRewrittenBody);

// Calls edit(json) on the response body when it is a JSON object and re-serialises it;
// otherwise the fault declines. Used by the manifest faults.
protocol::Response with_json_body(FaultContext& ctx, const Next& next,
                                  const std::function<void(nlohmann::ordered_json&)>& edit);

// The FHIR base path ("/fhir") of the running service, for faults that build URLs.
std::string base_path(const FaultContext& ctx);
// The origin ("http://127.0.0.1:8080") of the running service.
std::string origin(const FaultContext& ctx);

}  // namespace bh::mockserver
