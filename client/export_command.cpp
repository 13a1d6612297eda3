#include "client/export_command.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "protocol/fhir_instant.hpp"
#include "protocol/url.hpp"

namespace bh::client {

namespace {

std::string quote(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

Result<std::uint64_t> parse_uint(const std::string& flag, const std::string& text, std::uint64_t lo,
                                 std::uint64_t hi, const std::string& expected) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || p != text.data() + text.size() || v < lo || v > hi)
    return make_error(flag, "not a valid number", expected, quote(text));
  return v;
}

Result<Duration> parse_seconds(const std::string& flag, const std::string& text) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || p != text.data() + text.size() || !(v > 0) ||
      v > 365.0 * 24 * 3600)
    return make_error(flag, "not a valid duration", "seconds > 0, e.g. 3600 or 0.5", quote(text));
  return Duration{static_cast<std::int64_t>(v * 1e6)};
}

Status parse_level(const std::string& text, ExportCommand& c) {
  if (text == "system") {
    c.level = protocol::ExportLevel::kSystem;
  } else if (text == "patient") {
    c.level = protocol::ExportLevel::kPatient;
  } else if (text.starts_with("group:") && text.size() > 6) {
    c.level = protocol::ExportLevel::kGroup;
    c.group_id = text.substr(6);
    for (char ch : c.group_id)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.')
        return make_error("--level", "the Group id is not a FHIR id", "[A-Za-z0-9-.]",
                          quote(c.group_id));
  } else {
    return make_error("--level", "unknown export level", "system, patient or group:ID",
                      quote(text));
  }
  return Ok{};
}

Status parse_types(const std::string& text, ExportCommand& c) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    const std::string t = text.substr(start, comma - start);
    const bool ok = !t.empty() && std::isupper(static_cast<unsigned char>(t[0])) &&
                    std::all_of(t.begin(), t.end(), [](char ch) {
                      return std::isalnum(static_cast<unsigned char>(ch));
                    });
    if (!ok)
      return make_error("--type", "not a resource type name", "e.g. Patient,Observation",
                        quote(text));
    c.types.push_back(t);
    start = comma + 1;
  }
  return Ok{};
}

Status parse_param(const std::string& text, ExportCommand& c) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return make_error("--param", "expected NAME=VALUE", "e.g. _outputFormat=ndjson", quote(text));
  c.params.emplace_back(text.substr(0, eq), text.substr(eq + 1));
  return Ok{};
}

using ValueHandler = std::function<Status(const std::string&, ExportCommand&)>;

ValueHandler text_flag(std::string flag, std::string ExportCommand::*field) {
  return [flag, field](const std::string& v, ExportCommand& c) -> Status {
    if (v.empty()) return make_error(flag, "empty value");
    c.*field = v;
    return Ok{};
  };
}

const std::map<std::string, ValueHandler>& value_flags() {
  static const std::map<std::string, ValueHandler> flags = {
      {"--base-url",
       [](const std::string& v, ExportCommand& c) -> Status {
         auto url = protocol::parse_url(v);
         if (!url) return url.error().within("--base-url");
         c.base_url = v;
         return Ok{};
       }},
      {"--out",
       [](const std::string& v, ExportCommand& c) -> Status {
         if (v.empty()) return make_error("--out", "empty directory name", "a directory");
         c.out_dir = v;
         return Ok{};
       }},
      {"--level", parse_level},
      {"--type", parse_types},
      {"--param", parse_param},
      {"--since",
       [](const std::string& v, ExportCommand& c) -> Status {
         auto t = protocol::parse_fhir_instant(v);
         if (!t)
           return make_error("--since", "not a FHIR instant", "e.g. 2026-01-01T00:00:00Z",
                             quote(v));
         c.since = *t;
         return Ok{};
       }},
      {"--timeout",
       [](const std::string& v, ExportCommand& c) -> Status {
         auto d = parse_seconds("--timeout", v);
         if (!d) return d.error();
         c.timeout = *d;
         return Ok{};
       }},
      {"--io-timeout",
       [](const std::string& v, ExportCommand& c) -> Status {
         auto d = parse_seconds("--io-timeout", v);
         if (!d) return d.error();
         c.io_timeout = *d;
         return Ok{};
       }},
      {"--max-backoff",
       [](const std::string& v, ExportCommand& c) -> Status {
         auto d = parse_seconds("--max-backoff", v);
         if (!d) return d.error();
         c.max_backoff = *d;
         return Ok{};
       }},
      {"--parallel",
       [](const std::string& v, ExportCommand& c) -> Status {
         auto n = parse_uint("--parallel", v, 1, 64, "an integer from 1 to 64");
         if (!n) return n.error();
         c.parallel = static_cast<std::uint32_t>(*n);
         return Ok{};
       }},
      {"--seed",
       [](const std::string& v, ExportCommand& c) -> Status {
         auto n = parse_uint("--seed", v, 0, UINT64_MAX, "a non-negative integer");
         if (!n) return n.error();
         c.seed = *n;
         return Ok{};
       }},
      {"--ig-version",
       [](const std::string& v, ExportCommand& c) -> Status {
         auto ig = protocol::parse_ig_version(v);
         if (!ig)
           return make_error("--ig-version", "unknown IG version",
                             "1.0.1, 2.0.0, 3.0.0 or 4.0.0-ballot", quote(v));
         c.ig_version = *ig;
         return Ok{};
       }},
      {"--bearer-token",
       [](const std::string& v, ExportCommand& c) -> Status {
         if (v.empty()) return make_error("--bearer-token", "empty token", "a token");
         c.bearer_token = v;
         return Ok{};
       }},
      {"--client-id", text_flag("--client-id", &ExportCommand::client_id)},
      {"--private-key", text_flag("--private-key", &ExportCommand::private_key_file)},
      {"--scope", text_flag("--scope", &ExportCommand::scope)},
      {"--ca-file", text_flag("--ca-file", &ExportCommand::ca_file)},
      {"--report-json", text_flag("--report-json", &ExportCommand::report_json)},
      {"--token-url",
       [](const std::string& v, ExportCommand& c) -> Status {
         if (!protocol::parse_url(v))
           return make_error("--token-url", "not an absolute URL", "", quote(v));
         c.token_url = v;
         return Ok{};
       }},
  };
  return flags;
}

// Flags that may be given more than once: their values accumulate.
bool repeatable(const std::string& flag) {
  return flag == "--type" || flag == "--param";
}

}  // namespace

Result<ExportCommand> parse_export_args(const std::vector<std::string>& args) {
  ExportCommand c;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    if (!seen.insert(flag).second && !repeatable(flag))
      return make_error(flag, "given more than once", "each option at most once");
    if (flag == "--post" || flag == "--no-release" || flag == "--insecure" || flag == "--quiet") {
      if (inline_value) return make_error(flag, "takes no value", "", quote(*inline_value));
      if (flag == "--post") c.use_post = true;
      if (flag == "--no-release") c.release = false;
      if (flag == "--insecure") c.insecure = true;
      if (flag == "--quiet") c.quiet = true;
      continue;
    }
    const auto& flags = value_flags();
    auto handler = flags.find(flag);
    if (handler == flags.end()) {
      std::string known;  // the same form as the other commands' "expected one of"
      for (const auto& [name, _] : flags)
        known += " " + name;
      return make_error(flag, flag.starts_with("-") ? "unknown option" : "unexpected argument",
                        "one of:" + known + " --insecure --no-release --post --quiet");
    }
    if (!inline_value && i + 1 >= args.size())
      return make_error(flag, "missing value", "a value after " + flag);
    const std::string value = inline_value ? *inline_value : args[++i];
    if (auto ok = handler->second(value, c); !ok) return ok.error();
  }
  if (c.base_url.empty()) return make_error("--base-url", "missing", "--base-url URL (required)");
  if (c.out_dir.empty()) return make_error("--out", "missing", "--out DIR (required)");
  if (c.client_id.empty() != c.private_key_file.empty())
    return make_error(c.client_id.empty() ? "--client-id" : "--private-key",
                      "missing: --client-id and --private-key go together");
  if (!c.client_id.empty() && c.bearer_token)
    return make_error("--bearer-token",
                      "a fixed token and SMART auth (--client-id) exclude each other");
  if (c.insecure && !c.ca_file.empty())
    return make_error("--insecure", "contradicts --ca-file", "one of them");
  return c;
}

ClientOptions to_client_options(const ExportCommand& c, Instant now) {
  ClientOptions o;
  o.base_url = c.base_url;
  o.level = c.level;
  o.group_id = c.group_id;
  o.types = c.types;
  o.since = c.since;
  o.use_post = c.use_post;
  o.extra_params = c.params;
  o.ig_version = c.ig_version;
  o.bearer_token = c.bearer_token;
  o.seed = c.seed;
  o.max_parallel_downloads = c.parallel;
  if (c.max_backoff) {
    o.backoff.cap = *c.max_backoff;
    o.backoff.initial = std::min(o.backoff.initial, *c.max_backoff);
  }
  o.deadline = now + c.timeout;
  // The cleanup DELETE after the deadline gets a tenth of the budget (5 to 30 s): a short
  // --timeout must not be dwarfed by the wait for a server that never answers.
  o.delete_grace = std::clamp<Duration>(c.timeout / 10, seconds(5), seconds(30));
  o.release_after_download = c.release;
  return o;
}

}  // namespace bh::client
