// mockserver/faults/fault_kind: a fault kind as the registry, the scenario loader and
// `bulkharness faults list` see it.
//
// Contract: a FaultKind names itself (the id used in scenario files, the journal and reports),
// the requirement IDs it exercises, the endpoints where it means something, and its parameters
// with their types, ranges and defaults. check_params validates a scenario's `fault` object
// against those specs and fills in defaults, with errors naming the JSON path, what was expected
// and what was found; `make` then builds the Fault from values that are known to be valid.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "core/time.hpp"
#include "mockserver/faults/fault.hpp"

namespace bh::mockserver {

enum class ParamType { kInteger, kNumber, kDuration, kString, kChoice, kBoolean };
std::string_view to_string(ParamType t);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  nlohmann::ordered_json default_value;  // null = required
  std::string help{};
  std::vector<std::string> choices{};  // kChoice
  double min = 0, max = 0;             // kInteger, kNumber, kDuration (seconds); min == max: none
};

// Validated parameter values, defaults filled in.
class ParamValues {
 public:
  explicit ParamValues(nlohmann::ordered_json values = nlohmann::ordered_json::object())
      : values_(std::move(values)) {}
  std::int64_t integer(const std::string& name) const;
  double number(const std::string& name) const;
  Duration duration(const std::string& name) const;
  std::string text(const std::string& name) const;
  bool flag(const std::string& name) const;
  const nlohmann::ordered_json& json() const { return values_; }

 private:
  const nlohmann::ordered_json& at(const std::string& name) const;
  nlohmann::ordered_json values_;
};

struct FaultKind {
  std::string id;
  std::string family;
  std::string summary;
  std::vector<std::string> requirements;
  std::vector<std::string> endpoints;  // kickoff, status, file, delete, metadata, any
  std::vector<ParamSpec> params;
  std::function<std::unique_ptr<Fault>(const ParamValues&)> make;
};

// `fault` is the object from the scenario file (its "kind" key is ignored here); `where` is its
// JSON path for error messages.
Result<ParamValues> check_params(const FaultKind& kind, const nlohmann::ordered_json& fault,
                                 const std::string& where);

// Scenario durations: a number of seconds, or a string "500ms", "120s", "2m", "1.5h".
Result<Duration> parse_duration_value(const nlohmann::ordered_json& value,
                                      const std::string& where);
std::string format_duration_text(Duration d);  // "120s", "1.5s", "0s"

}  // namespace bh::mockserver
