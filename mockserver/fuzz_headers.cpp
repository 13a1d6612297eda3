// serve --fuzz: header mutations, each a value a real server has sent or could (ST-03..ST-07,
// KO-11, DL-03): Retry-After in every broken form, Content-Location relative or doubled, a
// wrong Content-Type, an oversized X-Progress, an Expires in the past.
#include <array>
#include <string>

#include "mockserver/response_fuzzer.hpp"
#include "protocol/url.hpp"

namespace bh::mockserver {

namespace {

constexpr std::array kRetryAfter = {"-1",
                                    "1.5",
                                    " 5",
                                    "5, 10",
                                    "0x10",
                                    "",
                                    "4294967296",
                                    "99999999999999999999",
                                    "Thu, 32 Jan 2026 00:00:00 GMT",
                                    "Thursday, 01-Jan-26 00:00:00 UTC",
                                    "1767225600",
                                    "Thu, 01 Jan 1970 00:00:00 GMT",
                                    "soon"};

std::string retry_after(protocol::Response& r, Rng& rng) {
  const std::string v = kRetryAfter[rng.uniform(0, kRetryAfter.size() - 1)];
  if (rng.chance(0.2)) {
    r.headers.add("Retry-After", "3");
    r.headers.add("Retry-After", v);
    return "headers: Retry-After sent twice (3 and \"" + v + "\")";
  }
  r.headers.set("Retry-After", v);
  return "headers: Retry-After \"" + v + "\"";
}

std::string content_location(protocol::Response& r, Rng& rng) {
  auto cl = r.headers.get("Content-Location");
  if (!cl) return "";
  std::string url(*cl);
  switch (rng.uniform(0, 3)) {
    case 0: {
      auto parsed = protocol::parse_url(url);
      if (!parsed) return "";
      r.headers.set("Content-Location", parsed->target);
      return "headers: Content-Location made relative";
    }
    case 1:
      r.headers.add("Content-Location", url + "-other");
      return "headers: a second Content-Location";
    case 2:
      r.headers.set("Content-Location", url + " ");
      return "headers: Content-Location with trailing whitespace";
    default:
      r.headers.erase("Content-Location");
      return "headers: Content-Location removed";
  }
}

std::string content_type(protocol::Response& r, protocol::Endpoint endpoint, Rng& rng) {
  constexpr std::array kFile = {"application/json", "text/plain", "application/fhir+json",
                                "application/fhir+ndjson; charset=latin1"};
  constexpr std::array kJson = {"text/html", "application/xml", "application/fhir+ndjson"};
  const std::string v = endpoint == protocol::Endpoint::kFile
                            ? kFile[rng.uniform(0, kFile.size() - 1)]
                            : kJson[rng.uniform(0, kJson.size() - 1)];
  r.headers.set("Content-Type", v);
  return "headers: Content-Type \"" + v + "\"";
}

}  // namespace

std::string fuzz_headers(protocol::Response& r, protocol::Endpoint endpoint, Rng& rng) {
  const bool waiting = r.status == 202 || r.status == 429 || r.status == 503;
  if (endpoint == protocol::Endpoint::kKickoff && r.status == 202 && rng.chance(0.5))
    if (auto what = content_location(r, rng); !what.empty()) return what;
  if (waiting && rng.chance(0.7)) return retry_after(r, rng);
  switch (rng.uniform(0, 2)) {
    case 0:
      if (r.status == 202) {
        r.headers.set("X-Progress", std::string(10240, '9'));
        return "headers: X-Progress of 10 KiB";
      }
      [[fallthrough]];
    case 1:
      if (r.status == 200 && endpoint == protocol::Endpoint::kStatus) {
        r.headers.set("Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
        return "headers: Expires in the past";
      }
      [[fallthrough]];
    default:
      if (r.headers.has("Content-Type")) return content_type(r, endpoint, rng);
      return retry_after(r, rng);
  }
}

}  // namespace bh::mockserver
