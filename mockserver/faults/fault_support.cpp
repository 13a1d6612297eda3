#include "mockserver/faults/fault_support.hpp"

#include "protocol/retry_after.hpp"
#include "protocol/url.hpp"

namespace bh::mockserver {

FaultFn edit_answer(int status, std::function<bool(FaultContext&, protocol::Response&)> edit) {
  return [status, edit = std::move(edit)](FaultContext& ctx, const Next& next) {
    protocol::Response r = next();
    if (r.status != status || !edit(ctx, r)) ctx.declined = true;
    return r;
  };
}

std::string wire_seconds(const FaultContext& ctx, Duration scenario_delay) {
  return protocol::format_retry_after_seconds(ctx.service.wire.to_wire(scenario_delay));
}

std::string wire_date(const FaultContext& ctx, Instant scenario_time, protocol::HttpDateForm form) {
  const Instant wire = ctx.service.wire.to_wire(scenario_time);
  const auto up = std::chrono::ceil<std::chrono::seconds>(wire);
  return protocol::format_http_date(std::chrono::time_point_cast<Duration>(up), form);
}

Duration wire_duration(const FaultContext& ctx, Duration scenario_delay) {
  return ctx.service.wire.to_wire(scenario_delay);
}

Status drain_body(protocol::Response& response, std::size_t limit) {
  if (!response.stream) return Ok{};
  std::string body = std::move(response.body);
  bool more = true;
  for (std::size_t guard = 0; more; ++guard) {
    // A stream that makes no progress is a programmer error upstream; bound it anyway.
    if (guard > (limit / 1024) + 1000000)
      return make_error("response body", "stream made no progress");
    more = response.stream->next(body, 64 * 1024);
    if (body.size() > limit)
      return make_error("response body", "too large for a fault to rewrite",
                        "at most " + std::to_string(limit) + " bytes",
                        std::to_string(body.size()) + " bytes so far");
  }
  response.stream.reset();
  response.body = std::move(body);
  return Ok{};
}

protocol::Response with_json_body(FaultContext& ctx, const Next& next,
                                  const std::function<void(nlohmann::ordered_json&)>& edit) {
  protocol::Response r = next();
  if (r.status != 200 || !drain_body(r)) {
    ctx.declined = true;
    return r;
  }
  auto j = nlohmann::ordered_json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    ctx.declined = true;
    return r;
  }
  edit(j);
  r.body = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return r;
}

std::string base_path(const FaultContext& ctx) {
  auto url = protocol::parse_url(ctx.service.base_url);
  if (!url || url->target == "/") return "";
  return url->target;
}

std::string origin(const FaultContext& ctx) {
  auto url = protocol::parse_url(ctx.service.base_url);
  if (!url) return "";
  return url->scheme + "://" + url->authority();
}

}  // namespace bh::mockserver
