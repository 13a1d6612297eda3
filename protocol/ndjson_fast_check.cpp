#include "protocol/ndjson_fast_check.hpp"

#include <simdjson.h>

namespace bh::protocol {

struct NdjsonFastCheck::Parser {
  simdjson::dom::parser dom{kMaxLine};
};

NdjsonFastCheck::NdjsonFastCheck() = default;

NdjsonFastCheck::~NdjsonFastCheck() = default;

bool NdjsonFastCheck::accepts(std::string_view line, std::string_view expected) {
  if (line.size() > kMaxLine) return false;
  if (!parser_) parser_ = std::make_unique<Parser>();
  // realloc_if_needed: the line is copied into simdjson's padded buffer (it reads past the end).
  simdjson::dom::object root;
  if (parser_->dom.parse(line.data(), line.size(), true).get_object().get(root)) return false;
  // The last resourceType wins, as in the exact validator (a repeated key is not an error there).
  bool found = false;
  std::string_view type;
  for (auto field : root) {
    if (field.key != "resourceType") continue;
    if (field.value.get_string().get(type)) return false;
    found = true;
  }
  return found && (expected.empty() || type == expected);
}

}  // namespace bh::protocol
