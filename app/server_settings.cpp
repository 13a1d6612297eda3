#include "app/server_settings.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "auth/tls_identity.hpp"

namespace bh::app {

std::set<std::string> server_flags() {
  return {"--host",
          "--port",
          "--seed",
          "--members",
          "--scenario",
          "--time-scale",
          "--ig-version",
          "--members-per-file",
          "--base-path",
          "--max-active-jobs",
          "--journal-capacity",
          "--clock",
          "--tls-cert",
          "--tls-key",
          "--tls-cert-out",
          "--auth",
          "--client-id",
          "--jwks",
          "--fuzz",
          "--admin-token",
          "--max-connections",
          "--request-timeout",
          "--file-cache",
          "--file-cache-max-mb"};
}

std::set<std::string> server_switches() {
  return {"--tls"};
}

namespace {
Result<std::string> read_small_file(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(flag + " " + path, "cannot open the file", "a readable file");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20)) return make_error(flag + " " + path, "larger than 1 MiB");
  return text.str();
}

Status read_tls(const Args& args, ServerSettings& s) {
  s.tls = args.has("--tls") || args.has("--tls-cert") || args.has("--tls-key");
  s.tls_cert_out = args.get("--tls-cert-out").value_or("");
  if (!s.tls_cert_out.empty() && !s.tls)
    return make_error("--tls-cert-out", "needs --tls (or --tls-cert and --tls-key)");
  if (args.has("--tls-cert") != args.has("--tls-key"))
    return make_error(args.has("--tls-cert") ? "--tls-key" : "--tls-cert",
                      "missing: --tls-cert and --tls-key go together");
  if (!args.has("--tls-cert")) return Ok{};
  auto cert = read_small_file("--tls-cert", *args.get("--tls-cert"));
  if (!cert) return cert.error();
  auto key = read_small_file("--tls-key", *args.get("--tls-key"));
  if (!key) return key.error();
  auth::TlsIdentity id{*cert, *key};
  if (auto st = auth::check_identity(id, "--tls-cert/--tls-key"); !st) return st.error();
  s.tls_identity = mockserver::TlsIdentityPem{id.cert_pem, id.key_pem};
  return Ok{};
}

Status read_auth(const Args& args, ServerSettings& s) {
  const std::string mode = args.get("--auth").value_or(s.scenario.auth ? "smart" : "none");
  if (mode != "smart" && mode != "none")
    return make_error("--auth", "unknown mode", "smart or none", "\"" + mode + "\"");
  if (mode == "none" && s.scenario.auth)
    return make_error("--auth", "the scenario " + s.scenario.name + " needs SMART auth",
                      "--auth smart (or leave it out)", "none");
  s.smart_auth = mode == "smart";
  if (args.has("--client-id") != args.has("--jwks"))
    return make_error(args.has("--jwks") ? "--client-id" : "--jwks",
                      "missing: --client-id and --jwks go together");
  if (!args.has("--client-id")) return Ok{};
  if (!s.smart_auth) return make_error("--client-id", "needs --auth smart");
  auth::ClientRegistration c;
  c.client_id = *args.get("--client-id");
  if (c.client_id.empty()) return make_error("--client-id", "empty", "a client id");
  const std::string jwks = *args.get("--jwks");
  if (jwks.starts_with("http://") || jwks.starts_with("https://")) {
    c.jwks_url = jwks;  // fetched when the client first asks for a token
  } else {
    auto text = read_small_file("--jwks", jwks);
    if (!text) return text.error();
    auto keys = auth::Jwks::parse(*text, "--jwks " + jwks);
    if (!keys) return keys.error();
    c.jwks = std::move(*keys);
  }
  s.clients.push_back(std::move(c));
  return Ok{};
}

// --file-cache DIR: checked now (a file can be made there), so a bad directory stops the start.
Status read_file_cache(const Args& args, ServerSettings& s) {
  auto max_mb = args.get_u64("--file-cache-max-mb", 4096, 1, 1ULL << 30);
  if (!max_mb) return max_mb.error();
  if (!args.has("--file-cache")) {
    if (args.has("--file-cache-max-mb"))
      return make_error("--file-cache-max-mb", "needs --file-cache DIR");
    return Ok{};
  }
  const std::string dir = *args.get("--file-cache");
  if (auto st = mockserver::FileCache::probe(dir); !st) return st.error();
  s.file_cache = mockserver::FileCacheOptions{dir, *max_mb << 20};
  return Ok{};
}

}  // namespace

Result<ServerSettings> settings_from_args(const Args& args, const std::string& default_scenario) {
  ServerSettings s;
  s.host = args.get("--host").value_or("127.0.0.1");
  auto scenario = mockserver::resolve_scenario(args.get("--scenario").value_or(default_scenario));
  if (!scenario) return scenario.error().within("--scenario");
  s.scenario = std::move(scenario.value());
  // Flags given on the command line override what the scenario says.
  auto port = args.get_u64("--port", 0, 0, 65535);
  auto seed = args.get_u64("--seed", s.scenario.seed.value_or(1), 0, ~0ULL);
  auto members = args.get_u64("--members", s.scenario.data.members, 10, 100000000);
  auto per_file =
      args.get_u64("--members-per-file", s.scenario.data.members_per_file, 1, 100000000);
  auto active = args.get_u64("--max-active-jobs", 5, 1, 10000);
  auto journal = args.get_u64("--journal-capacity", 10000, 0, 10000000);
  for (const auto* r : {&port, &seed, &members, &per_file, &active, &journal})
    if (!*r) return r->error();
  s.port = static_cast<std::uint16_t>(*port);
  s.seed = *seed;
  s.scenario.data.members = *members;
  s.scenario.data.members_per_file = *per_file;
  s.max_active_jobs = static_cast<std::size_t>(*active);
  s.journal_capacity = static_cast<std::size_t>(*journal);
  if (args.has("--fuzz")) {
    auto fuzz = args.get_u64("--fuzz", 0, 0, ~0ULL);
    if (!fuzz) return fuzz.error();
    s.fuzz_seed = *fuzz;
  }
  auto conns = args.get_u64("--max-connections", s.max_connections, 1, 1000000);
  if (!conns) return conns.error();
  s.max_connections = static_cast<std::size_t>(*conns);
  auto request_timeout = args.get_double("--request-timeout", 10, 0.1, 3600);
  if (!request_timeout) return request_timeout.error();
  s.request_timeout = Duration{static_cast<std::int64_t>(*request_timeout * 1e6)};
  if (auto token = args.get("--admin-token")) {
    if (token->size() < 16)
      return make_error("--admin-token", "too short to keep anyone out", "16 characters or more",
                        std::to_string(token->size()) + " characters");
    s.admin_token = *token;
  }
  auto scale = args.get_double("--time-scale", s.scenario.time_scale, 0.001, 1e6);
  if (!scale) return scale.error();
  s.time_scale = *scale;
  if (auto v = args.get("--ig-version")) {
    auto version = protocol::parse_ig_version(*v);
    if (!version) return version.error().within("--ig-version");
    if (*version != protocol::IgVersion::kV2_0_0 && *version != protocol::IgVersion::kV1_0_1)
      return make_error("--ig-version", "the mock server implements 1.0.1 and 2.0.0 so far",
                        "1.0.1 or 2.0.0", std::string(protocol::to_string(*version)));
    s.scenario.ig_version = *version;
  }
  const std::string clock = args.get("--clock").value_or("real");
  if (clock != "real" && clock != "manual")
    return make_error("--clock", "unknown clock", "real or manual", "\"" + clock + "\"");
  s.manual_clock = clock == "manual";
  if (auto st = read_tls(args, s); !st) return st.error();
  if (auto st = read_auth(args, s); !st) return st.error();
  if (auto st = read_file_cache(args, s); !st) return st.error();
  s.base_path = args.get("--base-path").value_or("/fhir");
  if (!s.base_path.empty() && (s.base_path.front() != '/' || s.base_path.back() == '/'))
    return make_error("--base-path", "bad path", "empty or /segment[/segment...]",
                      "\"" + s.base_path + "\"");
  return s;
}

std::string describe(const ServerSettings& s) {
  char scale[32];
  std::snprintf(scale, sizeof scale, "%g", s.time_scale);
  return "seed " + std::to_string(s.seed) + ", members " + std::to_string(s.scenario.data.members) +
         ", scenario " + s.scenario.name + " (" + s.scenario.description + "), " +
         std::to_string(s.scenario.rules.size()) + " fault rules, time scale " + scale + ", IG " +
         std::string(protocol::to_string(s.scenario.ig_version)) +
         (s.manual_clock ? ", manual clock (advance it with POST /__admin/clock)" : "") +
         (s.tls ? ", TLS" : "") +
         (s.file_cache ? ", files kept in " + s.file_cache->dir + " for repeat fetches" : "") +
         (s.fuzz_seed ? ", fuzzing answers with seed " + std::to_string(*s.fuzz_seed) : "") +
         (s.smart_auth ? ", SMART Backend Services (" + std::to_string(s.clients.size()) +
                             " client(s) registered; more with POST /__admin/clients)"
                       : "");
}

}  // namespace bh::app
