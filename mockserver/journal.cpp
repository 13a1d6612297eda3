#include "mockserver/journal.hpp"

#include "auth/redact.hpp"

namespace bh::mockserver {

void Journal::add(JournalEntry entry) {
  entry.seq = next_seq_++;
  if (capacity_ == 0) {
    ++dropped_;
    return;
  }
  if (entries_.size() == capacity_) {
    entries_.pop_front();
    ++dropped_;
  }
  entries_.push_back(std::move(entry));
}

void Journal::clear() {
  entries_.clear();
  dropped_ = 0;
  next_seq_ = 1;
}

namespace {
nlohmann::ordered_json headers_json(const std::vector<protocol::Header>& headers) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  // What the journal shows (admin API, saved files, reports) never holds a usable credential.
  for (const auto& h : headers)
    out.push_back(
        {h.name, auth::is_credential_header(h.name) ? auth::redact_credential(h.value) : h.value});
  return out;
}
}  // namespace

nlohmann::ordered_json to_json(const JournalEntry& e) {
  nlohmann::ordered_json j = {
      {"seq", e.seq},
      {"at_ms", std::chrono::duration_cast<std::chrono::milliseconds>(e.at).count()},
      {"client", e.client_id},
      {"method", e.method},
      {"target", e.target},
      {"endpoint", e.endpoint},
      {"job", e.job_id},
      {"job_ordinal", e.job_ordinal},
      {"status", e.status},
      {"request_headers", headers_json(e.request_headers)},
      {"response_headers", headers_json(e.response_headers)}};
  if (!e.faults.empty()) {
    nlohmann::ordered_json faults = nlohmann::ordered_json::array();
    for (const auto& f : e.faults)
      faults.push_back({{"rule", f.rule}, {"kind", f.kind}, {"match", f.match}});
    j["faults"] = faults;
  }
  if (!e.wire.empty()) j["wire"] = e.wire;
  if (e.body.kind != judge::BodyFacts::Kind::kNone) j["body"] = judge::to_json(e.body);
  if (e.incomplete) j["incomplete"] = true;
  if (e.auth.token_request) {
    const auto& d = e.auth.decision;
    nlohmann::ordered_json t = {
        {"client_id", d.client_id}, {"alg", d.alg}, {"kid", d.kid}, {"jti", d.jti}};
    if (d.error.empty()) {
      t["scope"] = d.scope;
    } else {
      t["error"] = d.error;
      t["detail"] = d.detail;
    }
    j["token_request"] = t;
  }
  if (e.auth.bearer_checked) {
    nlohmann::ordered_json b = {{"presented", e.auth.bearer.presented}};
    if (!e.auth.bearer.client_id.empty()) b["client_id"] = e.auth.bearer.client_id;
    if (!e.auth.bearer.error.empty()) b["error"] = e.auth.bearer.error;
    j["bearer"] = b;
  }
  return j;
}

std::string JournalEntry::faults_text() const {
  std::string out;
  for (const auto& f : faults)
    out += (out.empty() ? "" : "; ") + f.kind + " (rule " + f.rule + ", match " +
           std::to_string(f.match) + ")";
  return out;
}

nlohmann::ordered_json Journal::to_json() const {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& e : entries_)
    list.push_back(mockserver::to_json(e));
  return {{"capacity", capacity_}, {"dropped", dropped_}, {"entries", list}};
}

}  // namespace bh::mockserver
