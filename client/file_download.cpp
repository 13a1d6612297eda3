#include "client/file_download.hpp"

#include <cctype>
#include <map>

#include "core/rng.hpp"

namespace bh::client {

namespace {

std::string safe_stem(std::string_view type) {
  std::string out;
  for (char c : type.substr(0, 64))
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  return out.empty() ? "output" : out;
}

class Namer {
 public:
  std::string next(const std::string& stem) {
    std::string name;
    do {
      name = stem + "-" + std::to_string(++counters_[stem]) + ".ndjson";
    } while (!used_.insert(name).second);
    return name;
  }

 private:
  std::map<std::string, std::uint64_t> counters_;
  std::set<std::string> used_{"manifest.json"};
};

}  // namespace

std::string_view to_string(FileKind kind) {
  switch (kind) {
    case FileKind::kOutput:
      return "output";
    case FileKind::kError:
      return "error";
    case FileKind::kDeleted:
      return "deleted";
  }
  return "?";
}

FileDownload::FileDownload(FileKind k, std::size_t index, const protocol::ManifestFile& item,
                           std::string name, Backoff backoff)
    : kind(k), list_index(index), count(item.count), chain(backoff) {
  // The expected resourceType follows the list, not the item's `type`, for error and deleted
  // files: V4 items carry no type, and MF-05/MF-06 fix the content whatever an item claims.
  switch (k) {
    case FileKind::kOutput:
      expected_type = item.type;
      break;
    case FileKind::kError:
      expected_type = "OperationOutcome";
      break;
    case FileKind::kDeleted:
      expected_type = "Bundle";
      break;
  }
  if (auto url = protocol::parse_url(item.url)) manifest_url = *url;
  report.name = std::move(name);
  report.url = item.url;
  report.type = expected_type;
}

std::vector<FileDownload> plan_downloads(const protocol::Manifest& m, const BackoffPolicy& policy,
                                         std::uint64_t seed) {
  std::vector<FileDownload> files;
  Namer namer;
  auto add = [&](FileKind kind, const std::vector<protocol::ManifestFile>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string stem =
          kind == FileKind::kOutput ? safe_stem(items[i].type) : std::string(to_string(kind));
      const auto n = files.size();
      Backoff backoff(policy, Rng(seed, stream_id("client/file/" + std::to_string(n))));
      files.emplace_back(kind, i, items[i], namer.next(stem), backoff);
    }
  };
  add(FileKind::kOutput, m.output);
  add(FileKind::kError, m.error);
  add(FileKind::kDeleted, m.deleted);
  return files;
}

}  // namespace bh::client
