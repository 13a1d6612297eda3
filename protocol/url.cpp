#include "protocol/url.hpp"

#include <cctype>
#include <charconv>

#include "protocol/http.hpp"

namespace bh::protocol {

namespace {

std::uint16_t default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Url::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != default_port(scheme)) h += ":" + std::to_string(port);
  return h;
}

std::string Url::str() const {
  return scheme + "://" + authority() + target;
}

bool Url::same_origin(const Url& o) const {
  return scheme == o.scheme && iequals(host, o.host) && port == o.port;
}

bool is_absolute_url(std::string_view text) {
  auto colon = text.find("://");
  if (colon == std::string_view::npos) return false;
  auto scheme = text.substr(0, colon);
  return iequals(scheme, "http") || iequals(scheme, "https");
}

Result<Url> parse_url(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  auto sep = text.find("://");
  if (sep == std::string_view::npos)
    return make_error("URL", "not an absolute URL", "http://host[:port]/path", quoted);
  Url url;
  for (char c : text.substr(0, sep))
    url.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (url.scheme != "http" && url.scheme != "https")
    return make_error("URL", "unsupported scheme", "http or https", quoted);
  std::string_view rest = text.substr(sep + 3);
  auto slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view target = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (auto at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);  // userinfo is never used
  std::string_view host = authority, port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return make_error("URL", "unterminated IPv6 literal", "[addr]", quoted);
    host = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return make_error("URL", "junk after IPv6 literal", "", quoted);
      port_text = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  }
  if (host.empty()) return make_error("URL", "missing host", "http://host/...", quoted);
  // RFC 3986 §3.2.2: an IPv6 literal is hex digits, ':' and '.'; a name is unreserved,
  // sub-delims and %-escapes. Anything else would not survive str() (found by fuzz_url).
  const bool literal = !authority.empty() && authority.front() == '[';
  for (char c : host) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = literal ? (std::isxdigit(u) || c == ':' || c == '.')
                            : (std::isalnum(u) || std::string_view("-._~!$&'()*+,;=%").find(c) !=
                                                      std::string_view::npos);
    if (!ok) return make_error("URL", "invalid character in host", "RFC 3986 host", quoted);
  }
  if (literal && host.find(':') == std::string_view::npos)
    return make_error("URL", "not an IPv6 literal", "[addr] with ':'", quoted);
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return make_error("URL", "space or control character in the path or query",
                        "percent-encoded bytes", quoted);
  url.host = std::string(host);
  url.port = default_port(url.scheme);
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || p != port_text.data() + port_text.size() || port == 0 || port > 65535)
      return make_error("URL", "invalid port", "1..65535", quoted);
    url.port = static_cast<std::uint16_t>(port);
  }
  url.target = target.empty() ? "/" : std::string(target);
  if (url.target.front() == '?') url.target.insert(0, "/");
  return url;
}

Result<Url> resolve_url(const Url& base, std::string_view ref) {
  if (is_absolute_url(ref)) return parse_url(ref);
  if (ref.starts_with("//")) return parse_url(base.scheme + ":" + std::string(ref));
  Url out = base;
  if (ref.starts_with("/")) {
    out.target = std::string(ref);
  } else {
    std::string dir = base.target.substr(0, base.target.find('?'));
    dir = dir.substr(0, dir.rfind('/') + 1);
    out.target = dir + std::string(ref);
  }
  // Through parse_url again, so a reference with bytes no URL may hold (control characters,
  // spaces) is refused here rather than producing a Url that cannot be written and read back
  // (found by fuzz_url).
  return parse_url(out.str());
}

Result<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  // Every request's target goes through here, several times: the runs between escapes are
  // copied whole (most targets are one run), not byte by byte. The scan is a plain loop:
  // string_view::find_first_of calls memchr on its needle once per byte of the text.
  const auto special = [&](std::size_t from) {
    for (std::size_t k = from; k < s.size(); ++k)
      if (s[k] == '%' || (plus_is_space && s[k] == '+')) return k;
    return std::string_view::npos;
  };
  std::string out;
  std::size_t i = 0;
  for (std::size_t at = special(0); at != std::string_view::npos; at = special(i)) {
    if (out.empty()) out.reserve(s.size());
    out.append(s, i, at - i);
    if (s[at] == '+') {
      out += ' ';
      i = at + 1;
      continue;
    }
    const int hi = at + 1 < s.size() ? hex_value(s[at + 1]) : -1;
    const int lo = at + 2 < s.size() ? hex_value(s[at + 2]) : -1;
    if (hi < 0 || lo < 0)
      return make_error("percent-encoding", "invalid escape", "%XX with two hex digits",
                        "\"" + std::string(s.substr(at, 3)) + "\"");
    out += static_cast<char>(hi * 16 + lo);
    i = at + 3;
  }
  out.append(s, i);
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string build_query(const QueryParams& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
}

Result<Target> split_target(std::string_view target) {
  Target t;
  auto q = target.find('?');
  auto path = percent_decode(target.substr(0, q), false);
  if (!path) return path.error().within("request target path");
  t.path = std::move(path.value());
  if (q == std::string_view::npos) return t;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    if (!key) return key.error().within("query parameter name");
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!value) return value.error().within("query parameter " + key.value());
    t.query.emplace_back(std::move(key.value()), std::move(value.value()));
  }
  return t;
}

}  // namespace bh::protocol
