// serve --fuzz: manifest mutations. Each keeps the body JSON (but one, which cuts it) and
// breaks one thing a client must check or tolerate (MF-01..MF-05, MF-09, DL-01).
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mockserver/response_fuzzer.hpp"
#include "protocol/url.hpp"

namespace bh::mockserver {

namespace {

using Json = nlohmann::ordered_json;

// A file entry to damage: output first, else error.
Json* pick_file(Json& m, Rng& rng, std::string& path) {
  for (const char* list : {"output", "error"}) {
    if (!m.contains(list) || !m[list].is_array() || m[list].empty()) continue;
    auto i = rng.uniform(0, m[list].size() - 1);
    path = std::string("/") + list + "/" + std::to_string(i);
    return &m[list][i];
  }
  return nullptr;
}

// The path and query of one of our absolute URLs (anything else is kept as it is).
std::string path_of(const std::string& url) {
  auto parsed = protocol::parse_url(url);
  return parsed ? parsed->target : url;
}

using Mutator = std::function<std::string(Json&, Rng&)>;

std::string on_file(Json& m, Rng& rng, const char* what, const std::function<void(Json&)>& change) {
  std::string path;
  Json* f = pick_file(m, rng, path);
  if (!f || !f->is_object()) return "";
  change(*f);
  return "manifest: " + path + " " + what;
}

const std::vector<Mutator>& mutators() {
  static const std::vector<Mutator> all = {
      [](Json& m, Rng& r) {
        return on_file(m, r, "url made relative", [](Json& f) {
          if (!f.contains("url") || !f["url"].is_string()) return;
          const auto path = path_of(f["url"]);
          f["url"] = path.starts_with("/") ? path.substr(1) : path;
        });
      },
      [](Json& m, Rng& r) {
        return on_file(m, r, "url on another host", [](Json& f) {
          if (f.contains("url") && f["url"].is_string())
            f["url"] = "http://127.0.0.2:9" + path_of(f["url"]);
        });
      },
      [](Json& m, Rng& r) {
        return on_file(m, r, "url with an ftp scheme", [](Json& f) {
          if (f.contains("url") && f["url"].is_string())
            f["url"] = "ftp://127.0.0.1" + path_of(f["url"]);
        });
      },
      [](Json& m, Rng& r) {
        return on_file(m, r, "count as a string",
                       [](Json& f) { f["count"] = f.contains("count") ? f["count"].dump() : "1"; });
      },
      [](Json& m, Rng& r) {
        return on_file(m, r, "count one too high", [](Json& f) {
          f["count"] = f.contains("count") && f["count"].is_number_unsigned()
                           ? f["count"].get<std::uint64_t>() + 1
                           : 1;
        });
      },
      [](Json& m, Rng& r) {
        return on_file(m, r, "count negative", [](Json& f) { f["count"] = -1; });
      },
      [](Json& m, Rng& r) {
        return on_file(m, r, "type lower-cased", [](Json& f) {
          if (f.contains("type") && f["type"].is_string()) {
            auto t = f["type"].get<std::string>();
            for (auto& c : t)
              c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            f["type"] = t;
          }
        });
      },
      [](Json& m, Rng& r) {
        return on_file(m, r, "type not a resource type", [](Json& f) { f["type"] = "Patients"; });
      },
      [](Json& m, Rng& r) { return on_file(m, r, "url removed", [](Json& f) { f.erase("url"); }); },
      [](Json& m, Rng&) {
        m.erase("transactionTime");
        return std::string("manifest: /transactionTime removed");
      },
      [](Json& m, Rng&) {
        m["transactionTime"] = "2026-01-01";
        return std::string("manifest: /transactionTime a date without a time");
      },
      [](Json& m, Rng&) {
        m["requiresAccessToken"] = "false";
        return std::string("manifest: /requiresAccessToken as a string");
      },
      [](Json& m, Rng&) {
        m.erase("request");
        return std::string("manifest: /request removed");
      },
      [](Json& m, Rng&) {
        if (!m.contains("output") || !m["output"].is_array() || m["output"].empty())
          return std::string();
        m["output"].push_back(m["output"][0]);
        return std::string("manifest: /output/0 listed twice");
      },
      [](Json& m, Rng&) {
        if (!m.contains("output") || !m["output"].is_array() || m["output"].empty())
          return std::string();
        Json first = m["output"][0];
        m["output"] = first;
        return std::string("manifest: /output an object instead of an array");
      },
      [](Json& m, Rng&) {
        m["output"] = Json::array();
        return std::string("manifest: /output emptied");
      },
      [](Json& m, Rng&) {
        if (!m.contains("output") || !m["output"].is_array() || m["output"].empty())
          return std::string();
        Json e = m["output"][0];
        if (!m.contains("error") || !m["error"].is_array()) m["error"] = Json::array();
        m["error"].push_back(e);
        return std::string("manifest: /error lists a non-OperationOutcome file");
      },
      [](Json& m, Rng&) {
        Json deep = Json::object();
        for (int i = 0; i < 64; ++i)
          deep = Json{{"x", deep}};
        m["extension"] = Json{{"http://example.org/fuzz", deep}};
        m["unknownField"] = std::string(4096, 'x');
        return std::string("manifest: unknown fields and a deep extension added (tolerable)");
      },
  };
  return all;
}

}  // namespace

std::string fuzz_manifest(protocol::Response& r, Rng& rng) {
  auto m = Json::parse(r.body, nullptr, false);
  if (m.is_discarded() || !m.is_object()) return "";
  if (r.body.size() > 2 && rng.chance(0.08)) {
    const auto cut = rng.uniform(1, r.body.size() - 1);
    r.body.resize(cut);
    return "manifest: body cut at byte " + std::to_string(cut);
  }
  const auto& all = mutators();
  // Some mutators find nothing to change in a given manifest: try the next ones in turn.
  const auto start = rng.uniform(0, all.size() - 1);
  for (std::size_t k = 0; k < all.size(); ++k) {
    Json copy = m;
    auto what = all[(start + k) % all.size()](copy, rng);
    if (what.empty()) continue;
    r.body = copy.dump();
    return what;
  }
  return "";
}

}  // namespace bh::mockserver
