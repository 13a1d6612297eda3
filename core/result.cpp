#include "core/result.hpp"

namespace bh {

std::string Error::message() const {
  std::string out = where.empty() ? what : where + ": " + what;
  if (!expected.empty()) out += ": expected " + expected;
  if (!got.empty()) out += (expected.empty() ? ": got " : ", got ") + got;
  return out;
}

Error Error::within(const std::string& outer) const {
  Error e = *this;
  e.where = where.empty() ? outer : outer + ": " + where;
  return e;
}

Error make_error(std::string where, std::string what, std::string expected, std::string got) {
  return Error{std::move(where), std::move(what), std::move(expected), std::move(got)};
}

}  // namespace bh
