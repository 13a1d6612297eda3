// Validating a completion manifest as received (MF-01..MF-11, MF-13's body part), per IG version.
//
// Severity: breaking a SHALL (or the manifest's JSON shape) is an error and makes the manifest
// unusable; a SHOULD is a warning; fields we do not know are info. Policies where the IG is open:
//  * A 4.0.0-ballot manifest that still carries `request` or `error` is a warning, not an error:
//    V4 removed/renamed them without a SHALL NOT, and a client must ignore unknown fields anyway.
//    Their content is ignored (a V4 client reads error files only from `outcome`).
//  * `request` must be an absolute URL in every version ("the full URL of the kick-off").
//  * `link` before 3.0.0 is a warning: a client of that version would not follow it and would
//    miss files.
//  * Unknown root fields are info findings (server-specific data belongs in `extension`, MF-07).
//  * An output item with count 0 is a warning (MF-04: a type with no data SHOULD have no item).
//  * Findings are capped at kMaxFindings (then one info says how many were left out), bodies at
//    kMaxManifestBytes; usability is decided on all findings, including the ones left out.
#include <nlohmann/json.hpp>

#include "protocol/fhir_instant.hpp"
#include "protocol/manifest.hpp"
#include "protocol/manifest_checks.hpp"
#include "protocol/text_quote.hpp"
#include "protocol/url.hpp"

#include <map>

namespace bh::protocol {

namespace {

using manifest_detail::describe;
using manifest_detail::FindingSink;
using manifest_detail::token;
using nlohmann::json;

constexpr std::size_t kMaxManifestBytes = std::size_t{64} << 20;

// Records nlohmann's syntax error (position and reason) without exceptions: the SAX parser hands
// the exception object to parse_error instead of throwing it.
struct SyntaxErrorProbe {
  std::string message;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(std::string&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& ex) {
    message = ex.what();
    return false;
  }
};

std::string syntax_error(std::string_view body) {
  SyntaxErrorProbe probe;
  json::sax_parse(body.begin(), body.end(), &probe, json::input_format_t::json, true);
  // nlohmann echoes the bytes it last read, which may be invalid UTF-8.
  return probe.message.empty() ? "not valid JSON" : printable_excerpt(probe.message);
}

class ManifestValidator {
 public:
  explicit ManifestValidator(IgVersion version) : v_(version), sink_(version) {}

  ManifestCheck run(std::string_view body) {
    if (body.size() > kMaxManifestBytes) {
      sink_.error("MF-13", "",
                  "manifest body of " + std::to_string(body.size()) +
                      " bytes exceeds the limit of " + std::to_string(kMaxManifestBytes));
      return sink_.finish(std::nullopt);
    }
    const json root = json::parse(body.begin(), body.end(), nullptr, false);
    if (root.is_discarded()) {
      sink_.error("MF-13", "", "expected a JSON object, got invalid JSON: " + syntax_error(body));
      return sink_.finish(std::nullopt);
    }
    if (!root.is_object()) {
      sink_.error("MF-13", "", "expected a JSON object at the root, got " + describe(root));
      return sink_.finish(std::nullopt);
    }
    return sink_.finish(check_root(root));
  }

 private:
  bool at_least(IgVersion v) const { return v_ >= v; }
  bool v4() const { return v_ == IgVersion::kV4_0_0_ballot; }

  Manifest check_root(const json& root) {
    Manifest m;
    check_transaction_time(root, m);
    check_request(root, m);
    check_requires_access_token(root, m);
    const bool organized = check_organized_by(root);
    m.output = sink_.files(root, "output", manifest_detail::ItemKind::kOutput, !v4(), organized);
    if (v4()) {
      m.error = sink_.files(root, "outcome", manifest_detail::ItemKind::kError, false, false);
      if (root.contains("error"))
        sink_.warning("MF-05", "/error",
                      "`error` was renamed `outcome` in IG 4.0.0-ballot; its files are ignored");
    } else {
      m.error = sink_.files(root, "error", manifest_detail::ItemKind::kError, true, false);
    }
    if (at_least(IgVersion::kV2_0_0))
      m.deleted = sink_.files(root, "deleted", manifest_detail::ItemKind::kDeleted, false, false);
    if (auto it = root.find("extension"); it != root.end()) sink_.extension(*it, "/extension");
    check_unique_urls(root);
    check_link(root);
    check_v4_fields(root);
    check_unknown_fields(root);
    return m;
  }

  // MF-04: one item per generated file. The same URL listed twice would make a client fetch
  // and count the same data twice.
  void check_unique_urls(const json& root) {
    std::map<std::string, std::string> seen;  // url -> the path that listed it first
    for (const char* key : {"output", "error", "outcome", "deleted"}) {
      auto it = root.find(key);
      if (it == root.end() || !it->is_array()) continue;
      for (std::size_t i = 0; i < it->size(); ++i) {
        const json& item = (*it)[i];
        if (!item.is_object() || !item.contains("url") || !item["url"].is_string()) continue;
        const std::string path = "/" + std::string(key) + "/" + std::to_string(i) + "/url";
        auto [first, fresh] = seen.emplace(item["url"].get<std::string>(), path);
        if (!fresh)
          sink_.error(
              "MF-04", path,
              "lists the same file as " + first->second + "; expected one item per generated file");
      }
    }
  }

  void check_transaction_time(const json& root, Manifest& m) {
    const json* t = sink_.field(root, "", "transactionTime", "MF-01", true);
    if (t == nullptr) return;
    if (!t->is_string()) {
      sink_.error("MF-01", "/transactionTime",
                  "expected a FHIR instant string, got " + describe(*t));
      return;
    }
    auto instant = parse_fhir_instant(t->get<std::string>());
    if (!instant) {
      sink_.error("MF-01", "/transactionTime", instant.error().message());
      return;
    }
    m.transaction_time = instant.value();
  }

  void check_request(const json& root, Manifest& m) {
    if (v4()) {
      if (root.contains("request"))
        sink_.warning("MF-02", "/request", "`request` was removed in IG 4.0.0-ballot; ignored");
      return;
    }
    const json* r = sink_.field(root, "", "request", "MF-02", true);
    if (r == nullptr) return;
    if (!r->is_string() || !parse_url(r->get<std::string>())) {
      sink_.error("MF-02", "/request",
                  "expected the absolute URL of the kick-off, got " + describe(*r));
      return;
    }
    m.request = r->get<std::string>();
  }

  void check_requires_access_token(const json& root, Manifest& m) {
    const json* r = sink_.field(root, "", "requiresAccessToken", "MF-03", true);
    if (r == nullptr) return;
    if (!r->is_boolean()) {
      sink_.error("MF-03", "/requiresAccessToken", "expected a JSON boolean, got " + describe(*r));
      return;
    }
    m.requires_access_token = r->get<bool>();
  }

  // True when the output is organized by a resource type (MF-09, V3+).
  bool check_organized_by(const json& root) {
    if (!at_least(IgVersion::kV3_0_0)) return false;
    const auto it = root.find("outputOrganizedBy");
    if (v4() && root.contains("outputOrganizedByDetail")) {
      if (!root["outputOrganizedByDetail"].is_string())
        sink_.error("MF-09", "/outputOrganizedByDetail",
                    "expected a string, got " + describe(root["outputOrganizedByDetail"]));
      if (it == root.end())
        sink_.error("MF-09", "/outputOrganizedByDetail",
                    "outputOrganizedByDetail is allowed only together with outputOrganizedBy");
    }
    if (it == root.end()) return false;
    if (!it->is_string() || !is_r4_resource_type(it->get<std::string>())) {
      sink_.error("MF-09", "/outputOrganizedBy",
                  "expected an R4 resource type name, got " + describe(*it));
      return false;
    }
    return true;
  }

  void check_link(const json& root) {
    const auto it = root.find("link");
    if (it == root.end()) return;
    if (!at_least(IgVersion::kV3_0_0)) {
      sink_.warning("MF-08", "/link",
                    "`link` is defined from IG 3.0.0; a client of IG " +
                        std::string(to_string(v_)) + " will not follow it and may miss files");
      return;
    }
    if (!it->is_array()) {
      sink_.error("MF-08", "/link", "expected an array, got " + describe(*it));
      return;
    }
    if (it->size() > 1)
      sink_.error("MF-08", "/link",
                  "expected a single `next` link, got " + std::to_string(it->size()) + " items");
    for (std::size_t i = 0; i < it->size(); ++i)
      check_link_item((*it)[i], i);
  }

  void check_link_item(const json& item, std::size_t i) {
    const std::string path = "/link/" + std::to_string(i);
    if (!item.is_object()) {
      sink_.error("MF-08", path, "expected an object, got " + describe(item));
      return;
    }
    const json* rel = sink_.field(item, path, "relation", "MF-08", true);
    if (rel != nullptr && (!rel->is_string() || rel->get<std::string>() != "next"))
      sink_.error("MF-08", path + "/relation", "expected \"next\", got " + describe(*rel));
    sink_.url(item, path, "url", "MF-08", true);
    if (auto ext = item.find("extension"); ext != item.end())
      sink_.extension(*ext, path + "/extension");
  }

  // V4-only root fields (MF-10, MF-11).
  void check_v4_fields(const json& root) {
    if (!v4()) return;
    if (auto it = root.find("manifestType"); it != root.end()) {
      if (!it->is_string())
        sink_.error("MF-10", "/manifestType",
                    "expected a canonical URL string, got " + describe(*it));
      else if (it->get<std::string>() != kBulkDataManifestType)
        sink_.warning(
            "MF-10", "/manifestType",
            "expected \"" + std::string(kBulkDataManifestType) + "\", got " + describe(*it));
    }
    if (auto it = root.find("outputFormat"); it != root.end() && !it->is_string())
      sink_.error("MF-11", "/outputFormat", "expected a MIME type string, got " + describe(*it));
  }

  void check_unknown_fields(const json& root) {
    for (const auto& item : root.items()) {
      if (known_root_field(item.key())) continue;
      sink_.info("MF-07", "/" + token(item.key()),
                 "unknown field ignored (IG " + std::string(to_string(v_)) +
                     "); server-specific data belongs in `extension`");
    }
  }

  bool known_root_field(std::string_view key) const {
    for (std::string_view k : {"transactionTime", "requiresAccessToken", "output", "extension"})
      if (key == k) return true;
    if (!v4() && (key == "request" || key == "error")) return true;
    if (v4() && (key == "request" || key == "error" || key == "outcome" || key == "manifestType" ||
                 key == "outputFormat" || key == "outputOrganizedByDetail"))
      return true;  // request/error already reported as leftovers
    if (at_least(IgVersion::kV2_0_0) && key == "deleted") return true;
    if (key == "link") return true;  // reported by check_link before V3
    return at_least(IgVersion::kV3_0_0) && key == "outputOrganizedBy";
  }

  IgVersion v_;
  FindingSink sink_;
};

}  // namespace

ManifestCheck validate_manifest(std::string_view body, IgVersion version) {
  return ManifestValidator(version).run(body);
}

}  // namespace bh::protocol
