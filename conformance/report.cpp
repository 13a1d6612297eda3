#include "conformance/report.hpp"

#include <cstdio>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "conformance/markup_escape.hpp"
#include "core/strings.hpp"
#include "protocol/text_quote.hpp"

namespace bh::conformance {

namespace {

std::string indent(const std::string& text, const std::string& pad) {
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

}  // namespace

std::string label(const CheckResult& r) {
  return r.id + (r.export_level.empty() ? "" : " (" + r.export_level + ")");
}

std::string summary_line(const RunReport& r) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f s", to_seconds(r.elapsed));
  return std::to_string(r.results.size()) + " checks: " + std::to_string(r.count(Status::kPass)) +
         " passed, " + std::to_string(r.count(Status::kFail)) + " failed (SHALL), " +
         std::to_string(r.count(Status::kWarn)) + " warnings (SHOULD), " +
         std::to_string(r.count(Status::kInfo)) + " info (MAY), " +
         std::to_string(r.count(Status::kSkip)) + " skipped, in " + secs;
}

std::string exit_line(const RunReport& r) {
  const int code = r.exit_code();
  return "exit " + std::to_string(code) +
         (code == 1   ? " (a SHALL check failed)"
          : code == 3 ? " (inconclusive: " + std::to_string(r.out_of_time()) +
                            " SHALL check(s) ran out of time; raise --job-timeout or --timeout)"
                      : std::string(" (no SHALL check failed)"));
}

namespace {
void write_text_unfiltered(const RunReport& r, std::ostream& out, bool verbose) {
  out << "bulkharness check " << r.base_url << "  IG " << protocol::to_string(r.version)
      << "\nlevels: " << (r.levels.empty() ? std::string("none") : join(r.levels, ", ")) << "  ("
      << r.levels_note << ")\n";
  std::string area;
  for (const auto& c : r.results) {
    if (c.area != area) {
      area = c.area;
      out << "\n== " << area << "\n";
    }
    std::string status(to_string(c.status));
    for (auto& ch : status)
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    char head[64];
    std::snprintf(head, sizeof head, "  %-5s %-6s ", status.c_str(),
                  std::string(to_string(c.level)).c_str());
    out << head << label(c) << "  [" << join(c.requirements, ", ") << "]\n"
        << "              " << c.message << "\n";
    const bool finding = c.status == Status::kFail || c.status == Status::kWarn;
    if (!finding && !verbose) continue;
    for (const auto& e : c.evidence)
      out << indent("> " + e.request, "              ") << "\n"
          << indent("< " + e.response, "              ") << "\n";
  }
  out << "\n" << summary_line(r) << "\n";
  for (const auto& c : r.results)
    if (c.status == Status::kFail)
      out << "FAILED " << join(c.requirements, ",") << " " << label(c) << ": " << c.message << "\n";
  out << exit_line(r) << "\n";
}
}  // namespace

// Messages and evidence quote the server (headers, diagnostics, bodies): filtered for the
// terminal as a whole, so no path through the report can carry an escape sequence.
void write_text(const RunReport& r, std::ostream& out, bool verbose) {
  std::ostringstream text;
  write_text_unfiltered(r, text, verbose);
  out << protocol::terminal_safe(text.str());
}

void write_json(const RunReport& r, std::ostream& out) {
  nlohmann::ordered_json j;
  j["base_url"] = r.base_url;
  j["ig_version"] = std::string(protocol::to_string(r.version));
  j["levels"] = r.levels;
  j["levels_note"] = r.levels_note;
  j["elapsed_s"] = to_seconds(r.elapsed);
  j["summary"] = {{"checks", r.results.size()},     {"pass", r.count(Status::kPass)},
                  {"fail", r.count(Status::kFail)}, {"warn", r.count(Status::kWarn)},
                  {"info", r.count(Status::kInfo)}, {"skip", r.count(Status::kSkip)}};
  j["exit_code"] = r.exit_code();
  j["results"] = nlohmann::ordered_json::array();
  for (const auto& c : r.results) {
    nlohmann::ordered_json e;
    e["id"] = c.id;
    e["area"] = c.area;
    e["export_level"] = c.export_level;
    e["level"] = std::string(to_string(c.level));
    e["requirements"] = c.requirements;
    e["title"] = c.title;
    e["status"] = std::string(to_string(c.status));
    e["message"] = c.message;
    e["out_of_time"] = c.out_of_time;
    e["evidence"] = nlohmann::ordered_json::array();
    for (const auto& ev : c.evidence)
      e["evidence"].push_back({{"request", ev.request}, {"response", ev.response}});
    j["results"].push_back(std::move(e));
  }
  // Bodies may carry invalid UTF-8: replace it rather than throw.
  out << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

void write_junit(const RunReport& r, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\""
      << markup_escape("bulkharness check " + r.base_url) << "\" tests=\"" << r.results.size()
      << "\" failures=\"" << r.count(Status::kFail) << "\" skipped=\"" << r.count(Status::kSkip)
      << "\" time=\"" << to_seconds(r.elapsed) << "\">\n";
  for (const auto& c : r.results) {
    out << "    <testcase classname=\"" << markup_escape("check." + c.area) << "\" name=\""
        << markup_escape(label(c) + " [" + join(c.requirements, ",") + "]") << "\">\n";
    std::string evidence;
    for (const auto& e : c.evidence)
      evidence += "> " + e.request + "\n< " + e.response + "\n";
    if (c.status == Status::kFail)
      out << "      <failure message=\"" << markup_escape(c.message) << "\">"
          << markup_escape(evidence) << "</failure>\n";
    else if (c.status == Status::kSkip)
      out << "      <skipped message=\"" << markup_escape(c.message) << "\"/>\n";
    else
      out << "      <system-out>"
          << markup_escape(std::string(to_string(c.status)) + ": " + c.message + "\n" + evidence)
          << "</system-out>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace bh::conformance
