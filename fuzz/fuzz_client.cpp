// fuzz_client: the client state machine fed arbitrary, mostly plausible server answers.
//
// The input is a script: for each request the client sends, bytes choose the answer (status,
// headers, body shape, chunking, latency) from what a Bulk Data server might say at that
// endpoint, plus raw input bytes where a body may be anything. Virtual time; no sockets.
// Invariants (the client's own contract, client/client_options.hpp and client/outcome.hpp):
//   * it ends: Done within a bounded number of steps and before its deadline plus the DELETE
//     grace, and never asks to wait for a time already past while nothing is in flight (a spin);
//   * no request storm: it never sends more than max_requests, and after a 202, 429, 5xx or a
//     network error on one request chain (method + URL) it waits at least min_wait, and at least
//     a valid Retry-After (up to max_retry_after), before asking that URL again;
//   * bounded retries: failures answered stay within max_total_retries plus the chain limit;
//   * no success without every file: kSuccess only when each URL of the last usable manifest
//     it was sent was requested and answered 200 with a whole body, and each file report it
//     calls ok matches what it wrote;
//   * Done is final, and counts.requests equals what it sent.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "client/export_client.hpp"
#include "fuzz/fuzz_support.hpp"
#include "protocol/manifest.hpp"
#include "protocol/retry_after.hpp"
#include "sim/counting_sink.hpp"

using namespace bh;
using namespace bh::client;

namespace {

constexpr const char* kOrigin = "http://127.0.0.1:8080";
constexpr const char* kStatusUrl = "http://127.0.0.1:8080/fhir/status/1";

struct Answer {
  bool network_error = false;
  int status = 200;
  protocol::Headers headers;
  std::string body;
};

ClientOptions options(fuzz::ByteReader& in) {
  ClientOptions o;
  o.base_url = std::string(kOrigin) + "/fhir";
  o.max_requests = 120;
  o.max_total_retries = 30;
  o.max_consecutive_failures = 5;
  o.max_parallel_downloads = 1 + in.byte() % 4;
  o.max_retry_after = seconds(600);
  o.deadline = kVirtualEpoch + std::chrono::hours(2);
  o.use_post = in.flag();
  return o;
}

std::string retry_after(fuzz::ByteReader& in) {
  constexpr const char* kForms[] = {"0",
                                    "1",
                                    "5",
                                    "120",
                                    "-1",
                                    "1.5",
                                    "soon",
                                    "999999999",
                                    "Thu, 01 Jan 2026 00:00:30 GMT",
                                    "Wed, 31 Dec 2025 23:59:00 GMT",
                                    "Thursday, 01-Jan-26 00:01:00 GMT",
                                    "Thu Jan  1 00:02:00 2026",
                                    ""};
  return kForms[in.byte() % std::size(kForms)];
}

std::string ndjson(fuzz::ByteReader& in, const std::string& type, std::size_t lines) {
  std::string out;
  for (std::size_t i = 0; i < lines; ++i) {
    switch (in.byte() % 8) {
      case 0:
        out += "{\"resourceType\":\"Observation\",\"id\":\"x\"}\n";
        break;  // wrong type
      case 1:
        out += "{\"resourceType\":\"" + type + "\"\n";
        break;  // broken JSON
      case 2:
        out += "\r\n";
        break;
      default:
        out += "{\"resourceType\":\"" + type + "\",\"id\":\"" + std::to_string(i) + "\"}\n";
    }
  }
  return out;
}

// A manifest like a server's, with the input choosing files, counts and a few grammar breaks.
std::string manifest(fuzz::ByteReader& in) {
  nlohmann::ordered_json m;
  m["transactionTime"] = in.byte() % 8 == 0 ? "yesterday" : "2026-01-01T00:00:00Z";
  m["request"] = std::string(kOrigin) + "/fhir/$export";
  m["requiresAccessToken"] = false;
  m["output"] = nlohmann::ordered_json::array();
  const std::size_t files = in.byte() % 4;
  for (std::size_t i = 0; i < files; ++i) {
    nlohmann::ordered_json f;
    f["type"] = in.flag() ? "Patient" : "Condition";
    const auto shape = in.byte() % 8;
    f["url"] = shape == 0 ? "files/" + std::to_string(i) + ".ndjson"
                          : std::string(kOrigin) + "/files/" + std::to_string(shape == 1 ? 0 : i) +
                                ".ndjson";
    if (in.flag()) f["count"] = in.byte() % 4;
    m["output"].push_back(f);
  }
  m["error"] = nlohmann::ordered_json::array();
  if (in.byte() % 4 == 0)
    m["error"].push_back(
        {{"type", "OperationOutcome"}, {"url", std::string(kOrigin) + "/files/err.ndjson"}});
  return m.dump();
}

std::string outcome_body() {
  return R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception"}]})";
}

// What the input makes the server answer to one request.
Answer answer(fuzz::ByteReader& in, const Send& s) {
  Answer a;
  const auto pick = in.byte();
  if (pick % 16 == 0) return a.network_error = true, a;
  if (pick % 16 == 1) {  // anything at all
    a.status = 100 + static_cast<int>(in.below(500));
    if (in.flag()) a.headers.add("Retry-After", retry_after(in));
    a.body = std::string(in.take(in.byte()));
    return a;
  }
  const bool is_delete = s.req.method == "DELETE";
  const bool is_status = s.url.starts_with(kStatusUrl);
  const bool is_file = s.url.find("/files/") != std::string::npos;
  const auto kind = pick / 16;  // 0..15
  if (kind < 3) {
    a.status = kind == 0 ? 429 : kind == 1 ? 503 : 500;
    if (kind != 2 || in.flag()) a.headers.add("Retry-After", retry_after(in));
    a.headers.add("Content-Type", "application/fhir+json");
    a.body = outcome_body();
  } else if (kind == 3) {
    constexpr int kGone[] = {400, 401, 403, 404, 410};
    a.status = kGone[in.byte() % 5];
    a.headers.add("Content-Type", "application/fhir+json");
    a.body = outcome_body();
  } else if (is_delete) {
    a.status = kind % 2 ? 202 : 200;
  } else if (is_file) {
    if (kind == 4) {
      a.status = 302;
      // Each file moves somewhere of its own: two files redirected to one URL would be two
      // chains the storm check could not tell apart.
      const auto name = s.url.substr(s.url.rfind('/') + 1);
      a.headers.add("Location", in.flag() ? s.url : std::string(kOrigin) + "/files/moved-" + name);
    } else {
      a.status = 200;
      a.headers.add("Content-Type", kind == 5 ? "application/json" : "application/fhir+ndjson");
      const std::string type = s.url.find("err") != std::string::npos ? "OperationOutcome"
                               : in.flag()                            ? "Patient"
                                                                      : "Condition";
      a.body = ndjson(in, type, in.byte() % 4);
    }
  } else if (is_status) {
    if (kind < 9) {
      a.status = 202;
      if (in.flag()) a.headers.add("X-Progress", "50%");
      if (in.flag()) a.headers.add("Retry-After", retry_after(in));
    } else {
      a.status = 200;
      a.headers.add("Content-Type", "application/json");
      a.body = kind == 9 ? std::string(in.take(in.byte())) : manifest(in);
    }
  } else {  // kick-off, or anything else
    a.status = kind == 4 ? 200 : 202;
    const auto where = in.byte() % 6;
    if (where == 0)
      a.headers.add("Content-Location", "/fhir/status/1");
    else if (where != 1)
      a.headers.add("Content-Location", kStatusUrl);
    if (where == 2) a.headers.add("Content-Location", std::string(kStatusUrl) + "?again");
  }
  return a;
}

struct Sent {
  Send send;
  Instant at;
};

class Harness {
 public:
  Harness(std::string_view input) : in_(input), opts_(options(in_)), client_(opts_, sink_) {}

  void run();

 private:
  void on_send(Send s);
  void deliver(std::size_t which);
  void check_storm(const Send& s);
  void check_end(const Outcome& o);

  fuzz::ByteReader in_;
  ClientOptions opts_;
  sim::CountingSink sink_;
  ExportClient client_;
  Instant now_ = kVirtualEpoch;
  std::vector<Sent> pending_;
  std::uint64_t sent_ = 0, failures_ = 0;
  // Per chain (method + URL): the earliest time the next attempt may go.
  std::map<std::string, Instant> not_before_;
  std::optional<protocol::Manifest> manifest_;  // the last usable one sent
  std::set<std::string> fetched_;               // URLs answered 200 with a whole body
  std::set<std::string> requested_;
};

void Harness::run() {
  int spins = 0;
  for (int step = 0; step < 20000; ++step) {
    auto action = client_.next_action(now_);
    if (auto* s = std::get_if<Send>(&action)) {
      on_send(std::move(*s));
      continue;
    }
    if (auto* d = std::get_if<Done>(&action)) {
      check_end(d->outcome);
      return;
    }
    const Instant t = std::get<WaitUntil>(action).t;
    if (!pending_.empty()) {
      // The answer comes after a latency the input picks, unless the client's timer fires first.
      const Instant arrives = now_ + millis(static_cast<std::int64_t>(in_.byte()) * 40);
      if (t <= arrives && t > now_) {
        now_ = t;
        continue;
      }
      now_ = arrives;
      deliver(in_.below(pending_.size()));
      continue;
    }
    FUZZ_CHECK(t > now_ || ++spins < 100,
               "the client spins: it keeps asking to wait for a past time");
    if (t > now_) spins = 0;
    now_ = std::max(now_, t);
    FUZZ_CHECK(now_ <= *opts_.deadline + opts_.delete_grace + seconds(60),
               "the client is still going " + std::to_string(to_seconds(now_ - *opts_.deadline)) +
                   " s past its deadline");
  }
  FUZZ_CHECK(false,
             "the client did not finish in 20000 steps (" + std::to_string(sent_) + " requests)");
}

void Harness::on_send(Send s) {
  ++sent_;
  FUZZ_CHECK(sent_ <= opts_.max_requests + opts_.max_delete_attempts,
             "request storm: " + std::to_string(sent_) + " requests, the cap is " +
                 std::to_string(opts_.max_requests));
  check_storm(s);
  requested_.insert(s.url);
  pending_.push_back({std::move(s), now_});
}

void Harness::check_storm(const Send& s) {
  auto it = not_before_.find(s.req.method + " " + s.url);
  if (it == not_before_.end() || s.req.method == "DELETE") return;
  FUZZ_CHECK(now_ >= it->second, "request storm: " + s.req.method + " " + s.url + " sent again " +
                                     std::to_string(to_seconds(it->second - now_)) +
                                     " s too early");
}

void Harness::deliver(std::size_t which) {
  Sent sent = std::move(pending_[which]);
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(which));
  const auto& s = sent.send;
  Answer a = answer(in_, s);
  const std::string chain = s.req.method + " " + s.url;
  not_before_.erase(chain);
  const bool failed = a.network_error || a.status == 429 || a.status >= 500;
  if (failed) ++failures_;
  if (failed || a.status == 202) {
    Instant floor = now_ + opts_.min_wait;
    if (auto v = a.headers.get("Retry-After"); v && !a.network_error) {
      auto ra = protocol::parse_retry_after(*v, now_);
      if (ra.ok() && ra->delay_from(now_) <= opts_.max_retry_after)
        floor = std::max(floor, now_ + ra->delay_from(now_));
    }
    not_before_[chain] = floor;
  }
  FUZZ_CHECK(
      failures_ <=
          opts_.max_total_retries + opts_.max_consecutive_failures + opts_.max_delete_attempts + 4,
      "unbounded retries: " + std::to_string(failures_) + " failures answered and it goes on");
  if (a.network_error) return client_.on_transport_error(s.id, "connection reset (fuzz)", now_);
  client_.on_response_head(s.id, a.status, a.headers, now_);
  if (a.status == 200 && s.url.starts_with(kStatusUrl))
    if (auto m = protocol::validate_manifest(a.body, opts_.ig_version); m.usable())
      manifest_ = m.manifest;
  const std::size_t step = 1 + in_.byte() % 64;
  for (std::size_t at = 0; at < a.body.size(); at += step)
    if (!client_.on_body(s.id, std::string_view(a.body).substr(at, step))) return;
  if (a.status == 200) fetched_.insert(s.url);
  client_.on_response_end(s.id, now_);
}

void Harness::check_end(const Outcome& o) {
  FUZZ_CHECK(client_.finished(), "Done but finished() is false");
  FUZZ_CHECK(std::holds_alternative<Done>(client_.next_action(now_)), "Done is not final");
  FUZZ_CHECK(o.counts.requests == sent_, "counts.requests " + std::to_string(o.counts.requests) +
                                             " but " + std::to_string(sent_) + " were sent");
  FUZZ_CHECK(o.kind == OutcomeKind::kSuccess || !o.message.empty(), "a failure without a message");
  if (o.kind != OutcomeKind::kSuccess) return;
  FUZZ_CHECK(manifest_.has_value(), "success without a usable manifest ever sent");
  for (const auto* list : {&manifest_->output, &manifest_->error, &manifest_->deleted})
    for (const auto& f : *list)
      FUZZ_CHECK(requested_.contains(f.url), "success, but " + f.url + " was never requested");
  std::size_t listed =
      manifest_->output.size() + manifest_->error.size() + manifest_->deleted.size();
  FUZZ_CHECK(o.files.size() == listed, "success with " + std::to_string(o.files.size()) +
                                           " file reports for " + std::to_string(listed) +
                                           " files");
  FUZZ_CHECK(fetched_.size() >= std::min<std::size_t>(listed, 1),
             "success, but no file was answered 200");
  for (const auto& f : o.files) {
    FUZZ_CHECK(f.ok && f.fetched, "success, but " + f.url + " is not ok: " + f.problem);
    auto w = sink_.files().find(f.name);
    FUZZ_CHECK(w != sink_.files().end() && w->second.bytes == f.bytes,
               "success, but " + f.name + " was not written whole");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Harness h(fuzz::as_text(data, size));
  h.run();
  return 0;
}
