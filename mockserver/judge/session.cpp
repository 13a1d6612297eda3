#include "mockserver/judge/session.hpp"

#include <algorithm>
#include <set>

#include "protocol/operation_outcome.hpp"
#include "protocol/url.hpp"

namespace bh::judge {

namespace {
Result<protocol::Headers> read_headers(const nlohmann::json& list, const std::string& where) {
  protocol::Headers out;
  if (!list.is_array()) return make_error(where, "not an array of [name, value] pairs");
  for (const auto& pair : list) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
      return make_error(where, "not an array of [name, value] pairs", "[\"Accept\", \"...\"]",
                        pair.dump());
    out.add(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return out;
}

Result<Exchange> read_entry(const nlohmann::json& e, const std::string& where) {
  if (!e.is_object()) return make_error(where, "not an object");
  Exchange x;
  try {
    x.seq = e.at("seq").get<std::uint64_t>();
    x.at = millis(e.at("at_ms").get<std::int64_t>());
    x.client = e.value("client", std::string());
    x.method = e.at("method").get<std::string>();
    x.target = e.at("target").get<std::string>();
    x.endpoint = e.value("endpoint", std::string("other"));
    x.job = e.value("job", std::string());
    x.status = e.at("status").get<int>();
    x.wire = e.value("wire", std::string());
    x.incomplete = e.value("incomplete", false);
    x.faulted = e.contains("faults") && !e.at("faults").empty();
  } catch (const nlohmann::json::exception& ex) {
    return make_error(where, "missing or mistyped field", "seq, at_ms, method, target, status",
                      ex.what());
  }
  auto req =
      read_headers(e.value("request_headers", nlohmann::json::array()), where + "/request_headers");
  if (!req) return req.error();
  auto resp = read_headers(e.value("response_headers", nlohmann::json::array()),
                           where + "/response_headers");
  if (!resp) return resp.error();
  x.request_headers = std::move(*req);
  x.response_headers = std::move(*resp);
  // Status 0: the journal keeps what the service meant to answer; the client saw none of it.
  if (x.status == 0) x.response_headers = {};
  x.host = std::string(x.request_headers.get("Host").value_or(""));
  if (auto body = e.find("body"); body != e.end()) x.body = body_facts_from_json(*body);
  if (auto t = e.find("token_request"); t != e.end() && t->is_object()) {
    x.token_request = true;
    x.token_error = t->value("error", std::string());
    x.token_detail = t->value("detail", std::string());
    x.token_jti = t->value("jti", std::string());
  }
  if (auto b = e.find("bearer"); b != e.end() && b->is_object()) {
    x.bearer_checked = true;
    x.bearer_presented = b->value("presented", false);
    x.bearer_error = b->value("error", std::string());
  }
  return x;
}

bool is_transient_outcome(const BodyFacts& body) {
  if (body.issue_codes.empty()) return false;
  return std::all_of(body.issue_codes.begin(), body.issue_codes.end(),
                     [](const std::string& c) { return protocol::is_transient_code(c); });
}

// A 4xx/5xx: what its body tells a client about trying again.
Response classify_error(const Exchange& e) {
  using K = BodyFacts::Kind;
  if (e.body.kind == K::kOutcome)
    return is_transient_outcome(e.body) ? Response::kRetry : Response::kFatal;
  if (e.status >= 500 && (e.body.kind == K::kEmpty || e.body.kind == K::kNone))
    return Response::kRetry;  // policy: a 5xx without a body is transient (T16)
  // A non-FHIR body (a gateway's HTML page) leaves the choice to the client: retrying a 502
  // and failing the job are both defensible, so neither ST-11 nor ST-12 judges it.
  return e.status >= 500 ? Response::kUnclear : Response::kFatal;
}
}  // namespace

std::string_view to_string(Response r) {
  switch (r) {
    case Response::kNone:
      return "no-response";
    case Response::kAccepted:
      return "accepted";
    case Response::kComplete:
      return "complete";
    case Response::kOk:
      return "ok";
    case Response::kRedirect:
      return "redirect";
    case Response::kThrottled:
      return "throttled";
    case Response::kUnauthorized:
      return "unauthorized";
    case Response::kRetry:
      return "retry";
    case Response::kFatal:
      return "fatal";
    case Response::kUnclear:
      return "non-fhir-error";
    case Response::kGone:
      return "gone";
    case Response::kLinkExpired:
      return "link-expired";
  }
  return "unknown";
}

std::string chain_key(const Exchange& e) {
  if (e.endpoint == "kickoff") return "kickoff";
  if (e.endpoint == "status") return "status " + e.job;
  if (e.endpoint == "delete") return "delete " + e.job;
  return e.endpoint + " " + e.method + " " + e.host + e.target;
}

Response classify(const Exchange& e) {
  const int s = e.status;
  if (s == 0 || e.incomplete) return Response::kNone;
  if (s >= 300 && s < 400 && e.response_headers.has("Location")) return Response::kRedirect;
  if (s == 429) return Response::kThrottled;
  if (s == 401) return Response::kUnauthorized;
  if (e.endpoint == "file") {
    if (s >= 200 && s < 300) return Response::kOk;
    if (s == 403 || s == 404 || s == 410) return Response::kLinkExpired;
    if (s >= 500) return Response::kRetry;  // T26: a file that fails with 5xx is retried
    return Response::kFatal;
  }
  if (e.endpoint == "status" && s == 200 && e.body.kind == BodyFacts::Kind::kManifest)
    return Response::kComplete;
  if (s == 202) return Response::kAccepted;
  if (s >= 200 && s < 300) return Response::kOk;
  if ((e.endpoint == "status" || e.endpoint == "delete") && (s == 404 || s == 410))
    return Response::kGone;
  if (s >= 400) return classify_error(e);
  return Response::kOk;
}

std::string url_path(std::string_view url) {
  if (url.starts_with("/")) return std::string(url);
  auto parsed = protocol::parse_url(url);
  return parsed ? parsed->target : std::string();
}

std::string url_authority(std::string_view url) {
  auto parsed = protocol::parse_url(url);
  if (!parsed) return {};
  return parsed->host + ":" + std::to_string(parsed->port);
}

Result<Session> Session::from_journal(const nlohmann::json& journal, JudgeSettings settings) {
  if (!journal.is_object() || !journal.contains("entries") || !journal["entries"].is_array())
    return make_error("journal", "not a journal", "an object with an \"entries\" array");
  Session s;
  s.settings_ = std::move(settings);
  s.dropped_ = journal.value("dropped", std::uint64_t{0});
  const auto& entries = journal["entries"];
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto x = read_entry(entries[i], "journal: /entries/" + std::to_string(i));
    if (!x) return x.error();
    x->chain = chain_key(*x);
    x->response = classify(*x);
    s.exchanges_.push_back(std::move(*x));
  }
  // Sequence numbers are arrival order; a saved journal may have been reordered by hand.
  std::stable_sort(s.exchanges_.begin(), s.exchanges_.end(),
                   [](const Exchange& a, const Exchange& b) { return a.seq < b.seq; });
  for (std::size_t i = 0; i < s.exchanges_.size(); ++i) {
    auto& list = s.chains_[s.exchanges_[i].chain];
    if (!list.empty()) s.exchanges_[list.back()].next_on_chain = i;
    list.push_back(i);
  }
  return s;
}

std::vector<std::string> Session::clients() const {
  std::set<std::string> hosts;
  for (const auto& e : exchanges_)
    hosts.insert(e.client.substr(0, e.client.rfind(':')));
  return {hosts.begin(), hosts.end()};
}

Duration Session::wire(Duration scenario) const {
  const double k = settings_.time_scale > 0 ? settings_.time_scale : 1.0;
  return Duration{static_cast<std::int64_t>(static_cast<double>(scenario.count()) / k)};
}

std::vector<std::size_t> Session::chain(const std::string& key) const {
  auto it = chains_.find(key);
  return it == chains_.end() ? std::vector<std::size_t>{} : it->second;
}

std::vector<std::string> Session::chain_keys() const {
  std::vector<std::string> keys;
  for (const auto& [k, v] : chains_)
    keys.push_back(k);
  return keys;
}

}  // namespace bh::judge
