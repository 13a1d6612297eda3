// The POST kick-off body: a FHIR `Parameters` resource (KO-04), read and written per IG version.
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "protocol/export_request.hpp"
#include "protocol/kickoff_params.hpp"
#include "protocol/text_quote.hpp"

namespace bh::protocol {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kWhere = "kick-off POST body";

// Value types follow the bulk-data OperationDefinitions of each version (KO-04, PAR-*).
constexpr std::array kParams = {
    ParamSpec{"_outputFormat", IgVersion::kV1_0_1, "valueString", true},
    ParamSpec{"_since", IgVersion::kV1_0_1, "valueInstant", true},
    ParamSpec{"_type", IgVersion::kV1_0_1, "valueString", false},
    ParamSpec{"_typeFilter", IgVersion::kV1_0_1, "valueString", false},
    ParamSpec{"_elements", IgVersion::kV2_0_0, "valueString", false},
    ParamSpec{"patient", IgVersion::kV2_0_0, "valueReference", false},
    ParamSpec{"includeAssociatedData", IgVersion::kV2_0_0, "valueCode", false},
    ParamSpec{"_until", IgVersion::kV3_0_0, "valueInstant", true},
    ParamSpec{"organizeOutputBy", IgVersion::kV3_0_0, "valueString", true},
    ParamSpec{"allowPartialManifests", IgVersion::kV3_0_0, "valueBoolean", true},
    ParamSpec{"_minimumFileSize", IgVersion::kV4_0_0_ballot, "valuePositiveInt", true},
    ParamSpec{"_maximumFileSize", IgVersion::kV4_0_0_ballot, "valuePositiveInt", true},
};

std::string json_type_name(const json& j) {
  if (j.is_object()) return "a JSON object";
  if (j.is_array()) return "a JSON array";
  if (j.is_string()) return "a JSON string";
  if (j.is_boolean()) return "a JSON boolean";
  if (j.is_number()) return "a JSON number";
  return "null";
}

// A bounded rendering of a scalar for messages and for unknown parameters' values.
std::string scalar_text(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_structured()) return json_type_name(j);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string where_at(std::size_t index, std::string_view name) {
  std::string w = std::string(kWhere) + ": /parameter/" + std::to_string(index);
  if (!name.empty()) w += " (" + std::string(name) + ")";
  return w;
}

bool is_value_key(std::string_view key) {
  return (key.starts_with("value") && key.size() > 5) || key == "resource" || key == "part";
}

// The one value[x] (or resource/part) key of an entry; an Error when there are none or several.
Result<std::string> the_value_key(const json& entry, const std::string& where) {
  std::string found;
  for (const auto& item : entry.items()) {
    const std::string& key = item.key();
    if (!is_value_key(key)) continue;
    if (!found.empty())
      return make_error(where, "more than one value", "exactly one value[x]",
                        found + " and " + key);
    found = key;
  }
  return found;
}

Result<std::string> read_string_value(const json& v, const std::string& where,
                                      std::string_view key) {
  if (!v.is_string())
    return make_error(where, std::string(key) + " is not a string", "a JSON string",
                      json_type_name(v));
  return v.get<std::string>();
}

Result<std::string> read_member_string(const json& v, const std::string& where,
                                       std::string_view key, const char* member) {
  if (!v.is_object())
    return make_error(where, std::string(key) + " is not an object",
                      std::string("an object with a string '") + member + "'", json_type_name(v));
  auto it = v.find(member);
  if (it == v.end() || !it->is_string())
    return make_error(where, std::string(key) + " has no string '" + member + "'",
                      std::string("an object with a string '") + member + "'",
                      it == v.end() ? "no '" + std::string(member) + "'" : json_type_name(*it));
  return it->get<std::string>();
}

// Converts the value of a defined parameter to the text the GET form would carry.
Result<std::string> read_typed_value(const json& v, const std::string& where,
                                     std::string_view key) {
  if (key == "valueString" || key == "valueInstant" || key == "valueCode")
    return read_string_value(v, where, key);
  if (key == "valueReference") return read_member_string(v, where, key, "reference");
  if (key == "valueCoding") return read_member_string(v, where, key, "code");
  if (key == "valueBoolean") {
    if (!v.is_boolean())
      return make_error(where, "valueBoolean is not a boolean", "true or false", json_type_name(v));
    return std::string(v.get<bool>() ? "true" : "false");
  }
  // valuePositiveInt
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() == 0)
    return make_error(where, "valuePositiveInt is not a positive integer", "an integer >= 1",
                      quote_value(scalar_text(v)));
  return std::to_string(v.get<std::uint64_t>());
}

// Unknown parameters are rejected later by name; their value is kept only for the message.
std::string untyped_value(const json& entry, const std::string& key) {
  if (key.empty()) return {};
  const json& v = entry[key];
  if (v.is_object()) {
    for (const char* member : {"reference", "code", "value"})
      if (auto it = v.find(member); it != v.end() && it->is_string()) return it->get<std::string>();
  }
  return scalar_text(v);
}

Result<RawParam> read_entry(const json& entry, std::size_t index, IgVersion version) {
  if (!entry.is_object())
    return make_error(where_at(index, ""), "parameter entry is not an object",
                      "{\"name\": ..., \"value[x]\": ...}", json_type_name(entry));
  auto name_it = entry.find("name");
  if (name_it == entry.end() || !name_it->is_string() || name_it->get<std::string>().empty())
    return make_error(where_at(index, ""), "parameter without a name", "a non-empty string 'name'",
                      name_it == entry.end() ? "no 'name'" : quote_value(scalar_text(*name_it)));
  RawParam out{name_it->get<std::string>(), {}};
  const std::string where = where_at(index, out.name);
  auto key = the_value_key(entry, where);
  if (!key) return key.error();
  const ParamSpec* spec = find_param_spec(out.name, version);
  if (spec == nullptr) {
    out.value = untyped_value(entry, key.value());
    return out;
  }
  const std::string_view expected = value_type(*spec, version);
  if (key.value() != expected)
    return make_error(where, "wrong value type for parameter " + out.name, std::string(expected),
                      key.value().empty() ? "no value[x]" : key.value());
  auto value = read_typed_value(entry[key.value()], where, expected);
  if (!value) return value.error();
  out.value = std::move(value.value());
  return out;
}

std::optional<std::uint64_t> positive_int(std::string_view text) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n == 0) return std::nullopt;
  return n;
}

// The body's value for one query-style pair, typed as the OperationDefinition says.
ordered_json typed_entry(const std::string& name, const std::string& value, IgVersion version) {
  ordered_json entry = {{"name", name}};
  const ParamSpec* spec = find_param_spec(name, version);
  const std::string_view type = spec != nullptr ? value_type(*spec, version) : "valueString";
  if (type == "valueReference") {
    entry["valueReference"] = {{"reference", value}};
  } else if (type == "valueCoding") {
    entry["valueCoding"] = {{"system", kIncludeAssociatedDataSystem}, {"code", value}};
  } else if (type == "valueBoolean" && (value == "true" || value == "false")) {
    entry["valueBoolean"] = value == "true";
  } else if (auto n = positive_int(value); type == "valuePositiveInt" && n) {
    entry["valuePositiveInt"] = *n;
  } else if (type == "valueInstant" || type == "valueCode") {
    entry[std::string(type)] = value;
  } else {
    // Values that do not fit the declared type stay strings, so the server sees and rejects
    // exactly what the caller asked to send.
    entry["valueString"] = value;
  }
  return entry;
}

}  // namespace

const ParamSpec* find_param_spec(std::string_view name, IgVersion version) {
  for (const auto& spec : kParams)
    if (spec.name == name) return version >= spec.since ? &spec : nullptr;
  return nullptr;
}

std::string_view value_type(const ParamSpec& spec, IgVersion version) {
  if (spec.name == "includeAssociatedData" && version >= IgVersion::kV4_0_0_ballot)
    return "valueCoding";
  return spec.value_type;
}

Result<std::vector<RawParam>> read_parameters_body(std::string_view body, IgVersion version) {
  const json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded())
    return make_error(kWhere, "not valid JSON", "a FHIR Parameters resource in JSON",
                      quote_value(body, 40));
  if (!doc.is_object())
    return make_error(kWhere, "not a JSON object", "a FHIR Parameters resource",
                      json_type_name(doc));
  auto rt = doc.find("resourceType");
  if (rt == doc.end() || !rt->is_string() || rt->get<std::string>() != "Parameters")
    return make_error(kWhere, "wrong resourceType", "\"Parameters\"",
                      rt == doc.end() ? "no resourceType" : quote_value(scalar_text(*rt)));
  std::vector<RawParam> out;
  auto params = doc.find("parameter");
  if (params == doc.end()) return out;  // no parameters: a plain export
  if (!params->is_array())
    return make_error(std::string(kWhere) + ": /parameter", "not an array",
                      "an array of parameter entries", json_type_name(*params));
  if (params->size() > kMaxKickoffParams)
    return make_error(std::string(kWhere) + ": /parameter", "too many parameters",
                      "at most " + std::to_string(kMaxKickoffParams),
                      std::to_string(params->size()));
  for (std::size_t i = 0; i < params->size(); ++i) {
    auto entry = read_entry((*params)[i], i, version);
    if (!entry) return entry.error();
    out.push_back(std::move(entry.value()));
  }
  return out;
}

std::string build_parameters_body(const std::vector<std::pair<std::string, std::string>>& params,
                                  IgVersion version) {
  ordered_json body = {{"resourceType", "Parameters"}, {"parameter", ordered_json::array()}};
  for (const auto& [name, value] : params)
    body["parameter"].push_back(typed_entry(name, value, version));
  return body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace bh::protocol
