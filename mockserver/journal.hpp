// mockserver/journal: what the server saw and answered, for people and for the judge.
//
// Contract: a bounded ring of entries (oldest dropped first, the number dropped kept), each with
// a sequence number, the scenario-time offset from the server's start, the request line and
// headers, the response status and headers, the endpoint class, the job (id and ordinal), every
// fault rule that fired (rule id, kind, match number) and the wire action a connection fault
// took, plus what the body told the client (judge::BodyFacts: manifest urls, issue codes) and
// whether the body arrived whole (`incomplete` when a connection fault cut or mislabelled it),
// and with SMART auth what the token endpoint decided or what the bearer check saw.
// Its JSON is a pure function of the entries: with the same requests at the same instants
// it is byte for byte the same.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "mockserver/auth_gate.hpp"
#include "mockserver/fault_engine.hpp"
#include "mockserver/judge/body_facts.hpp"
#include "protocol/http.hpp"

namespace bh::mockserver {

struct JournalEntry {
  std::uint64_t seq = 0;
  Duration at{};  // scenario time since the server started
  std::string client_id;
  std::string method;
  std::string target;
  std::vector<protocol::Header> request_headers;
  int status = 0;  // 0: no HTTP response was sent (a connection fault: see `wire`)
  std::vector<protocol::Header> response_headers;
  std::string endpoint;  // kickoff, status, delete, file, metadata, read, search, other
  std::string job_id;
  std::uint64_t job_ordinal = 0;   // 0: no job
  std::vector<FiredFault> faults;  // empty when the service answered untouched
  std::string wire;                // the connection fault's action, if any
  judge::BodyFacts body;           // what the body said (kind none when no response was sent)
  bool incomplete = false;         // the body was cut short or its framing was broken
  AuthFacts auth;                  // SMART: the token endpoint's decision, the bearer check

  // "throttle (rule storm, match 2); ..." for people, empty without faults.
  std::string faults_text() const;
};

class Journal {
 public:
  explicit Journal(std::size_t capacity = 10000) : capacity_(capacity) {}
  void add(JournalEntry entry);  // assigns seq
  void clear();
  const std::deque<JournalEntry>& entries() const { return entries_; }
  std::uint64_t dropped() const { return dropped_; }
  nlohmann::ordered_json to_json() const;

 private:
  std::size_t capacity_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t dropped_ = 0;
  std::deque<JournalEntry> entries_;
};

nlohmann::ordered_json to_json(const JournalEntry& e);

}  // namespace bh::mockserver
