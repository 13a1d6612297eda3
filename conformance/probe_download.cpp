// Probe::download and the resource-facts reader: the file half of the probe.
#include <memory>

#include "conformance/probe.hpp"
#include "protocol/gunzip.hpp"
#include "protocol/r4_model.hpp"

namespace bh::conformance {

namespace {

constexpr int kMaxRedirects = 5;

void collect_patient_refs(const nlohmann::json& j, std::vector<std::string>& out, int depth) {
  if (depth > 12 || out.size() > 64) return;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "reference" && it->is_string()) {
        const std::string& ref = it->get_ref<const std::string&>();
        const auto pos = ref.rfind("Patient/");
        if (pos != std::string::npos && (pos == 0 || ref[pos - 1] == '/')) {
          std::string id = ref.substr(pos + 8);
          if (auto slash = id.find('/'); slash != std::string::npos) id.resize(slash);
          out.push_back(id);
        }
      } else {
        collect_patient_refs(*it, out, depth + 1);
      }
    }
  } else if (j.is_array()) {
    for (const auto& v : j)
      collect_patient_refs(v, out, depth + 1);
  }
}

bool has_subsetted_tag(const nlohmann::json& j) {
  auto meta = j.find("meta");
  if (meta == j.end() || !meta->is_object()) return false;
  auto tags = meta->find("tag");
  if (tags == meta->end() || !tags->is_array()) return false;
  for (const auto& t : *tags)
    if (t.is_object() && t.value("code", "") == "SUBSETTED") return true;
  return false;
}

}  // namespace

std::optional<ResourceFacts> resource_facts(std::string_view line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  ResourceFacts f;
  f.type = j.value("resourceType", "");
  f.id = j.value("id", "");
  if (auto meta = j.find("meta"); meta != j.end() && meta->is_object())
    f.last_updated = meta->value("lastUpdated", "");
  for (auto it = j.begin(); it != j.end(); ++it)
    f.keys.push_back(it.key());
  if (f.type == "Patient") {
    if (!f.id.empty()) f.patient_refs.push_back(f.id);
  } else {
    collect_patient_refs(j, f.patient_refs, 0);
  }
  f.subsetted = has_subsetted_tag(j);
  f.r4_problems = protocol::validate_r4(j, 3);
  return f;
}

Download Probe::download(const std::string& url, const std::string& expected_type, bool offer_gzip,
                         const FactsFn& on_resource) {
  Outgoing req{"GET", url, {}, {}};
  req.headers.add("Accept", "application/fhir+ndjson");
  if (offer_gzip) req.headers.add("Accept-Encoding", "gzip");
  std::vector<std::string> redirects;
  for (int hop = 0;; ++hop) {
    Download d = download_once(req, expected_type, on_resource);
    const int st = d.head.response.status;
    const auto location = d.head.header("Location");
    if (!(st == 301 || st == 302 || st == 303 || st == 307 || st == 308) || !location ||
        hop == kMaxRedirects) {
      d.redirect_limit = hop == kMaxRedirects && location;
      d.redirects = std::move(redirects);
      return d;
    }
    auto from = protocol::parse_url(req.url);
    auto to = from ? protocol::resolve_url(*from, *location) : from;
    if (!to) {
      d.redirects = std::move(redirects);
      return d;
    }
    redirects.push_back(to->str());
    req.url = to->str();  // with_auth re-decides the token for the new origin
    req.headers.erase("Authorization");
  }
}

Download Probe::download_once(const Outgoing& request, const std::string& expected_type,
                              const FactsFn& on_resource) {
  Download d;
  d.head.request = with_auth(request);
  d.head.at = http_.now();
  // A file may be large: it gets ten request timeouts, the run's deadline permitting.
  const Duration timeout = std::min(options_.request_timeout * 10, time_left());
  if (timeout <= Duration::zero()) {
    d.head.response.error = "not sent: the run's deadline has passed";
    return d;
  }
  protocol::NdjsonValidator validator(expected_type);
  std::unique_ptr<protocol::NdjsonFramer> framer;
  if (on_resource)
    framer = std::make_unique<protocol::NdjsonFramer>(64u << 20,
                                                      [&](std::string_view line, std::uint64_t) {
                                                        if (auto f = resource_facts(line))
                                                          on_resource(*f);
                                                      });
  protocol::Gunzip gunzip;
  bool is_file = false, first = true;
  std::string plain;
  ResponseSink sink;
  sink.on_head = [&](int status, const protocol::Headers& headers) {
    is_file = status >= 200 && status < 300;
    d.content_encoding = std::string(headers.get("Content-Encoding").value_or(""));
    d.decoded_gzip = is_file && protocol::iequals(protocol::trim(d.content_encoding), "gzip");
  };
  sink.on_body = [&](std::string_view chunk) {
    d.bytes += chunk.size();
    if (d.head.body.size() < 2048) d.head.body.append(chunk.substr(0, 2048 - d.head.body.size()));
    d.head.body_bytes += chunk.size();
    if (!is_file) return d.head.body_bytes < options_.max_kept_body;
    if (first) {
      first = false;
      d.unlabelled_gzip = !d.decoded_gzip && protocol::looks_gzipped(chunk);
    }
    std::string_view text = chunk;
    if (d.decoded_gzip) {
      plain.clear();
      if (auto st = gunzip.feed(chunk, plain); !st) {
        d.decode_error = st.error().message();
        return false;
      }
      text = plain;
    }
    validator.feed(text);
    if (framer) framer->feed(text);
    return true;
  };
  d.head.response = http_.send(d.head.request, timeout, sink);
  if (is_file && d.decoded_gzip && !d.decode_error && !d.head.response.error) {
    if (auto st = gunzip.finish(); !st) d.decode_error = st.error().message();
  }
  if (framer) framer->finish();
  d.summary = validator.finish();
  return d;
}

}  // namespace bh::conformance
