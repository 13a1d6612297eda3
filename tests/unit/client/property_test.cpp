// Property: against any sequence of server answers (status codes, Retry-After values, bodies,
// network errors, redirects), the client terminates within a bounded number of actions, never
// polls faster than its floor, never runs more downloads than allowed, is deterministic per seed,
// and reports Success only when every manifest file was served whole and valid.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "client_test_support.hpp"
#include "protocol/http_date.hpp"

namespace bh::client::testing {
namespace {

struct Script {
  std::vector<int> kickoff, status, file;
  int files = 0;
  std::uint32_t parallel = 1;
  int latency_s = 0;
  std::uint64_t seed = 0;
  int cancel_after = -1;  // cancel once this many requests were sent (-1: never)
};

std::string file_url(int i) {
  return "http://srv/files/f" + std::to_string(i);
}
std::string cdn_url(int i) {
  return "http://cdn.example/f" + std::to_string(i);
}
int index_of(const std::string& url) {
  return std::stoi(url.substr(url.rfind('f') + 1));
}

// Choices past the end of a script, and choices above the listed faults, are the well-behaved
// answer (so runs get past the kick-off often): faults first, then liveness.
struct RandomServer {
  explicit RandomServer(const Script& s) : script(s), valid(static_cast<std::size_t>(s.files)) {
    std::vector<FileSpec> specs;
    for (int i = 0; i < s.files; ++i)
      specs.push_back({"Patient", file_url(i), 2});
    manifest = manifest_json(specs);
  }

  static int next(const std::vector<int>& v, std::size_t& i, int fallback) {
    return i < v.size() ? v[i++] : fallback;
  }

  Reply kickoff(int c) {
    switch (c) {
      case 1:
        return reply(202);
      case 2:
        return reply(429, {{"Retry-After", "2"}});
      case 3:
        return reply(503);
      case 4:
        return reply(400, {}, outcome_json("error", "invalid", "bad"));
      case 5:
        return transport_failure();
      default:
        return reply(202, {{"Content-Location", kStatus}});
    }
  }

  Reply status(int c, Instant now) {
    switch (c) {
      case 1:
        return reply(202, {{"Retry-After", "3"}});
      case 2:
        return reply(202, {{"Retry-After", protocol::format_http_date(now + seconds(5))}});
      case 3:
        return reply(202, {{"Retry-After", "-7"}});
      case 4:
        return reply(429, {{"Retry-After", "1"}});
      case 5:
        return reply(503, {}, outcome_json("error", "transient", "busy"));
      case 6:
        return reply(500, {}, outcome_json("fatal", "processing", "boom"));
      case 7:
        return reply(404);
      case 8:
        return transport_failure();
      case 9:
        return reply(200, {}, "{\"output\":3}");
      case 10:
        return reply(202, {{"Retry-After", "soon"}});
      case 11:
        return reply(202, {{"Retry-After", "0"}});
      case 12:
        return reply(202, {{"Retry-After", protocol::format_http_date(now - seconds(99))}});
      default:
        return reply(200, {{"Content-Type", "application/json"}}, manifest);
    }
  }

  Reply file(int c, const Send& s) {
    const int i = index_of(s.url);
    const std::string good = ndjson("Patient", 2);
    Reply r;
    switch (c) {
      case 1:
        r = reply(200, {}, ndjson("Observation", 2));
        break;
      case 2:
        r = reply(404);
        break;
      case 3:
        r = reply(503, {{"Retry-After", "1"}});
        break;
      case 4:
        r = transport_failure();
        break;
      case 5:
        r = reply(302, {{"Location", cdn_url(i)}});
        break;
      case 6:
        r = reply(200, {}, good);
        r.error_after_bytes = 10;
        break;
      default:
        r = reply(200, {{"Content-Type", "application/fhir+ndjson"}}, good);
        valid[static_cast<std::size_t>(i)] = true;
    }
    r.latency = seconds(script.latency_s);
    return r;
  }

  Reply operator()(const Send& s, Instant now) {
    if (is_kickoff(s)) return kickoff(next(script.kickoff, ki, 0));
    if (is_delete(s)) return reply(202);
    if (is_status(s)) return status(next(script.status, si, 0), now);
    return file(next(script.file, fi, 0), s);
  }

  const Script& script;
  std::string manifest;
  std::vector<bool> valid;  // file i was served whole and valid at least once
  std::size_t ki = 0, si = 0, fi = 0;
};

Script gen_script() {
  Script s;
  s.kickoff = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 16));
  s.status = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 20));
  s.file = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 12));
  s.files = *rc::gen::inRange(0, 5);
  s.parallel = static_cast<std::uint32_t>(*rc::gen::inRange(1, 5));
  s.latency_s = *rc::gen::inRange(0, 4);
  s.seed = *rc::gen::arbitrary<std::uint64_t>();
  s.cancel_after = *rc::gen::weightedElement<int>({{4, -1}, {1, *rc::gen::inRange(0, 40)}});
  return s;
}

ClientOptions options_for(const Script& s) {
  auto o = base_options();
  o.seed = s.seed;
  o.max_parallel_downloads = s.parallel;
  o.max_requests = 400;
  o.deadline = kVirtualEpoch + seconds(6 * 3600);
  return o;
}

RC_GTEST_PROP(ClientProperty, TerminatesHonestlyUnderRandomServers, ()) {
  const Script script = gen_script();
  const auto o = options_for(script);
  MemorySink sink;
  RandomServer server(script);
  ExportClient client(o, sink);
  DriveOptions d;
  d.max_actions = 20000;
  bool cancelled = false;
  d.before_step = [&](ExportClient& c, Instant now, const std::vector<SentRequest>& sent) {
    if (!cancelled && static_cast<int>(sent.size()) == script.cancel_after) {
      cancelled = true;
      c.cancel(now);
    }
  };
  const auto r = drive(client, std::ref(server), d);

  RC_ASSERT(r.finished);
  RC_ASSERT(!r.stalled);
  RC_ASSERT(r.sent.size() <= o.max_requests);
  RC_ASSERT(r.max_client_in_flight <= o.max_parallel_downloads);

  const auto polls = filter(r.sent, is_status_get);
  for (std::size_t i = 1; i < polls.size(); ++i)
    RC_ASSERT(polls[i].at - polls[i - 1].at >= o.min_wait);

  if (r.outcome.kind == OutcomeKind::kSuccess) {
    RC_ASSERT(r.outcome.counts.files_expected == static_cast<std::uint64_t>(script.files));
    RC_ASSERT(r.outcome.counts.files_ok == static_cast<std::uint64_t>(script.files));
    for (bool v : server.valid)
      RC_ASSERT(v);
    for (const auto& f : r.outcome.files)
      RC_ASSERT(sink.state->files.at(f.name) == ndjson("Patient", 2));
  }
  RC_TAG(to_string(r.outcome.kind));
}

RC_GTEST_PROP(ClientProperty, SameScriptSameTrace, ()) {
  const Script script = gen_script();
  auto run = [&] {
    MemorySink sink;
    RandomServer server(script);
    ExportClient client(options_for(script), sink);
    auto r = drive(client, std::ref(server));
    std::vector<std::pair<std::int64_t, std::string>> trace;
    for (const auto& s : r.sent)
      trace.emplace_back(to_us(s.at), s.send.req.method + " " + s.send.url);
    return std::make_pair(trace, client.events().size());
  };
  RC_ASSERT(run() == run());
}

}  // namespace
}  // namespace bh::client::testing
