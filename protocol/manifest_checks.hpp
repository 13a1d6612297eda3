// protocol/manifest_checks: the building blocks of validate_manifest (internal).
//
// Contract: FindingSink collects findings for one manifest under one IG version and checks the
// parts that repeat across the manifest: a member's presence, URLs (absolute from 2.0.0),
// counts, extension shape (object V1-V3, array of Extension V4) and the file arrays output /
// error (outcome) / deleted with their items. It never throws: every member is type-checked
// before it is read. finish() yields the manifest only when no error finding was made.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/ig_version.hpp"
#include "protocol/manifest.hpp"

namespace bh::protocol::manifest_detail {

enum class ItemKind { kOutput, kError, kDeleted };

inline constexpr std::size_t kMaxFindings = 200;

// A JSON-pointer reference token: '~' -> "~0", '/' -> "~1" (RFC 6901).
std::string token(std::string_view key);
// "string \"true\"", "number -1", "an object", ... bounded, for messages.
std::string describe(const nlohmann::json& j);

class FindingSink {
 public:
  explicit FindingSink(IgVersion version) : v_(version) {}

  void error(std::string requirement, std::string path, std::string message);
  void warning(std::string requirement, std::string path, std::string message);
  void info(std::string requirement, std::string path, std::string message);
  ManifestCheck finish(std::optional<Manifest> manifest);

  // obj[key], or nullptr when absent; a missing required member is an error at parent/key.
  const nlohmann::json* field(const nlohmann::json& obj, const std::string& parent,
                              std::string_view key, std::string_view requirement, bool required);
  // The URL in obj[key] when it is a string usable in this version, else empty (and an error
  // when present or required).
  std::string url(const nlohmann::json& obj, const std::string& parent, std::string_view key,
                  std::string_view requirement, bool required);
  std::optional<std::uint64_t> count(const nlohmann::json& obj, const std::string& parent,
                                     std::string_view key, std::string_view requirement);
  void extension(const nlohmann::json& ext, const std::string& path);
  // The array root[key] read as files; absent is an error only when required.
  std::vector<ManifestFile> files(const nlohmann::json& root, std::string_view key, ItemKind kind,
                                  bool required, bool organized);

 private:
  void add(std::string requirement, Severity severity, std::string path, std::string message);
  std::optional<ManifestFile> item(const nlohmann::json& item, const std::string& path,
                                   ItemKind kind, bool organized);
  void item_type(const nlohmann::json& item, const std::string& path, ItemKind kind, bool organized,
                 ManifestFile& file);
  void v4_item_fields(const nlohmann::json& item, const std::string& path, ItemKind kind);
  void count_severity(const nlohmann::json& list, const std::string& path);

  IgVersion v_;
  std::vector<Finding> findings_;
  bool has_error_ = false;
  std::size_t left_out_ = 0;
};

}  // namespace bh::protocol::manifest_detail
