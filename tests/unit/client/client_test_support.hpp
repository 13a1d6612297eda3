// Test support for the sans-I/O ExportClient: an in-memory OutputSink and a driver that plays a
// scripted server on a virtual timeline (no sockets, no real time).
//
// The driver calls next_action until Done, answers each Send through a Responder after the
// reply's latency, delivers bodies in small chunks (so streaming is exercised), and records
// every request with the virtual time it was sent, plus the largest number of requests that were
// in flight at once.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/export_client.hpp"
#include "client/output_sink.hpp"
#include "core/time.hpp"
#include "protocol/http.hpp"

namespace bh::client::testing {

class MemorySink final : public OutputSink {
 public:
  struct State {
    std::map<std::string, std::string> files;  // closed files only
    std::map<std::string, int> opens;
    std::map<std::string, int> discards;
    bool fail_open = false;
  };

  class Writer final : public OutputWriter {
   public:
    Writer(std::shared_ptr<State> s, std::string name) : s_(std::move(s)), name_(std::move(name)) {}
    ~Writer() override {
      if (!closed_) ++s_->discards[name_];
    }
    Status write(std::string_view bytes) override {
      buf_.append(bytes);
      return Ok{};
    }
    Status close() override {
      closed_ = true;
      s_->files[name_] = buf_;
      return Ok{};
    }

   private:
    std::shared_ptr<State> s_;
    std::string name_;
    std::string buf_;
    bool closed_ = false;
  };

  Result<std::unique_ptr<OutputWriter>> open(const std::string& name) override {
    if (state->fail_open) return make_error(name, "cannot open", "a writable file", "disk full");
    ++state->opens[name];
    state->files.erase(name);  // open truncates
    return std::unique_ptr<OutputWriter>(std::make_unique<Writer>(state, name));
  }

  std::shared_ptr<State> state = std::make_shared<State>();
};

struct Reply {
  int status = 200;
  protocol::Headers headers;
  std::string body;
  Duration latency{0};
  bool transport_error = false;                  // fail instead of answering
  std::optional<std::size_t> error_after_bytes;  // answer, then fail after this much body
};

inline Reply reply(int status, std::vector<std::pair<std::string, std::string>> headers = {},
                   std::string body = {}) {
  Reply r;
  r.status = status;
  for (auto& [k, v] : headers)
    r.headers.add(k, v);
  r.body = std::move(body);
  return r;
}

inline Reply transport_failure() {
  Reply r;
  r.transport_error = true;
  return r;
}

struct SentRequest {
  Instant at;
  Send send;
};

using Responder = std::function<Reply(const Send&, Instant)>;

struct RunResult {
  Outcome outcome;
  std::vector<SentRequest> sent;
  std::size_t max_in_flight = 0;         // as the server saw it (abandoned requests included)
  std::size_t max_client_in_flight = 0;  // as the client counts them
  std::size_t actions = 0;
  bool finished = false;
  bool stalled = false;  // the client asked to wait for nothing
  Instant end{};
};

struct DriveOptions {
  Instant start = kVirtualEpoch;
  std::size_t max_actions = 200000;
  std::size_t chunk = 7;
  // Called before each next_action; may call cancel() etc.
  std::function<void(ExportClient&, Instant, const std::vector<SentRequest>&)> before_step;
};

inline RunResult drive(ExportClient& client, const Responder& respond, DriveOptions opt = {}) {
  struct Pending {
    Instant due;
    std::uint64_t seq;
    RequestId id;
    Reply reply;
  };
  RunResult r;
  std::vector<Pending> pending;
  std::uint64_t seq = 0;
  Instant now = opt.start;
  auto deliver = [&](Pending p) {
    if (p.reply.transport_error) {
      client.on_transport_error(p.id, "connection reset by peer", now);
      return;
    }
    client.on_response_head(p.id, p.reply.status, p.reply.headers, now);
    const std::string& body = p.reply.body;
    const std::size_t limit = p.reply.error_after_bytes.value_or(body.size());
    for (std::size_t i = 0; i < std::min(limit, body.size()); i += opt.chunk) {
      const auto piece = std::string_view(body).substr(i, std::min(opt.chunk, limit - i));
      if (!client.on_body(p.id, piece)) return;  // the client settled it
    }
    if (p.reply.error_after_bytes) {
      client.on_transport_error(p.id, "connection reset mid-body", now);
      return;
    }
    client.on_response_end(p.id, now);
  };
  while (r.actions++ < opt.max_actions) {
    if (opt.before_step) opt.before_step(client, now, r.sent);
    Action a = client.next_action(now);
    if (auto* d = std::get_if<Done>(&a)) {
      r.outcome = d->outcome;
      r.finished = true;
      break;
    }
    if (auto* s = std::get_if<Send>(&a)) {
      r.sent.push_back({now, *s});
      Reply rep = respond(*s, now);
      pending.push_back({now + rep.latency, seq++, s->id, std::move(rep)});
      r.max_in_flight = std::max(r.max_in_flight, pending.size());
      r.max_client_in_flight = std::max(r.max_client_in_flight, client.in_flight());
      continue;
    }
    const Instant wait = std::get<WaitUntil>(a).t;
    auto first = std::min_element(pending.begin(), pending.end(), [](auto& x, auto& y) {
      return x.due != y.due ? x.due < y.due : x.seq < y.seq;
    });
    if (first != pending.end() && first->due <= wait) {
      now = std::max(now, first->due);
      Pending p = std::move(*first);
      pending.erase(first);
      deliver(std::move(p));
      continue;
    }
    if (wait <= now || wait == Instant::max()) {
      r.stalled = true;
      ADD_FAILURE() << "client waits for nothing: WaitUntil " << to_us(wait) << " at "
                    << to_us(now);
      break;
    }
    now = wait;
  }
  r.end = now;
  return r;
}

// --- canned bodies -------------------------------------------------------------------------

inline std::string ndjson(const std::string& type, int n, const std::string& id_prefix = "r") {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "{\"resourceType\":\"" + type + "\",\"id\":\"" + id_prefix + std::to_string(i) + "\"}\n";
  return out;
}

struct FileSpec {
  std::string type;
  std::string url;
  std::optional<int> count;
};

inline std::string manifest_json(const std::vector<FileSpec>& output,
                                 const std::vector<FileSpec>& error = {},
                                 bool requires_token = false,
                                 const std::vector<FileSpec>& deleted = {}) {
  auto items = [](const std::vector<FileSpec>& files) {
    std::string out = "[";
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (i) out += ",";
      out += "{\"type\":\"" + files[i].type + "\",\"url\":\"" + files[i].url + "\"";
      if (files[i].count) out += ",\"count\":" + std::to_string(*files[i].count);
      out += "}";
    }
    return out + "]";
  };
  std::string m = "{\"transactionTime\":\"2026-01-01T00:00:00Z\",";
  m += "\"request\":\"http://srv/fhir/$export\",";
  m += std::string("\"requiresAccessToken\":") + (requires_token ? "true" : "false") + ",";
  m += "\"output\":" + items(output) + ",\"error\":" + items(error);
  if (!deleted.empty()) m += ",\"deleted\":" + items(deleted);
  return m + "}";
}

inline std::string outcome_json(const std::string& severity, const std::string& code,
                                const std::string& diagnostics) {
  return "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"" + severity +
         "\",\"code\":\"" + code + "\",\"diagnostics\":\"" + diagnostics + "\"}]}";
}

inline constexpr const char* kBase = "http://srv/fhir";
inline constexpr const char* kStatus = "http://srv/status/1";

inline ClientOptions base_options() {
  ClientOptions o;
  o.base_url = kBase;
  o.seed = 7;
  return o;
}

inline bool is_kickoff(const Send& s) {
  return s.url.find("$export") != std::string::npos;
}
inline bool is_status(const Send& s) {
  return s.url == kStatus;
}
inline bool is_status_get(const Send& s) {
  return is_status(s) && s.req.method == "GET";
}
inline bool is_delete(const Send& s) {
  return s.req.method == "DELETE";
}

// A well-behaved server: 202 on kick-off, `polls_before_done` 202s, then the manifest, and the
// given file bodies; DELETE 202. Tests override pieces through the hooks.
struct ScriptedServer {
  std::string manifest;
  std::map<std::string, std::string> files;  // url -> body
  int polls_before_done = 1;
  std::vector<std::pair<std::string, std::string>> manifest_headers = {
      {"Content-Type", "application/json"}};
  std::function<std::optional<Reply>(const Send&, Instant)> kickoff_hook, status_hook, file_hook,
      delete_hook;
  int polls = 0;
  std::map<std::string, int> file_hits;
  Duration file_latency{0};

  Reply operator()(const Send& s, Instant now) {
    if (is_kickoff(s)) {
      if (kickoff_hook)
        if (auto r = kickoff_hook(s, now)) return *r;
      return reply(202, {{"Content-Location", kStatus}});
    }
    if (is_delete(s)) {
      if (delete_hook)
        if (auto r = delete_hook(s, now)) return *r;
      return reply(202);
    }
    if (is_status(s)) {
      ++polls;
      if (status_hook)
        if (auto r = status_hook(s, now)) return *r;
      if (polls <= polls_before_done) return reply(202, {{"X-Progress", "50%"}});
      return reply(200, manifest_headers, manifest);
    }
    ++file_hits[s.url];
    if (file_hook)
      if (auto r = file_hook(s, now)) return *r;
    auto it = files.find(s.url);
    if (it == files.end()) return reply(404);
    Reply r = reply(200, {{"Content-Type", "application/fhir+ndjson"}}, it->second);
    r.latency = file_latency;
    return r;
  }
};

inline std::vector<SentRequest> filter(const std::vector<SentRequest>& sent,
                                       bool (*pred)(const Send&)) {
  std::vector<SentRequest> out;
  for (const auto& s : sent)
    if (pred(s.send)) out.push_back(s);
  return out;
}

inline bool has_event(const ExportClient& c, const std::string& needle) {
  for (const auto& e : c.events())
    if (e.text.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace bh::client::testing
