// Throttling: 429 (or another status) with Retry-After in every form seen in the wild, on any
// endpoint; a quota per time window; a refused concurrent export.
#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"
#include "mockserver/faults/retry_after_forms.hpp"
#include "protocol/responses.hpp"

namespace bh::mockserver {

namespace {

ParamSpec retry_after_param() {
  return {"retry_after",
          ParamType::kDuration,
          "120s",
          "the wait the server asks for, in scenario time (scaled by --time-scale)",
          {},
          0,
          1e9};
}
ParamSpec form_param() {
  return {"form", ParamType::kChoice, "seconds", "how Retry-After is written", retry_after_forms()};
}

protocol::Response throttled(const FaultContext& ctx, int status, const std::string& form,
                             Duration delay, bool outcome_body, const std::string& why) {
  protocol::Response r = outcome_body
                             ? protocol::outcome_response(status, "error", "throttled", why)
                             : protocol::Response{};
  r.status = status;
  set_retry_after(ctx, r.headers, form, delay);
  return r;
}

// A quota of `limit` requests per fixed window of scenario time; the excess gets 429 with the
// time left in the window. Windows start at the first request the rule sees.
class QuotaFault final : public Fault {
 public:
  QuotaFault(std::int64_t limit, Duration window) : limit_(limit), window_(window) {}
  protocol::Response apply(FaultContext& ctx, const Next& next) override {
    if (!start_ || ctx.now - *start_ >= window_) {
      const auto windows = start_ ? (ctx.now - *start_) / window_ : 0;
      start_ = start_ ? *start_ + window_ * windows : ctx.now;
      used_ = 0;
    }
    if (++used_ <= limit_) return declined(ctx, next);
    const Duration left = *start_ + window_ - ctx.now;
    return throttled(ctx, 429, "seconds", left, true,
                     "quota of " + std::to_string(limit_) + " requests per " +
                         format_duration_text(window_) + " exceeded (ST-05)");
  }

 private:
  std::int64_t limit_;
  Duration window_;
  std::optional<Instant> start_;
  std::int64_t used_ = 0;
};

}  // namespace

void add_throttle_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back(
      {"throttle",
       "throttling",
       "answers 429 (or `status`) with Retry-After in the chosen form instead of the real answer",
       {"ST-03", "ST-04", "ST-05", "ERR-04", "KO-13"},
       {"kickoff", "status", "file", "delete", "any"},
       {{"status",
         ParamType::kInteger,
         429,
         "HTTP status (429, or 503 with Retry-After)",
         {},
         400,
         599},
        retry_after_param(),
        form_param(),
        {"body",
         ParamType::kChoice,
         "outcome",
         "an OperationOutcome (code throttled) or none",
         {"outcome", "none"}}},
       fn_kind([](const ParamValues& v) -> FaultFn {
         return [v](FaultContext& ctx, const Next&) {
           return throttled(ctx, static_cast<int>(v.integer("status")), v.text("form"),
                            v.duration("retry_after"), v.text("body") == "outcome",
                            "too many requests; retry after the time in Retry-After (ST-05)");
         };
       })});
  kinds.push_back(
      {"throttle-quota",
       "throttling",
       "allows `limit` matching requests per `window` of scenario time; the rest get 429 with "
       "the time left in the window as Retry-After",
       {"ST-05", "ERR-04"},
       {"kickoff", "status", "file", "delete", "any"},
       {{"limit", ParamType::kInteger, 1, "requests allowed per window", {}, 0, 1e9},
        {"window", ParamType::kDuration, "60s", "window length, scenario time", {}, 0.001, 1e9}},
       [](const ParamValues& v) -> std::unique_ptr<Fault> {
         return std::make_unique<QuotaFault>(v.integer("limit"), v.duration("window"));
       }});
  kinds.push_back(
      {"concurrent-export",
       "throttling",
       "refuses a kick-off with 429 + Retry-After and an OperationOutcome saying another export "
       "from this client is still running",
       {"KO-13", "ERR-04"},
       {"kickoff"},
       {retry_after_param(), form_param()},
       fn_kind([](const ParamValues& v) -> FaultFn {
         return [v](FaultContext& ctx, const Next&) {
           return throttled(ctx, 429, v.text("form"), v.duration("retry_after"), true,
                            "another export from this client is still running; retry later "
                            "(KO-13)");
         };
       })});
}

}  // namespace bh::mockserver
