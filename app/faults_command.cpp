// `bulkharness faults list [--json]`: every fault kind with its parameters and requirement IDs,
// generated from the registry, so the catalogue cannot drift from the code.
#include <ostream>

#include "app/commands.hpp"
#include "mockserver/faults/registry.hpp"

namespace bh::app {

namespace {

using Json = nlohmann::ordered_json;

Json kind_json(const mockserver::FaultKind& k) {
  Json params = Json::array();
  for (const auto& p : k.params) {
    Json j = {{"name", p.name}, {"type", std::string(mockserver::to_string(p.type))}};
    if (!p.default_value.is_null()) j["default"] = p.default_value;
    if (!p.choices.empty()) j["choices"] = p.choices;
    if (p.min != p.max) j["range"] = {p.min, p.max};
    j["help"] = p.help;
    params.push_back(j);
  }
  return {{"kind", k.id},
          {"family", k.family},
          {"summary", k.summary},
          {"requirements", k.requirements},
          {"endpoints", k.endpoints},
          {"params", params}};
}

void print_text(std::ostream& out) {
  std::string family;
  for (const auto& k : mockserver::fault_kinds()) {
    if (k.family != family) {
      family = k.family;
      out << "\n" << family << "\n";
    }
    out << "  " << k.id << "  [";
    for (std::size_t i = 0; i < k.requirements.size(); ++i)
      out << (i ? " " : "") << k.requirements[i];
    out << "]\n    " << k.summary << "\n    endpoints:";
    for (const auto& e : k.endpoints)
      out << " " << e;
    out << "\n";
    for (const auto& p : k.params) {
      out << "    " << p.name << " (" << mockserver::to_string(p.type);
      if (!p.choices.empty()) {
        out << ":";
        for (const auto& c : p.choices)
          out << " " << c;
      }
      if (!p.default_value.is_null()) out << "; default " << p.default_value.dump();
      out << "): " << p.help << "\n";
    }
  }
  out << "\n" << mockserver::fault_kinds().size() << " fault kinds\n";
}

}  // namespace

int faults_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const bool json = args.size() == 2 && args[1] == "--json";
  if (args.empty() || args[0] != "list" || (args.size() > 1 && !json)) {
    err << "usage: bulkharness faults list [--json]\n";
    return 2;
  }
  if (json) {
    Json all = Json::array();
    for (const auto& k : mockserver::fault_kinds())
      all.push_back(kind_json(k));
    out << all.dump(2) << "\n";
  } else {
    print_text(out);
  }
  return 0;
}

}  // namespace bh::app
