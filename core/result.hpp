// core/result: expected failures as values.
//
// Contract: a function that can fail on input it does not control returns Result<T>. Its Error
// names where (file, JSON path, header, request), what was wrong, what was expected and what was
// found, e.g. "Retry-After: not a delay-seconds or HTTP-date: expected ..., got \"soon\"".
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "core/assert.hpp"

namespace bh {

struct Error {
  std::string where;     // the thing: "scenarios/slow.json: /rules/2", "header Retry-After"
  std::string what;      // what was wrong with it
  std::string expected;  // optional: what would have been accepted
  std::string got;       // optional: the offending value, quoted by the caller if it wants

  std::string message() const;
  // The same error seen from an outer context: "outer: inner-where: ...".
  Error within(const std::string& outer) const;
};

Error make_error(std::string where, std::string what, std::string expected = {},
                 std::string got = {});

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    BH_ASSERT(ok(), "value() on an error Result");
    return std::get<0>(v_);
  }
  const T& value() const& {
    BH_ASSERT(ok(), "value() on an error Result");
    return std::get<0>(v_);
  }
  T&& value() && {
    BH_ASSERT(ok(), "value() on an error Result");
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    BH_ASSERT(!ok(), "error() on a successful Result");
    return std::get<1>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

}  // namespace bh
