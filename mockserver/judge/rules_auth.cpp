// Where the client's token goes: on files that need it (DL-05), not on capability URLs (DL-06),
// never to a redirect target on another host (DL-15), and never the rejected one again after a
// 401 (AUTH-08).
#include "mockserver/judge/rules.hpp"

#include <map>

namespace bh::judge {

namespace {
bool has_token(const Exchange& e) {
  return !header(e, "Authorization").empty();
}

// Each listed file path with the requiresAccessToken of the manifest that listed it.
std::map<std::string, bool> listed_token_needs(const Session& s) {
  std::map<std::string, bool> out;
  for (const auto& e : s.exchanges())
    if (e.body.kind == BodyFacts::Kind::kManifest && e.body.requires_token)
      for (const auto& file : e.body.files)
        if (file.section != "link") out[url_path(file.url)] = *e.body.requires_token;
  return out;
}
}  // namespace

namespace {
// DL-05 and DL-06 are one check with opposite wants: every GET of a file listed by a manifest
// whose requiresAccessToken is `required` must carry a token exactly when `required` is true.
void judge_listed_files(const Session& s, bool required, Findings& f) {
  const auto needs = listed_token_needs(s);
  const std::string expected =
      std::string(required ? "Authorization" : "no Authorization") +
      " on a file of a requiresAccessToken=" + (required ? "true" : "false") + " manifest";
  for (const auto& e : s.exchanges()) {
    auto it = needs.find(e.target);
    if (e.method != "GET" || it == needs.end() || it->second != required) continue;
    const bool sent = has_token(e);
    if (sent == required)
      f.pass(e, expected, sent ? "sent" : "absent");
    else
      f.violate(e, expected, sent ? "sent" : "absent");
  }
}
}  // namespace

RuleResult rule_token_on_files(const Session& s, RuleResult r) {
  Findings f;
  bool token = false;
  for (const auto& e : s.exchanges())
    token = token || (e.endpoint == "kickoff" && has_token(e));
  if (!token) {
    f.skip("the client sent no token on its kick-off, so it was given none");
    return f.finish(std::move(r), "", "nothing to judge");
  }
  judge_listed_files(s, true, f);
  return f.finish(std::move(r), "the token went with every file that needed it",
                  "no file of a requiresAccessToken=true manifest was requested");
}

RuleResult rule_no_token_on_capability_urls(const Session& s, RuleResult r) {
  // A SHALL NOT from 3.0.0. Before it the IG is silent, and the harness holds every version to
  // it (least privilege: a token sent where none is needed leaks to wherever the files live;
  // Inferno, too, sends one only when requiresAccessToken is true).
  Findings f;
  judge_listed_files(s, false, f);
  return f.finish(std::move(r), "no token went to a capability URL",
                  "no file of a requiresAccessToken=false manifest was requested");
}

RuleResult rule_no_token_to_redirect_host(const Session& s, RuleResult r) {
  Findings f;
  for (const auto& e : s.exchanges()) {
    if (e.response != Response::kRedirect) continue;
    const std::string location = rheader(e, "Location");
    const std::string host = url_authority(location);
    if (host.empty() || host == e.host) continue;  // same host: the token may follow
    const std::string path = url_path(location);
    const Exchange* followed = nullptr;
    for (const auto& x : s.exchanges())
      if (!followed && x.seq > e.seq && x.target == path && x.host == host) followed = &x;
    if (!followed) {
      f.skip("redirect #" + std::to_string(e.seq) + " was not followed");
      continue;
    }
    const std::string expected = "no Authorization on the redirect to " + host;
    if (has_token(*followed))
      f.violate(*followed, expected, "sent (the token leaked to another host)");
    else
      f.pass(*followed, expected, "absent");
  }
  return f.finish(std::move(r), "no token followed a redirect to another host",
                  "no redirect to another host was followed");
}

RuleResult rule_fresh_token_after_401(const Session& s, RuleResult r) {
  Findings f;
  for (const auto& e : s.exchanges()) {
    if (e.response != Response::kUnauthorized) continue;
    const Exchange* next = s.next(e);
    const std::string expected = "after a 401, a new token or no retry";
    if (!next) {
      f.pass(e, expected, "the client did not retry");
      continue;
    }
    const std::string before = header(e, "Authorization");
    const std::string after = header(*next, "Authorization");
    if (!after.empty() && after != before)
      f.pass(e, expected, "#" + std::to_string(next->seq) + " carried a new token");
    else
      f.violate(e, expected,
                "#" + std::to_string(next->seq) + " retried with " +
                    (after.empty() ? "no token" : "the rejected token"));
  }
  return f.finish(std::move(r), "no rejected token was reused", "no request got 401");
}

}  // namespace bh::judge
