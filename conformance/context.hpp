// conformance/context: what the checks share during one run.
//
// Contract: the checks of one run see one Context. It discovers the server once (the
// CapabilityStatement, the export levels to test, a Group id) and runs at most one baseline
// export per level, downloading every file, so the many checks that read a manifest or a file
// do not each start an export. Every kick-off, status answer and DELETE goes into a log that
// the passive checks (error shapes, throttling, progress) judge at the end. Every job the run
// starts is released (DELETE) before the run ends, so a server is left as it was found.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conformance/options.hpp"
#include "conformance/probe.hpp"
#include "conformance/smart_client.hpp"
#include "protocol/manifest.hpp"

namespace bh::conformance {

struct FileRun {
  std::string kind;  // "output", "error", "deleted"
  protocol::ManifestFile item;
  Download download;
};

struct ExportRun {
  std::string level;
  protocol::QueryParams params;
  Exchange kickoff;
  std::string status_url;  // absolute; empty when the kick-off did not give a usable one
  std::optional<PollResult> poll;
  std::optional<protocol::ManifestCheck> manifest;
  std::vector<FileRun> files;
  std::vector<ResourceFacts> facts;  // of output files, bounded by kMaxFacts
  std::string problem;               // why the run stopped before the manifest, if it did
  bool accepted() const { return kickoff.response.status == 202 && !status_url.empty(); }
  bool complete() const { return manifest.has_value() && manifest->usable(); }
  const Exchange* manifest_exchange() const { return poll ? poll->last() : nullptr; }
};

inline constexpr std::size_t kMaxFacts = 200000;

class Context {
 public:
  Context(Probe& probe, const CheckOptions& options);

  Probe& probe() { return probe_; }
  const CheckOptions& options() const { return options_; }
  protocol::IgVersion version() const { return options_.version; }
  bool v2_or_later() const;
  bool post_only() const;  // 4.0.0-ballot removed the GET kick-off (KO-03)
  KickoffStyle style() const { return KickoffStyle::posted(post_only()); }  // the plain kick-off

  const Exchange& capability();
  const nlohmann::json* capability_json();  // null when metadata is not a CapabilityStatement
  // The levels to test, resolved once: --levels, else what the CapabilityStatement declares.
  const std::vector<std::string>& levels();
  const std::string& levels_note() { return levels_note_; }
  // Where the one-off checks run: the first tested level (system when none is).
  std::string first_level() { return levels().empty() ? "system" : levels().front(); }

  // The kick-off every level's checks share; started on first use and downloaded whole.
  ExportRun& baseline(const std::string& level);
  // A fresh export: kick-off (retried on 429 / transient), poll, optionally every download.
  ExportRun run_export(const std::string& level, const protocol::QueryParams& params,
                       const KickoffStyle& style, bool download);
  // A kick-off that the run will release at the end (or the caller DELETEs itself).
  Exchange kickoff(const std::string& level, const protocol::QueryParams& params,
                   const KickoffStyle& style = {});
  std::string status_url_of(const Exchange& kickoff) const;
  Exchange del(const std::string& status_url);
  void forget_job(const std::string& status_url);
  void release_all();

  // A value several checks share, made once per run under `key`.
  template <class T, class Make>
  T& memo(const std::string& key, Make make) {
    auto& slot = memo_[key];
    if (!slot) slot = std::make_shared<T>(make());
    return *static_cast<T*>(slot.get());
  }

  // SMART Backend Services, when the run has credentials (null otherwise).
  void set_smart(SmartClient* smart) { smart_ = smart; }
  SmartClient* smart() { return smart_; }
  // Whether the run sends tokens at all (SMART or --bearer-token): the no-token checks need it.
  bool auth_in_use() const { return smart_ != nullptr || options_.bearer_token.has_value(); }

  const std::vector<Exchange>& kickoff_log() const { return kickoff_log_; }
  const std::vector<Exchange>& delete_log() const { return delete_log_; }

 private:
  void resolve_levels();
  void download_all(ExportRun& run);

  Probe& probe_;
  const CheckOptions& options_;
  std::optional<Exchange> capability_;
  std::optional<nlohmann::json> capability_json_;
  std::optional<std::vector<std::string>> levels_;
  std::string levels_note_;
  std::map<std::string, std::unique_ptr<ExportRun>> baselines_;
  std::vector<std::string> open_jobs_;
  std::vector<Exchange> kickoff_log_;
  std::vector<Exchange> delete_log_;
  std::map<std::string, std::shared_ptr<void>> memo_;
  SmartClient* smart_ = nullptr;
};

}  // namespace bh::conformance
