// protocol/http: transport-independent HTTP messages.
//
// Contract: the protocol core sees requests and responses as plain values. Header names compare
// case-insensitively and keep their order and repetitions (Prefer may arrive twice). A response
// body is either a string or a BodyStream pulled chunk by chunk, so a multi-gigabyte NDJSON file
// is produced while it is sent and never held whole in memory.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/wire.hpp"

namespace bh::protocol {

bool iequals(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

class Headers {
 public:
  void add(std::string name, std::string value);
  // Replaces every header of that name with one.
  void set(std::string name, std::string value);
  void erase(std::string_view name);
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  std::size_t size() const { return items_.size(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  std::vector<Header> items_;
};

struct Request {
  std::string method;  // "GET", "POST", "DELETE", ... as received
  std::string target;  // origin-form: "/fhir/Patient/$export?_type=Patient"
  Headers headers;
  std::string body;
  std::string client_id;  // who is asking, as the transport sees it (peer address); may be empty
};

// A body produced on demand. next() appends at most max_bytes to out and returns false once
// the body is complete (it may append a last piece in the same call).
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual bool next(std::string& out, std::size_t max_bytes) = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;                    // used when stream is null
  std::shared_ptr<BodyStream> stream;  // set for streamed bodies (sent chunked)
  std::optional<WirePlan> wire;        // set by connection and delivery faults (protocol/wire)
};

std::string_view reason_phrase(int status);

}  // namespace bh::protocol
