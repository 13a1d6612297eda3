#include "conformance/report_html.hpp"

#include <algorithm>
#include <map>
#include <ostream>

#include "conformance/markup_escape.hpp"
#include "conformance/report.hpp"
#include "core/strings.hpp"

namespace bh::conformance {

namespace {

// Kept in step with ci/report_html.py's page (the replay report) so the two read alike.
constexpr const char* kCss =
    "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}"
    "h1{font-size:22px}h2{font-size:18px;margin-top:32px}"
    "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 6px;"
    "text-align:left;vertical-align:top}th{background:#f4f4f4}"
    "td.pass{color:#17702b}td.fail,h2.fail{color:#b00020;font-weight:600}td.warn{color:#a05a00}"
    "td.skip,td.info{color:#666}"
    "tr.check.fail td{background:#fde8ea}tr.check.warn td{background:#fff4e0}"
    "pre{white-space:pre-wrap;font-size:12px;background:#f6f6f6;padding:6px;max-height:20em;"
    "overflow:auto}";

constexpr Status kStatuses[] = {Status::kPass, Status::kFail, Status::kWarn, Status::kInfo,
                                Status::kSkip};

std::string esc(std::string_view s) {
  return markup_escape(s);
}

std::string row_id(std::size_t i) {
  return "check-" + std::to_string(i);
}

// Areas in the order the run met them, each with its result indices.
using Areas = std::vector<std::pair<std::string, std::vector<std::size_t>>>;
Areas by_area(const RunReport& r) {
  Areas areas;
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    auto it = std::find_if(areas.begin(), areas.end(),
                           [&](const auto& a) { return a.first == r.results[i].area; });
    if (it == areas.end()) it = areas.insert(areas.end(), {r.results[i].area, {}});
    it->second.push_back(i);
  }
  return areas;
}

std::string counts(const RunReport& r, const std::vector<std::size_t>& rows) {
  std::map<Status, std::size_t> n;
  for (auto i : rows)
    ++n[r.results[i].status];
  std::vector<std::string> parts;
  for (auto s : kStatuses)
    if (n[s] > 0) parts.push_back(std::to_string(n[s]) + " " + std::string(to_string(s)));
  return join(parts, ", ");
}

void write_run(const RunReport& r, std::ostream& out) {
  out << "<table class=\"run\"><tr><th>server</th><td>" << esc(r.base_url)
      << "</td></tr><tr><th>IG version</th><td>" << esc(protocol::to_string(r.version))
      << "</td></tr><tr><th>export levels</th><td>"
      << esc(r.levels.empty() ? std::string("none") : join(r.levels, ", ")) << " ("
      << esc(r.levels_note) << ")</td></tr><tr><th>result</th><td>" << esc(summary_line(r))
      << "</td></tr><tr><th>exit</th><td class=\"" << (r.exit_code() == 0 ? "pass" : "fail")
      << "\">" << esc(exit_line(r)) << "</td></tr></table>\n";
}

void write_failures(const RunReport& r, std::ostream& out) {
  std::string items;
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    const auto& c = r.results[i];
    if (c.status != Status::kFail) continue;
    items += "<li><a href=\"#" + row_id(i) + "\">" + esc(label(c)) + "</a> [" +
             esc(join(c.requirements, ", ")) + "]: " + esc(c.message) + "</li>";
  }
  if (!items.empty())
    out << "<h2 class=\"fail\">Failed SHALL checks</h2><ul>" << items << "</ul>\n";
}

void write_overview(const RunReport& r, const Areas& areas, std::ostream& out) {
  out << "<table class=\"areas\"><tr><th>area</th><th>checks</th><th>results</th></tr>";
  for (const auto& [name, rows] : areas)
    out << "<tr><td><a href=\"#area-" << esc(name) << "\">" << esc(name) << "</a></td><td>"
        << rows.size() << "</td><td>" << esc(counts(r, rows)) << "</td></tr>";
  out << "</table>\n";
}

void write_check(const CheckResult& c, std::size_t i, std::ostream& out) {
  const std::string status(to_string(c.status));
  out << "<tr class=\"check " << status << "\" id=\"" << row_id(i) << "\"><td>" << esc(c.id)
      << "</td><td>" << esc(c.export_level) << "</td><td>" << esc(to_string(c.level)) << "</td><td>"
      << esc(join(c.requirements, ", ")) << "</td><td class=\"" << status << "\">" << status
      << (c.out_of_time ? " (out of time)" : "") << "</td><td>" << esc(c.title) << "<br>"
      << esc(c.message);
  const bool finding = c.status == Status::kFail || c.status == Status::kWarn;
  for (const auto& e : c.evidence)
    out << "<details" << (finding ? " open" : "") << "><summary>evidence</summary><pre>"
        << esc(e.request) << "</pre><pre>" << esc(e.response) << "</pre></details>";
  out << "</td></tr>\n";
}

}  // namespace

void write_html(const RunReport& r, std::ostream& out) {
  const std::string title = "bulkharness check " + r.base_url;
  out << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << esc(title)
      << "</title><style>" << kCss << "</style></head><body><h1>" << esc(title) << "</h1>\n";
  write_run(r, out);
  write_failures(r, out);
  const auto areas = by_area(r);
  write_overview(r, areas, out);
  for (const auto& [name, rows] : areas) {
    out << "<section class=\"area\" id=\"area-" << esc(name) << "\"><h2>" << esc(name)
        << " <small>(" << esc(counts(r, rows)) << ")</small></h2><table><tr><th>check</th>"
        << "<th>export level</th><th>level</th><th>requirements</th><th>status</th>"
        << "<th>what, and what was seen</th></tr>\n";
    for (auto i : rows)
      write_check(r.results[i], i, out);
    out << "</table></section>\n";
  }
  out << "</body></html>\n";
}

}  // namespace bh::conformance
