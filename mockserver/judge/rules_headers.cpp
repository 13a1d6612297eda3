// Request headers a client sends on each step: KO-05, KO-07, ST-06, DL-02.
#include "mockserver/judge/rules.hpp"

#include "protocol/media_range.hpp"
#include "protocol/prefer.hpp"

namespace bh::judge {

namespace {
std::string shown(const std::string& value) {
  return value.empty() ? "(absent)" : "\"" + value + "\"";
}

template <class Check>
RuleResult each(const Session& s, RuleResult r, std::string_view endpoint, std::string_view method,
                const char* expected, Check ok, const char* none) {
  Findings f;
  for (const auto& e : s.exchanges()) {
    if (e.endpoint != endpoint || (!method.empty() && e.method != method)) continue;
    const std::string accept = header(e, "Accept");
    if (ok(e))
      f.pass(e, expected, "Accept " + shown(accept));
    else
      f.violate(e, expected, "Accept " + shown(accept));
  }
  return f.finish(std::move(r), std::string("every one carried ") + expected, none);
}
}  // namespace

RuleResult rule_kickoff_accept(const Session& s, RuleResult r) {
  return each(
      s, std::move(r), "kickoff", "", "Accept: application/fhir+json",
      [](const Exchange& e) {
        return protocol::accept_names(header(e, "Accept"), "application/fhir+json");
      },
      "no kick-off was sent");
}

RuleResult rule_kickoff_prefer(const Session& s, RuleResult r) {
  Findings f;
  for (const auto& e : s.exchanges()) {
    if (e.endpoint != "kickoff") continue;
    const auto values = e.request_headers.get_all("Prefer");
    std::string text;
    for (auto v : values)
      text += (text.empty() ? "" : ", ") + std::string(v);
    auto prefs = protocol::parse_prefer(e.request_headers);
    const bool ok = prefs && prefs->respond_async();
    const std::string observed = "Prefer " + shown(text);
    if (ok)
      f.pass(e, "Prefer: respond-async", observed);
    else
      f.violate(e, "Prefer: respond-async", observed);
  }
  return f.finish(std::move(r), "every kick-off asked for respond-async", "no kick-off was sent");
}

RuleResult rule_status_accept(const Session& s, RuleResult r) {
  return each(
      s, std::move(r), "status", "GET", "Accept: application/json",
      [](const Exchange& e) {
        return protocol::accept_names(header(e, "Accept"), "application/json");
      },
      "no status request was sent");
}

RuleResult rule_download_accept(const Session& s, RuleResult r) {
  // DL-02: optional, but when sent it must admit the file's format.
  return each(
      s, std::move(r), "file", "GET", "no Accept, or one admitting application/fhir+ndjson",
      [](const Exchange& e) {
        const std::string a = header(e, "Accept");
        return a.empty() || protocol::accept_admits(a, "application/fhir+ndjson");
      },
      "no file was requested");
}

RuleResult rule_kickoff_post_parameters(const Session& s, RuleResult r) {
  // KO-04: a POST kick-off carries a Parameters body as FHIR JSON. The mock reads a body-less
  // POST like a GET (a lenient server), so only the judge notices.
  Findings f;
  for (const auto& e : s.exchanges()) {
    if (e.endpoint != "kickoff" || e.method != "POST") continue;
    const std::string type = header(e, "Content-Type");
    const std::string length = header(e, "Content-Length");
    const bool has_body =
        !header(e, "Transfer-Encoding").empty() || (!length.empty() && length != "0");
    const bool json = protocol::accept_names(type, "application/fhir+json") ||
                      protocol::accept_names(type, "application/json");
    const std::string observed =
        "Content-Type " + shown(type) + ", Content-Length " + shown(length);
    if (has_body && json)
      f.pass(e, "a Parameters body as application/fhir+json", observed);
    else
      f.violate(e, "a Parameters body as application/fhir+json", observed);
  }
  return f.finish(std::move(r), "every POST kick-off carried a JSON body",
                  "no POST kick-off was sent");
}

}  // namespace bh::judge
