// mockserver/faults/fault: the one interface every fault implements.
//
// Contract (after Toxiproxy's toxics, for HTTP and FHIR rather than bytes): a Fault is asked
// for the response to one request its rule matched and scheduled. `next()` yields the response
// the rest of the chain would give (later rules, then the ExportService); a fault may call it at
// most once and change what comes back (strip a header, corrupt a manifest, wrap the body), or
// not call it and answer itself (429, 503, a broken kick-off), in which case the service never
// sees the request. A fault whose precondition does not hold for this request (a manifest fault
// on a 202, a header check the client passed) sets ctx.declined and returns next() unchanged:
// it is then neither journalled nor counted as fired. Connection faults put a WirePlan on the
// response (protocol/wire.hpp). Faults are transport-independent: the Beast server and the
// simulator call them the same way. Randomness comes only from ctx.rng, a stream fixed by
// (run seed, rule id, match number); time only from ctx.now; what the client is told about
// time goes through ctx.service.wire.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "auth/token_service.hpp"
#include "core/rng.hpp"
#include "core/time.hpp"
#include "protocol/export_job.hpp"
#include "protocol/export_service.hpp"
#include "protocol/http.hpp"

namespace bh::mockserver {

// Files faults add to an export (error files, deleted Bundles, a second manifest page) and
// that the mock serves itself, keyed by request path. Bounded: a fault adds a handful per job.
struct ExtraFile {
  std::string content_type;
  std::string body;
};
class ExtraFiles {
 public:
  void put(std::string path, ExtraFile file) { files_[std::move(path)] = std::move(file); }
  const ExtraFile* find(const std::string& path) const {
    auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
  }
  void clear() { files_.clear(); }

 private:
  std::map<std::string, ExtraFile> files_;
};

struct FaultContext {
  const protocol::Request& request;
  const protocol::RequestClass& cls;
  Instant now;                             // scenario time
  const protocol::ServiceConfig& service;  // the job timeline and the wire time scale
  const protocol::ExportJob* job;          // the job the request concerns, if it exists
  std::uint64_t match;                     // this rule's match number (1-based)
  Rng rng;                                 // this rule's stream for this match
  ExtraFiles& files;
  auth::TokenService* tokens = nullptr;  // SMART auth, when the server runs it
  bool declined = false;
};

using Next = std::function<protocol::Response()>;

class Fault {
 public:
  virtual ~Fault() = default;
  virtual protocol::Response apply(FaultContext& ctx, const Next& next) = 0;
};

}  // namespace bh::mockserver
