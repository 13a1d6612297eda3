#include "protocol/prefer.hpp"

#include <string>

#include "protocol/text_quote.hpp"

namespace bh::protocol {

namespace {

constexpr const char* kWhere = "header Prefer";
constexpr const char* kShape =
    "comma-separated preferences: token[=token|\"quoted\"] *(;param[=value])";

// RFC 9110 §5.6.2 tchar. ASCII ranges, not <cctype>, so the locale cannot change the answer.
bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A recursive-descent reader of one header value (RFC 7240 §2 with RFC 9110 list rules). Commas
// and semicolons inside quoted strings are data, so the value cannot simply be split.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  // Appends the preferences of the whole value; false on any syntax error.
  bool read_list(std::vector<Preference>& out) {
    std::size_t elements = 0;
    for (;;) {
      skip_ows();
      if (eat(',')) continue;  // RFC 9110 §5.6.1: empty list elements are ignored
      if (done()) break;
      Preference p;
      if (!read_preference(p)) return false;
      out.push_back(std::move(p));
      ++elements;
      skip_ows();
      if (done()) break;
      if (!eat(',')) return false;
    }
    return elements > 0;  // 1#preference: at least one
  }

 private:
  bool done() const { return pos_ == s_.size(); }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void skip_ows() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t'))
      ++pos_;
  }
  bool read_token(std::string& out) {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && is_tchar(s_[pos_]))
      ++pos_;
    out.assign(s_.substr(start, pos_ - start));
    return pos_ > start;
  }
  // RFC 9110 §5.6.4 quoted-string, returned unescaped.
  bool read_quote_value(std::string& out) {
    if (!eat('"')) return false;
    out.clear();
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (pos_ == s_.size()) return false;
        out += s_[pos_++];
      } else if (c == '\t' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)) {
        out += c;  // qdtext, including obs-text bytes
      } else {
        return false;
      }
    }
    return false;  // unterminated
  }
  bool read_word(std::string& out) {
    return (pos_ < s_.size() && s_[pos_] == '"') ? read_quote_value(out) : read_token(out);
  }
  // token [ BWS "=" BWS word ]
  bool read_pair(std::string& name, std::string& value) {
    if (!read_token(name)) return false;
    name = lower(name);
    value.clear();
    const std::size_t before = pos_;
    skip_ows();
    if (!eat('=')) {
      pos_ = before;
      return true;
    }
    skip_ows();
    return read_word(value);
  }
  // preference = token [ BWS "=" BWS word ] *( OWS ";" [ OWS parameter ] )
  bool read_preference(Preference& p) {
    if (!read_pair(p.token, p.value)) return false;
    for (;;) {
      const std::size_t before = pos_;
      skip_ows();
      if (!eat(';')) {
        pos_ = before;
        return true;
      }
      skip_ows();
      if (done() || s_[pos_] == ',' || s_[pos_] == ';') continue;  // "[ OWS parameter ]"
      std::pair<std::string, std::string> param;
      if (!read_pair(param.first, param.second)) return false;
      p.params.push_back(std::move(param));
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

const Preference* find(const std::vector<Preference>& items, std::string_view token) {
  for (const auto& p : items)
    if (iequals(p.token, token)) return &p;
  return nullptr;
}

}  // namespace

bool Preferences::has(std::string_view token) const {
  return find(items_, token) != nullptr;
}

std::optional<std::string> Preferences::value(std::string_view token) const {
  const Preference* p = find(items_, token);
  if (p == nullptr) return std::nullopt;
  return p->value;
}

bool Preferences::lenient() const {
  // RFC 7240 §2: values are case-sensitive, so "handling=LENIENT" is not lenient.
  const auto v = value("handling");
  return v.has_value() && *v == "lenient";
}

Result<Preferences> parse_prefer(const Headers& headers) {
  return parse_prefer_values(headers.get_all("Prefer"));
}

Result<Preferences> parse_prefer_values(const std::vector<std::string_view>& header_values) {
  std::vector<Preference> all;
  for (const std::string_view value : header_values) {
    Reader reader(value);
    if (!reader.read_list(all)) return make_error(kWhere, "malformed", kShape, quote_value(value));
  }
  // RFC 7240 §2: when a preference repeats, only the first occurrence counts.
  std::vector<Preference> unique;
  for (auto& p : all)
    if (find(unique, p.token) == nullptr) unique.push_back(std::move(p));
  return Preferences(std::move(unique));
}

}  // namespace bh::protocol
