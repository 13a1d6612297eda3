#include "protocol/media_range.hpp"

#include "protocol/http.hpp"

namespace bh::protocol {

namespace {
// q=0 (with any number of zeros after the point) means "not acceptable".
bool refused(std::string_view params) {
  while (!params.empty()) {
    auto semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      std::string_view v = p.substr(2);
      return !v.empty() && v.find_first_not_of("0.") == std::string_view::npos;
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return false;
}

bool range_admits(std::string_view range, std::string_view type) {
  if (range == "*/*") return true;
  if (range.size() > 2 && range.substr(range.size() - 2) == "/*") {
    const std::string_view top = range.substr(0, range.size() - 1);  // "application/"
    return type.size() > top.size() && iequals(type.substr(0, top.size()), top);
  }
  return iequals(range, type);
}

template <class Match>
bool any_range(std::string_view accept, Match match) {
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    const std::string_view item = accept.substr(0, comma);
    const auto semi = item.find(';');
    const std::string_view range = trim(item.substr(0, semi));
    const std::string_view params = semi == std::string_view::npos ? "" : item.substr(semi + 1);
    if (match(range) && !refused(params)) return true;
    if (comma == std::string_view::npos) break;
    accept.remove_prefix(comma + 1);
  }
  return false;
}
}  // namespace

bool accept_admits(std::string_view accept, std::string_view media_type) {
  return any_range(accept, [&](std::string_view r) { return range_admits(r, media_type); });
}

bool accept_names(std::string_view accept, std::string_view media_type) {
  return any_range(accept, [&](std::string_view r) { return iequals(r, media_type); });
}

bool accept_admits_any(std::string_view accept, std::initializer_list<std::string_view> types) {
  for (auto t : types)
    if (accept_admits(accept, t)) return true;
  return false;
}

std::string_view media_type_of(std::string_view content_type) {
  return trim(content_type.substr(0, content_type.find(';')));
}

}  // namespace bh::protocol
