// Invariants about the data: every listed file fetched, counts right, success only when true.
#include <map>
#include <set>

#include "protocol/url.hpp"
#include "sim/invariant.hpp"

namespace bh::sim {

namespace {

// The path of an absolute URL, or the text itself when it already is a path.
std::string path_of(const std::string& url_or_path) {
  auto url = protocol::parse_url(url_or_path);
  std::string target = url ? url->target : url_or_path;
  return target.substr(0, target.find('?'));
}

bool success(const EndFacts& f) {
  return f.outcome.kind == client::OutcomeKind::kSuccess;
}

// DL-01: a successful client fetched every file of the manifest it was given whole (following
// redirects, DL-15), and no file took more attempts than its retry budget allows.
class EveryFileDownloaded final : public Invariant {
 public:
  explicit EveryFileDownloaded(std::uint32_t max_attempts) : max_attempts_(max_attempts) {}
  const char* id() const override { return "every-file-downloaded"; }
  std::vector<std::string> requirements() const override { return {"DL-01", "DL-04", "DL-15"}; }
  void on_exchange(const SimExchange& e, std::vector<Violation>&) override {
    if (e.client == 0) return;
    Seen& s = seen_[e.client];
    if (e.endpoint == protocol::Endpoint::kStatus && e.status == 200 && e.whole &&
        !e.manifest_urls.empty()) {
      s.listed.clear();
      for (const auto& u : e.manifest_urls)
        s.listed.push_back(path_of(u));
    }
    if (e.method != "GET" || e.endpoint == protocol::Endpoint::kStatus ||
        e.endpoint == protocol::Endpoint::kKickoff)
      return;
    ++s.attempts[e.path];
    if (e.status == 200 && e.whole) ++s.fetched[e.path];
    if (e.status >= 300 && e.status < 400 && !e.location.empty())
      s.redirect[e.path] = path_of(e.location);
  }
  void at_end(const EndFacts& f, std::vector<Violation>& out) override {
    Seen& s = seen_[f.client];
    for (const auto& path : s.listed) {
      if (s.attempts[path] > max_attempts_)
        out.push_back({id(), requirements(), f.finished_at,
                       path + " was requested " + std::to_string(s.attempts[path]) +
                           " times; the retry budget allows " + std::to_string(max_attempts_)});
      if (success(f) && !fetched(s, path))
        out.push_back({id(), requirements(), f.finished_at,
                       "the client reported Success but " + path +
                           ", listed in the manifest, never arrived whole"});
    }
  }

 private:
  struct Seen {
    std::vector<std::string> listed;
    std::map<std::string, std::uint32_t> attempts, fetched;
    std::map<std::string, std::string> redirect;
  };
  static bool fetched(Seen& s, std::string path) {
    for (int hop = 0; hop < 16; ++hop) {  // bounded: a redirect loop is not fetched
      if (s.fetched[path] > 0) return true;
      auto it = s.redirect.find(path);
      if (it == s.redirect.end()) return false;
      path = it->second;
    }
    return false;
  }
  std::uint32_t max_attempts_;
  std::map<int, Seen> seen_;
};

// DL-03, MF-05 (A.7): what a successful client wrote for each of the service's files holds
// exactly the resources the service generated for it.
class ResourcesMatchCounts final : public Invariant {
 public:
  const char* id() const override { return "resources-match-counts"; }
  std::vector<std::string> requirements() const override { return {"DL-03", "MF-05"}; }
  void at_end(const EndFacts& f, std::vector<Violation>& out) override {
    if (!success(f) || !f.job) return;
    for (const auto& report : f.outcome.files) {
      const protocol::JobFile* truth = find_truth(*f.job, path_of(report.url));
      if (!truth) continue;  // a file a fault added (an error file, a second page)
      auto w = f.written.find(report.name);
      const std::uint64_t lines = w == f.written.end() ? 0 : w->second.lines;
      if (lines != truth->count)
        out.push_back({id(), requirements(), f.finished_at,
                       report.name + " (" + truth->name + ") holds " + std::to_string(lines) +
                           " resources; the service generated " + std::to_string(truth->count)});
    }
  }

 private:
  static const protocol::JobFile* find_truth(const protocol::ExportJob& job,
                                             const std::string& path) {
    for (const auto& jf : job.files)
      if (path.ends_with("/bulkfiles/" + job.id + "/" + jf.name)) return &jf;
    return nullptr;
  }
};

// ST-09, DL-01, ERR-05: Success only when the service's every data file reached the client; a
// run in which no fault fired for this client must end in Success.
class OutcomeMatchesTruth final : public Invariant {
 public:
  const char* id() const override { return "outcome-matches-truth"; }
  std::vector<std::string> requirements() const override { return {"ST-09", "DL-01", "ERR-05"}; }
  void on_exchange(const SimExchange& e, std::vector<Violation>&) override {
    if (e.client == 0) return;
    if (e.faulted) faulted_.insert(e.client);
    // The service itself refused the request (a Group it lacks, a parameter it does not
    // support): Rejected is then the truth, faults or not.
    // So is a 429 the service itself sent (KO-13: jobs orphaned by lost kick-off answers still
    // count against this client until they finish; the client's budget may run out first).
    if (e.endpoint == protocol::Endpoint::kKickoff && !e.faulted && e.status >= 400 &&
        e.status < 500)
      refused_.insert(e.client);
    if (e.retry_after) not_before_[e.client] = e.at + *e.retry_after;
    if (e.faulted && e.endpoint == protocol::Endpoint::kStatus) manifest_touched_.insert(e.client);
  }
  void at_end(const EndFacts& f, std::vector<Violation>& out) override {
    if (!success(f)) {
      if (f.finished && !faulted_.contains(f.client) && !explained(f))
        out.push_back({id(), requirements(), f.finished_at,
                       "no fault fired, yet the client ended " +
                           std::string(client::to_string(f.outcome.kind)) + ": " +
                           f.outcome.message});
      return;
    }
    if (!f.job) {
      out.push_back({id(), requirements(), f.finished_at,
                     "the client reported Success but the service created no job"});
      return;
    }
    if (manifest_touched_.contains(f.client)) return;  // a fault may have hidden files from it
    std::set<std::string> reported;
    for (const auto& r : f.outcome.files)
      reported.insert(path_of(r.url));
    for (const auto& jf : f.job->files) {
      if (jf.is_error) continue;
      const std::string path = path_of(f.base_url) + "/bulkfiles/" + f.job->id + "/" + jf.name;
      if (!reported.contains(path))
        out.push_back({id(), requirements(), f.finished_at,
                       "the client reported Success without " + jf.name + " (" +
                           std::to_string(jf.count) + " " + jf.type + " resources)"});
    }
  }

 private:
  bool explained(const EndFacts& f) const {
    using K = client::OutcomeKind;
    if (f.outcome.kind == K::kRejected && refused_.contains(f.client)) return true;
    if (f.outcome.kind != K::kTimedOut) return false;
    // A deadline shorter than the job, or than the last wait the server asked for: TimedOut is
    // what a correct client reports.
    if (f.job && f.deadline && f.job->completes_at > *f.deadline) return true;
    auto nb = not_before_.find(f.client);
    return nb != not_before_.end() && f.deadline_wire && nb->second > *f.deadline_wire;
  }
  std::set<int> faulted_, manifest_touched_, refused_;
  std::map<int, Duration> not_before_;  // the last Retry-After's end, per client
};

}  // namespace

std::unique_ptr<Invariant> make_every_file_downloaded(std::uint32_t max_attempts) {
  return std::make_unique<EveryFileDownloaded>(max_attempts);
}
std::unique_ptr<Invariant> make_resources_match_counts() {
  return std::make_unique<ResourcesMatchCounts>();
}
std::unique_ptr<Invariant> make_outcome_matches_truth() {
  return std::make_unique<OutcomeMatchesTruth>();
}

}  // namespace bh::sim
