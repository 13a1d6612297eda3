#include "mockserver/faults/fault_kind.hpp"
#include "core/strings.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace bh::mockserver {

std::string_view to_string(ParamType t) {
  switch (t) {
    case ParamType::kInteger:
      return "integer";
    case ParamType::kNumber:
      return "number";
    case ParamType::kDuration:
      return "duration";
    case ParamType::kString:
      return "string";
    case ParamType::kChoice:
      return "choice";
    case ParamType::kBoolean:
      return "boolean";
  }
  return "?";
}

const nlohmann::ordered_json& ParamValues::at(const std::string& name) const {
  BH_ASSERT(values_.contains(name), "fault parameter read that its kind does not declare");
  return values_.at(name);
}
std::int64_t ParamValues::integer(const std::string& name) const {
  return at(name).get<std::int64_t>();
}
double ParamValues::number(const std::string& name) const {
  return at(name).get<double>();
}
Duration ParamValues::duration(const std::string& name) const {
  return Duration{at(name).get<std::int64_t>()};
}
std::string ParamValues::text(const std::string& name) const {
  return at(name).get<std::string>();
}
bool ParamValues::flag(const std::string& name) const {
  return at(name).get<bool>();
}

namespace {

std::string json_text(const nlohmann::ordered_json& v) {
  std::string s = v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

std::string range_text(const ParamSpec& p, const char* noun) {
  char buf[96];
  if (p.min == p.max) return noun;
  std::snprintf(buf, sizeof buf, "%s from %g to %g", noun, p.min, p.max);
  return buf;
}

bool in_range(const ParamSpec& p, double v) {
  return p.min == p.max || (v >= p.min && v <= p.max);
}

// Checks one value against its spec; returns the stored form.
Result<nlohmann::ordered_json> check_value(const ParamSpec& p, const nlohmann::ordered_json& v,
                                           const std::string& where) {
  switch (p.type) {
    case ParamType::kInteger: {
      const std::string want = range_text(p, "an integer");
      if (!v.is_number_integer()) return make_error(where, "wrong type", want, json_text(v));
      if (!in_range(p, v.get<double>()))
        return make_error(where, "out of range", want, json_text(v));
      return v;
    }
    case ParamType::kNumber: {
      const std::string want = range_text(p, "a number");
      if (!v.is_number()) return make_error(where, "wrong type", want, json_text(v));
      if (!in_range(p, v.get<double>()))
        return make_error(where, "out of range", want, json_text(v));
      return nlohmann::ordered_json(v.get<double>());
    }
    case ParamType::kDuration: {
      auto d = parse_duration_value(v, where);
      if (!d) return d.error();
      if (!in_range(p, to_seconds(*d)))
        return make_error(where, "out of range", range_text(p, "a duration in seconds"),
                          json_text(v));
      return nlohmann::ordered_json(d->count());
    }
    case ParamType::kString:
      if (!v.is_string()) return make_error(where, "wrong type", "a string", json_text(v));
      return v;
    case ParamType::kChoice: {
      const std::string list = join(p.choices, ", ");
      if (v.is_string())
        for (const auto& c : p.choices)
          if (v.get<std::string>() == c) return v;
      return make_error(where, "not one of the choices", "one of: " + list, json_text(v));
    }
    case ParamType::kBoolean:
      if (!v.is_boolean()) return make_error(where, "wrong type", "true or false", json_text(v));
      return v;
  }
  return make_error(where, "unknown parameter type");
}

}  // namespace

Result<ParamValues> check_params(const FaultKind& kind, const nlohmann::ordered_json& fault,
                                 const std::string& where) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [key, value] : fault.items()) {
    if (key == "kind") continue;
    const ParamSpec* spec = nullptr;
    for (const auto& p : kind.params)
      if (p.name == key) spec = &p;
    if (!spec) {
      std::vector<std::string> names;
      for (const auto& p : kind.params)
        names.push_back(p.name);
      return make_error(where + "/" + key, "unknown parameter for fault kind " + kind.id,
                        names.empty() ? "no parameters" : "one of: " + join(names, ", "));
    }
    auto checked = check_value(*spec, value, where + "/" + key);
    if (!checked) return checked.error();
    out[key] = std::move(checked.value());
  }
  for (const auto& p : kind.params) {
    if (out.contains(p.name)) continue;
    if (p.default_value.is_null())
      return make_error(
          where, "missing required parameter \"" + p.name + "\" of fault kind " + kind.id, p.help);
    auto checked = check_value(p, p.default_value, where + "/" + p.name);
    BH_ASSERT(checked.ok(), "a fault kind's default does not pass its own spec");
    out[p.name] = std::move(checked.value());
  }
  return ParamValues(std::move(out));
}

Result<Duration> parse_duration_value(const nlohmann::ordered_json& value,
                                      const std::string& where) {
  const char* expected =
      "a duration: seconds as a number, or a string such as \"500ms\", \"120s\", \"2m\", \"1h\"";
  double amount = 0;
  double unit_us = 1e6;
  if (value.is_number()) {
    amount = value.get<double>();
  } else if (value.is_string()) {
    const std::string s = value.get<std::string>();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), amount);
    const std::string_view unit(end, static_cast<std::size_t>(s.data() + s.size() - end));
    if (ec != std::errc{} || end == s.data())
      return make_error(where, "not a duration", expected, json_text(value));
    if (unit == "ms")
      unit_us = 1e3;
    else if (unit == "s")
      unit_us = 1e6;
    else if (unit == "m")
      unit_us = 60e6;
    else if (unit == "h")
      unit_us = 3600e6;
    else
      return make_error(where, "unknown duration unit", expected, json_text(value));
  } else {
    return make_error(where, "wrong type", expected, json_text(value));
  }
  const double us = amount * unit_us;
  if (!std::isfinite(us) || us < 0 || us > 1e16)
    return make_error(where, "out of range", "a non-negative duration under 300 years",
                      json_text(value));
  return Duration{static_cast<std::int64_t>(std::llround(us))};
}

std::string format_duration_text(Duration d) {
  const auto us = d.count();
  char buf[48];
  if (us % 1000000 == 0)
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(us / 1000000));
  else if (us % 1000 == 0)
    std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(us / 1000));
  else  // exact, in the schema's pattern: "%.6g" lost digits and wrote "1.23457e+06s"
    std::snprintf(buf, sizeof buf, "%lld.%06llds", static_cast<long long>(us / 1000000),
                  static_cast<long long>(us % 1000000));
  std::string text = buf;
  if (const auto dot = text.find('.'); dot != std::string::npos) {
    const auto last = text.find_last_not_of('0', text.size() - 2);  // trailing zeros before 's'
    text.erase(last + 1, text.size() - 2 - last);
  }
  return text;
}

}  // namespace bh::mockserver
