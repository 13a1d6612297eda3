#include "mockserver/faults/retry_after_forms.hpp"

#include <cstdio>

#include "mockserver/faults/fault_support.hpp"

namespace bh::mockserver {

const std::vector<std::string>& retry_after_forms() {
  static const std::vector<std::string> forms = {
      "seconds",    "http-date", "rfc850", "asctime", "zero",       "past-date", "negative",
      "fractional", "huge",      "epoch",  "garbage", "duplicated", "missing"};
  return forms;
}

void set_retry_after(const FaultContext& ctx, protocol::Headers& headers, const std::string& form,
                     Duration delay) {
  using protocol::HttpDateForm;
  const std::string secs = wire_seconds(ctx, delay);
  std::string value;
  if (form == "seconds") {
    value = secs;
  } else if (form == "http-date") {
    value = wire_date(ctx, ctx.now + delay);
  } else if (form == "rfc850") {
    value = wire_date(ctx, ctx.now + delay, HttpDateForm::kRfc850);
  } else if (form == "asctime") {
    value = wire_date(ctx, ctx.now + delay, HttpDateForm::kAsctime);
  } else if (form == "zero") {
    value = "0";
  } else if (form == "past-date") {
    value = wire_date(ctx, ctx.now - std::chrono::hours(1));
  } else if (form == "negative") {
    value = "-" + secs;
  } else if (form == "fractional") {
    value = secs + ".5";
  } else if (form == "huge") {
    value = "99999999999";
  } else if (form == "epoch") {
    const Instant at = ctx.service.wire.to_wire(ctx.now + delay);
    value = std::to_string(std::chrono::ceil<std::chrono::seconds>(at).time_since_epoch().count());
  } else if (form == "garbage") {
    value = "soon";
  } else if (form == "duplicated") {
    headers.erase("Retry-After");
    headers.add("Retry-After", secs);
    headers.add("Retry-After", wire_seconds(ctx, delay * 2));
    return;
  } else if (form == "missing") {
    headers.erase("Retry-After");
    return;
  } else {
    BH_ASSERT(false, "unknown Retry-After form (the fault's parameter check let it through)");
  }
  headers.set("Retry-After", value);
}

}  // namespace bh::mockserver
