// The JSON Schema of scenario files, generated from the fault registry and the loader's rules.
#include "mockserver/faults/registry.hpp"
#include "mockserver/scenario.hpp"

namespace bh::mockserver {

namespace {

using Json = nlohmann::ordered_json;

Json ref(const char* name) {
  return {{"$ref", std::string("#/$defs/") + name}};
}

Json param_schema(const ParamSpec& p) {
  Json j;
  switch (p.type) {
    case ParamType::kInteger:
      j = {{"type", "integer"}};
      break;
    case ParamType::kNumber:
      j = {{"type", "number"}};
      break;
    case ParamType::kDuration:
      j = ref("duration");
      break;
    case ParamType::kString:
      j = {{"type", "string"}};
      break;
    case ParamType::kChoice:
      j = {{"enum", p.choices}};
      break;
    case ParamType::kBoolean:
      j = {{"type", "boolean"}};
      break;
  }
  if (p.min != p.max && (p.type == ParamType::kInteger || p.type == ParamType::kNumber)) {
    j["minimum"] = p.min;
    j["maximum"] = p.max;
  }
  j["description"] = p.help;
  if (!p.default_value.is_null()) j["default"] = p.default_value;
  return j;
}

Json fault_schema(const FaultKind& k) {
  Json props = {{"kind", {{"const", k.id}}}};
  Json required = Json::array({"kind"});
  for (const auto& p : k.params) {
    props[p.name] = param_schema(p);
    if (p.default_value.is_null()) required.push_back(p.name);
  }
  return {{"description", k.summary},
          {"type", "object"},
          {"additionalProperties", false},
          {"required", required},
          {"properties", props}};
}

Json strict_object(Json properties, Json required = Json::array()) {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"required", std::move(required)},
          {"properties", std::move(properties)}};
}

Json defs() {
  Json faults = Json::array();
  for (const auto& k : fault_kinds())
    faults.push_back(fault_schema(k));
  const Json positive = {{"type", "integer"}, {"minimum", 1}};
  return {
      {"duration",
       {{"description", "seconds as a number, or a string with a unit: 500ms, 120s, 2m, 1h"},
        {"oneOf",
         {{{"type", "number"}, {"minimum", 0}},
          {{"type", "string"}, {"pattern", "^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$"}}}}}},
      {"requirement",
       {{"type", "string"},
        {"pattern",
         "^(KO-[0-9]{2}|PAR-[0-9]{2}|ST-[0-9]{2}|MF-[0-9]{2}|DL-[0-9]{2}|DEL-0[1-5]|"
         "ERR-0[1-8]|AUTH-[0-9]{2}|CAP-0[1-5])$"}}},
      {"match",
       strict_object(
           {{"endpoint",
             {{"enum",
               {"kickoff", "status", "file", "delete", "metadata", "read", "search", "any"}}}},
            {"method", {{"enum", {"GET", "POST", "DELETE", "PUT", "HEAD"}}}},
            {"job", positive},
            {"file", {{"type", "string"}}},
            {"after", ref("duration")},
            {"before", ref("duration")},
            {"state", {{"type", "string"}}},
            {"job_state", {{"enum", {"running", "completed", "expired", "deleted", "gone"}}}}})},
      {"schedule",
       {{"type", "object"},
        {"additionalProperties", false},
        {"maxProperties", 3},
        {"properties",
         {{"always", {{"const", true}}},
          {"nth",
           {{"oneOf", {positive, {{"type", "array"}, {"items", positive}, {"minItems", 1}}}}}},
          {"every", positive},
          {"offset", {{"type", "integer"}, {"minimum", 0}}},
          {"first", positive},
          {"from", positive},
          {"probability", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
          {"limit", positive},
          {"per", {{"enum", {"rule", "job"}}}}}}}},
      {"fault", {{"oneOf", faults}}},
      {"rule", strict_object({{"id", {{"type", "string"}, {"pattern", "^[a-z0-9-]+$"}}},
                              {"description", {{"type", "string"}}},
                              {"match", ref("match")},
                              {"schedule", ref("schedule")},
                              {"fault", ref("fault")},
                              {"set_state", {{"type", "string"}}},
                              {"swarm", {{"type", "boolean"}}}},
                             {"id", "fault"})}};
}

}  // namespace

nlohmann::ordered_json scenario_schema() {
  const Json req_list = {{"type", "array"}, {"items", ref("requirement")}};
  Json props = {
      {"$schema", {{"type", "string"}}},
      {"id", {{"type", "string"}, {"minLength", 1}}},
      {"description", {{"type", "string"}, {"minLength", 1}}},
      {"requirements", req_list},
      {"ig_version", {{"enum", {"1.0.1", "2.0.0"}}}},
      {"seed", {{"type", "integer"}, {"minimum", 0}}},
      {"time_scale", {{"type", "number"}, {"minimum", 0.001}, {"maximum", 1e6}}},
      {"data",
       strict_object({{"members", {{"type", "integer"}, {"minimum", 10}, {"maximum", 100000000}}},
                      {"members_per_file", {{"type", "integer"}, {"minimum", 1}}}})},
      {"job",
       strict_object({{"duration", ref("duration")},
                      {"retry_after", ref("duration")},
                      {"retry_after_form", {{"enum", {"seconds", "http-date"}}}},
                      {"progress_steps", {{"type", "integer"}, {"minimum", 0}, {"maximum", 100}}},
                      {"file_ttl", ref("duration")},
                      {"min_poll_interval", ref("duration")}})},
      {"states", {{"type", "array"}, {"items", {{"type", "string"}}}, {"uniqueItems", true}}},
      {"initial_state", {{"type", "string"}}},
      {"swarm",
       strict_object({{"probability", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}}})},
      {"rules", {{"type", "array"}, {"items", ref("rule")}}},
      {"expect",
       strict_object(
           {{"outcome", {{"enum", outcome_names()}}},
            {"resources", {{"oneOf", {{{"const", "all"}}, {{"type", "integer"}, {"minimum", 0}}}}}},
            {"judge", req_list},
            {"note", {{"type", "string"}}}})},
      {"client_args", {{"type", "array"}, {"items", {{"type", "string"}}}}},
      {"auth", strict_object({{"token_lifetime", ref("duration")}})},
      {"sim", strict_object({{"heal_after", ref("duration")}})}};
  Json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                 {"$id", "https://bulkharness.invalid/scenario.schema.json"},
                 {"title", "bulkharness scenario"},
                 {"description",
                  "Generated by `bulkharness scenarios schema` from the fault registry; the "
                  "loader (mockserver/scenario_loader.cpp) enforces the same rules and also "
                  "cross-field ones (declared states, endpoints each fault kind allows)."}};
  Json body = strict_object(props, {"id", "description"});
  for (auto& [k, v] : body.items())
    schema[k] = v;
  schema["$defs"] = defs();
  return schema;
}

}  // namespace bh::mockserver
