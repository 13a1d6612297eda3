#include "protocol/http.hpp"

#include <algorithm>
#include <cctype>

namespace bh::protocol {

namespace {
char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

void Headers::add(std::string name, std::string value) {
  // Room for a typical head at once: growing 1, 2, 4, 8 moved every header three times, on
  // every request and response (a tenth of the allocations of a simulated lifecycle).
  if (items_.capacity() == 0) items_.reserve(8);
  items_.push_back(Header{std::move(name), std::move(value)});
}

void Headers::set(std::string name, std::string value) {
  erase(name);
  add(std::move(name), std::move(value));
}

void Headers::erase(std::string_view name) {
  std::erase_if(items_, [&](const Header& h) { return iequals(h.name, name); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& h : items_)
    if (iequals(h.name, name)) return std::string_view{h.value};
  return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& h : items_)
    if (iequals(h.name, name)) out.emplace_back(h.value);
  return out;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 410:
      return "Gone";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace bh::protocol

namespace bh::protocol {

std::string_view to_string(WirePlan::Action a) {
  switch (a) {
    case WirePlan::Action::kDeliver:
      return "deliver";
    case WirePlan::Action::kResetBeforeResponse:
      return "reset-before-response";
    case WirePlan::Action::kCloseWithoutResponse:
      return "close-without-response";
    case WirePlan::Action::kGarbageThenClose:
      return "garbage-then-close";
    case WirePlan::Action::kNeverAnswer:
      return "never-answer";
    case WirePlan::Action::kResetMidBody:
      return "reset-mid-body";
    case WirePlan::Action::kMalformedChunk:
      return "malformed-chunk";
    case WirePlan::Action::kSlowClose:
      return "slow-close";
  }
  return "?";
}

}  // namespace bh::protocol
