#include "protocol/r4_model.hpp"

#include <sstream>

namespace bh::protocol {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep))
    out.push_back(item);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

R4Type parse_type(const char* text) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  const auto head = split(line, '\t');
  R4Type t{head.at(0), head.size() > 1 ? head[1] : "", {}};
  // The element lines are indented one space per nesting level.
  std::vector<std::vector<R4Element>*> stack = {&t.elements};
  while (std::getline(in, line)) {
    std::size_t depth = 0;
    while (depth < line.size() && line[depth] == ' ')
      ++depth;
    const auto cols = split(line.substr(depth), '\t');
    R4Element e;
    e.name = cols.at(0);
    e.type = cols.size() > 1 ? cols[1] : "";
    std::string flags = cols.size() > 2 ? cols[2] : "";
    if (auto c = flags.find("c="); c != std::string::npos) {
      e.choice = flags.substr(c + 2);
      flags.resize(c);  // the group's name is not a flag ("multipleBirth" holds an 'r')
    }
    e.multiple = flags.find('m') != std::string::npos;
    e.required = flags.find('r') != std::string::npos;
    stack.resize(depth);
    stack.back()->push_back(std::move(e));
    stack.push_back(&stack.back()->back().children);
  }
  return t;
}

class Validator {
 public:
  Validator(const R4Model& model, std::size_t max) : model_(model), max_(max) {}
  std::vector<std::string> problems;

  void resource(const nlohmann::json& j, const std::string& path, int depth) {
    const auto rt = j.find("resourceType");
    if (rt == j.end() || !rt->is_string()) return add(path, "has no resourceType");
    const std::string type = rt->get<std::string>();
    const R4Type* t = model_.find(type);
    if (t == nullptr || t->kind != "resource")
      return add(path, "resourceType \"" + type + "\" is not an R4 resource");
    members(j, t->elements, path.empty() ? type : path, depth, true);
  }

 private:
  void add(const std::string& path, const std::string& what) {
    if (problems.size() < max_) problems.push_back(path + ": " + what);
  }

  void members(const nlohmann::json& obj, const std::vector<R4Element>& elements,
               const std::string& path, int depth, bool is_resource) {
    if (depth > 24) return add(path, "nested too deeply to check");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& key = it.key();
      if (is_resource && key == "resourceType") continue;
      const std::string name = key.starts_with('_') ? key.substr(1) : key;
      const R4Element* e = nullptr;
      for (const auto& el : elements)
        if (el.name == name) e = &el;
      if (e == nullptr) {
        add(path + "." + key, "is not an element of this type");
        continue;
      }
      if (key.starts_with('_')) {
        primitive_extension(*it, path + "." + key);
        continue;
      }
      value(*e, *it, path + "." + key, depth);
    }
    for (const auto& el : elements) {
      if (!el.required) continue;
      bool present = false;
      for (const auto& other : elements)
        if ((other.name == el.name || (!el.choice.empty() && other.choice == el.choice)) &&
            (obj.contains(other.name) || obj.contains("_" + other.name)))
          present = true;
      if (!present)
        add(path + "." + (el.choice.empty() ? el.name : el.choice + "[x]"),
            "is required and missing");
    }
  }

  void primitive_extension(const nlohmann::json& v, const std::string& path) {
    if (v.is_object() || v.is_array()) return;
    add(path, "a primitive's extension holder must be an object (or an array of them)");
  }

  void value(const R4Element& e, const nlohmann::json& v, const std::string& path, int depth) {
    if (e.multiple) {
      if (!v.is_array()) return add(path, "repeats: expected an array");
      std::size_t i = 0;
      for (const auto& item : v)
        single(e, item, path + "[" + std::to_string(i++) + "]", depth);
      return;
    }
    if (v.is_array()) return add(path, "does not repeat: expected one value, got an array");
    single(e, v, path, depth);
  }

  void single(const R4Element& e, const nlohmann::json& v, const std::string& path, int depth) {
    const std::string& type = e.type;
    if (type == "boolean") {
      if (!v.is_boolean()) add(path, "expected a JSON boolean");
    } else if (type == "integer" || type == "positiveInt" || type == "unsignedInt") {
      if (!v.is_number_integer()) return add(path, "expected a JSON integer (" + type + ")");
      const auto n = v.get<long long>();
      if (type == "positiveInt" && n < 1) add(path, "positiveInt must be at least 1");
      if (type == "unsignedInt" && n < 0) add(path, "unsignedInt must not be negative");
    } else if (type == "decimal") {
      if (!v.is_number()) add(path, "expected a JSON number (decimal)");
    } else if (const R4Type* t = model_.find(type); t != nullptr && t->kind == "primitive-type") {
      if (!v.is_string()) add(path, "expected a JSON string (" + type + ")");
    } else if (!v.is_object()) {
      add(path, "expected a JSON object (" + type + ")");
    } else if (type == "Resource") {
      resource(v, path, depth + 1);
    } else if (!e.children.empty()) {
      members(v, e.children, path, depth + 1, false);
    } else if (t != nullptr) {
      members(v, t->elements, path, depth + 1, false);
    }
    // Otherwise a content reference ("#Questionnaire.item"): its members are not checked.
  }

  const R4Model& model_;
  std::size_t max_;
};

}  // namespace

R4Model::R4Model() {
  for (std::size_t i = 0; i < r4_detail::kTypeCount; ++i) {
    R4Type t = parse_type(r4_detail::kTypes[i]);
    std::string name = t.name;
    types_.emplace(std::move(name), std::move(t));
  }
}

const R4Type* R4Model::find(std::string_view name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

bool R4Model::is_resource(std::string_view name) const {
  const R4Type* t = find(name);
  return t != nullptr && t->kind == "resource";
}

std::size_t R4Model::resource_count() const {
  std::size_t n = 0;
  for (const auto& [name, t] : types_)
    n += t.kind == "resource" ? 1 : 0;
  return n;
}

const R4Model& r4_model() {
  // Built on first use and never changed after: shared read-only data, not mutable state.
  static const R4Model model;
  return model;
}

std::vector<std::string> validate_r4(const nlohmann::json& resource, std::size_t max_problems) {
  Validator v(r4_model(), max_problems);
  if (!resource.is_object()) return {"the line is not a JSON object"};
  v.resource(resource, "", 0);
  return v.problems;
}

}  // namespace bh::protocol
