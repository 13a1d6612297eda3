#include "protocol/manifest_checks.hpp"

#include "protocol/text_quote.hpp"
#include "protocol/url.hpp"

namespace bh::protocol::manifest_detail {

namespace {

using nlohmann::json;

std::string requirement_of(ItemKind kind) {
  switch (kind) {
    case ItemKind::kOutput:
      return "MF-04";
    case ItemKind::kError:
      return "MF-05";
    case ItemKind::kDeleted:
      return "MF-06";
  }
  return "MF-04";
}

std::string join_path(const std::string& parent, std::string_view key) {
  return parent + "/" + token(key);
}

constexpr std::string_view kSeverityCodes[] = {"fatal", "error", "warning", "information",
                                               "success"};

}  // namespace

std::string token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string describe(const json& j) {
  if (j.is_string()) return quote_value(j.get_ref<const std::string&>(), 60);
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  if (j.is_null()) return "null";
  const std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return (j.is_boolean() ? "boolean " : "number ") + text;
}

void FindingSink::add(std::string requirement, Severity severity, std::string path,
                      std::string message) {
  if (severity == Severity::kError) has_error_ = true;
  if (findings_.size() >= kMaxFindings) {
    ++left_out_;
    return;
  }
  findings_.push_back({std::move(requirement), severity, std::move(path), std::move(message)});
}

void FindingSink::error(std::string requirement, std::string path, std::string message) {
  add(std::move(requirement), Severity::kError, std::move(path), std::move(message));
}

void FindingSink::warning(std::string requirement, std::string path, std::string message) {
  add(std::move(requirement), Severity::kWarning, std::move(path), std::move(message));
}

void FindingSink::info(std::string requirement, std::string path, std::string message) {
  add(std::move(requirement), Severity::kInfo, std::move(path), std::move(message));
}

ManifestCheck FindingSink::finish(std::optional<Manifest> manifest) {
  ManifestCheck check;
  check.findings = std::move(findings_);
  if (left_out_ > 0)
    check.findings.push_back(
        {"MF-13", Severity::kInfo, "", std::to_string(left_out_) + " more findings left out"});
  if (!has_error_) check.manifest = std::move(manifest);
  return check;
}

const json* FindingSink::field(const json& obj, const std::string& parent, std::string_view key,
                               std::string_view requirement, bool required) {
  const auto it = obj.find(key);
  if (it != obj.end()) return &*it;
  if (required)
    error(std::string(requirement), join_path(parent, key),
          "required field `" + std::string(key) + "` is missing (IG " + std::string(to_string(v_)) +
              ")");
  return nullptr;
}

std::string FindingSink::url(const json& obj, const std::string& parent, std::string_view key,
                             std::string_view requirement, bool required) {
  const json* u = field(obj, parent, key, requirement, required);
  if (u == nullptr) return {};
  const std::string path = join_path(parent, key);
  if (!u->is_string() || u->get_ref<const std::string&>().empty()) {
    error(std::string(requirement), path, "expected a non-empty URL string, got " + describe(*u));
    return {};
  }
  // 1.0.1 allowed any path; from 2.0.0 file URLs SHALL be absolute (MF-04, Inferno v2 OUT).
  if (v_ >= IgVersion::kV2_0_0 && !parse_url(u->get_ref<const std::string&>())) {
    error(std::string(requirement), path, "expected an absolute http(s) URL, got " + describe(*u));
    return {};
  }
  return u->get<std::string>();
}

std::optional<std::uint64_t> FindingSink::count(const json& obj, const std::string& parent,
                                                std::string_view key,
                                                std::string_view requirement) {
  const json* c = field(obj, parent, key, requirement, false);
  if (c == nullptr) return std::nullopt;
  if (!c->is_number_unsigned()) {
    error(std::string(requirement), join_path(parent, key),
          "expected a non-negative integer, got " + describe(*c));
    return std::nullopt;
  }
  return c->get<std::uint64_t>();
}

// MF-07: V1-V3 reserve `extension` as a JSON object keyed by URL; V4 makes it an array of FHIR
// Extension elements.
void FindingSink::extension(const json& ext, const std::string& path) {
  if (v_ != IgVersion::kV4_0_0_ballot) {
    if (!ext.is_object())
      error("MF-07", path,
            "expected a JSON object ({\"<url>\": ...}) in IG " + std::string(to_string(v_)) +
                ", got " + describe(ext));
    return;
  }
  if (!ext.is_array()) {
    error("MF-07", path,
          "expected an array of FHIR Extension ([{\"url\": ...}]) in IG 4.0.0-ballot, got " +
              describe(ext));
    return;
  }
  for (std::size_t i = 0; i < ext.size(); ++i) {
    const json& e = ext[i];
    const auto u = e.is_object() ? e.find("url") : e.end();
    if (!e.is_object() || u == e.end() || !u->is_string())
      error("MF-07", path + "/" + std::to_string(i),
            "expected a FHIR Extension with a string `url`, got " + describe(e));
  }
}

std::vector<ManifestFile> FindingSink::files(const json& root, std::string_view key, ItemKind kind,
                                             bool required, bool organized) {
  const std::string requirement = requirement_of(kind);
  std::vector<ManifestFile> out;
  const json* list = field(root, "", key, requirement, required);
  if (list == nullptr) return out;
  const std::string path = join_path("", key);
  if (!list->is_array()) {
    error(requirement, path, "expected an array, got " + describe(*list));
    return out;
  }
  for (std::size_t i = 0; i < list->size(); ++i)
    if (auto f = item((*list)[i], path + "/" + std::to_string(i), kind, organized))
      out.push_back(std::move(*f));
  return out;
}

std::optional<ManifestFile> FindingSink::item(const json& item, const std::string& path,
                                              ItemKind kind, bool organized) {
  const std::string requirement = requirement_of(kind);
  if (!item.is_object()) {
    error(requirement, path, "expected an object, got " + describe(item));
    return std::nullopt;
  }
  ManifestFile file;
  item_type(item, path, kind, organized, file);
  file.url = url(item, path, "url", requirement, true);
  file.count = count(item, path, "count", requirement);
  if (kind == ItemKind::kOutput && file.count == std::uint64_t{0})
    warning("MF-04", path + "/count",
            "a type with no data SHOULD have no output item, got count 0");
  if (kind == ItemKind::kOutput && v_ >= IgVersion::kV3_0_0)
    url(item, path, "continuesInFile", "MF-04", false);
  if (v_ == IgVersion::kV4_0_0_ballot) v4_item_fields(item, path, kind);
  if (auto ext = item.find("extension"); ext != item.end()) extension(*ext, path + "/extension");
  return file;
}

// `type`: a resource type on output items (left out when organized, MF-09); "OperationOutcome"
// on error items and "Bundle" on deleted items in V1-V3; no `type` on either in V4.
void FindingSink::item_type(const json& item, const std::string& path, ItemKind kind,
                            bool organized, ManifestFile& file) {
  const std::string requirement = requirement_of(kind);
  const auto it = item.find("type");
  if (kind == ItemKind::kOutput) {
    if (organized) {
      if (it != item.end())
        error("MF-09", path + "/type",
              "output items SHALL leave out `type` when outputOrganizedBy is set");
      return;
    }
    const json* t = field(item, path, "type", requirement, true);
    if (t != nullptr && (!t->is_string() || !is_r4_resource_type(t->get<std::string>())))
      error(requirement, path + "/type", "expected an R4 resource type name, got " + describe(*t));
    else if (t != nullptr)
      file.type = t->get<std::string>();
    return;
  }
  const std::string expected = kind == ItemKind::kError ? "OperationOutcome" : "Bundle";
  file.type = expected;
  if (v_ == IgVersion::kV4_0_0_ballot) {
    if (it != item.end())
      warning(requirement, path + "/type", "items of this array have no `type` in IG 4.0.0-ballot");
    return;
  }
  const json* t = field(item, path, "type", requirement, true);
  if (t != nullptr && (!t->is_string() || t->get<std::string>() != expected))
    error(requirement, path + "/type", "expected \"" + expected + "\", got " + describe(*t));
}

void FindingSink::v4_item_fields(const json& item, const std::string& path, ItemKind kind) {
  const std::string requirement = requirement_of(kind);
  count(item, path, "fileSize", requirement);
  if (kind != ItemKind::kError) return;
  if (auto cs = item.find("countSeverity"); cs != item.end())
    count_severity(*cs, path + "/countSeverity");
}

// V4 outcome items: countSeverity[] = {code: fatal|error|warning|information|success, count}.
void FindingSink::count_severity(const json& list, const std::string& path) {
  if (!list.is_array()) {
    error("MF-05", path, "expected an array, got " + describe(list));
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = path + "/" + std::to_string(i);
    const json& entry = list[i];
    if (!entry.is_object()) {
      error("MF-05", p, "expected an object {code, count}, got " + describe(entry));
      continue;
    }
    const json* code = field(entry, p, "code", "MF-05", true);
    bool known = false;
    if (code != nullptr && code->is_string())
      for (auto c : kSeverityCodes)
        known = known || code->get_ref<const std::string&>() == c;
    if (code != nullptr && !known)
      error("MF-05", p + "/code",
            "expected fatal, error, warning, information or success, got " + describe(*code));
    if (field(entry, p, "count", "MF-05", true) != nullptr) count(entry, p, "count", "MF-05");
  }
}

}  // namespace bh::protocol::manifest_detail
