// Invariants about endings: nothing after a terminal answer; DELETE honoured by both sides.
#include <map>
#include <set>

#include "sim/invariant.hpp"

namespace bh::sim {

namespace {

bool status_get(const SimExchange& e) {
  return e.endpoint == protocol::Endpoint::kStatus && e.method == "GET";
}

// ST-15/T40, ST-09, DEL-01: once a job's status URL said 404/410, once the manifest arrived
// (V1/V2; V3+ may fetch it again to refresh links) or once the client's DELETE was accepted,
// that client sends nothing more about the job.
class NoRequestAfterTerminal final : public Invariant {
 public:
  explicit NoRequestAfterTerminal(bool v3_refresh) : v3_refresh_(v3_refresh) {}
  const char* id() const override { return "no-request-after-terminal"; }
  std::vector<std::string> requirements() const override {
    return {"ST-15", "ST-09", "DEL-01", "DEL-02"};
  }
  void on_exchange(const SimExchange& e, std::vector<Violation>& out) override {
    if (e.client == 0 || e.job_id.empty() || e.endpoint == protocol::Endpoint::kKickoff) return;
    const std::string key = std::to_string(e.client) + " " + e.job_id;
    if (auto it = ended_.find(key); it != ended_.end()) {
      const bool refresh = v3_refresh_ && it->second.manifest && status_get(e);
      const bool file_after_manifest =
          it->second.manifest && e.endpoint == protocol::Endpoint::kFile;
      const bool release = it->second.manifest && e.endpoint == protocol::Endpoint::kDelete;
      if (!refresh && !file_after_manifest && !release)
        out.push_back({id(), requirements(), e.at,
                       e.method + " " + e.path + " after " + it->second.why +
                           "; expected no further request about job " + e.job_id});
      if (!it->second.manifest) return;
    }
    note_ending(key, e);
  }

 private:
  struct Ending {
    std::string why;
    bool manifest = false;  // the manifest arrived: downloads and the release DELETE follow
  };
  void note_ending(const std::string& key, const SimExchange& e) {
    if (!e.whole || e.status == 0) return;  // a broken answer settles nothing: retrying is right
    if (status_get(e) && (e.status == 404 || e.status == 410))
      ended_[key] = {"its status URL answered " + std::to_string(e.status), false};
    else if (status_get(e) && e.status == 200 && e.whole && !e.manifest_urls.empty())
      ended_.try_emplace(key, Ending{"the manifest arrived", true});
    else if (e.endpoint == protocol::Endpoint::kDelete && (e.status == 202 || e.status == 404))
      ended_[key] = {"its DELETE was answered " + std::to_string(e.status), false};
  }
  bool v3_refresh_;
  std::map<std::string, Ending> ended_;
};

// DEL-02/DEL-04/ST-15: after a DELETE was accepted (202), the server answers every later GET of
// that status URL with 404 (the harness probes it once the client is done: T37's verification).
class DeleteHonoured final : public Invariant {
 public:
  const char* id() const override { return "delete-honoured"; }
  std::vector<std::string> requirements() const override {
    return {"DEL-02", "DEL-04", "ST-15", "DEL-01"};
  }
  void on_exchange(const SimExchange& e, std::vector<Violation>& out) override {
    if (e.endpoint == protocol::Endpoint::kDelete && e.status == 202 && !e.faulted) {
      deleted_.insert(e.path);
      return;
    }
    if (!status_get(e) || e.faulted || !deleted_.contains(e.path)) return;
    if (e.status != 404)
      out.push_back({id(), requirements(), e.at,
                     "GET " + e.path + " after its DELETE was accepted answered " +
                         std::to_string(e.status) + "; expected 404 with an OperationOutcome"});
  }

 private:
  std::set<std::string> deleted_;
};

}  // namespace

std::unique_ptr<Invariant> make_no_request_after_terminal(bool v3_refresh) {
  return std::make_unique<NoRequestAfterTerminal>(v3_refresh);
}
std::unique_ptr<Invariant> make_delete_honoured() {
  return std::make_unique<DeleteHonoured>();
}

}  // namespace bh::sim
