// datagen/json_table: JSON values serialized once and spliced into every resource that uses them.
//
// Contract: JsonTable<N> holds N texts, entry i written by write(json, i) through a JsonWriter
// at depth 0, so each is exactly the bytes the same JsonWriter calls would write in place
// (JsonWriter::raw() splices a value, JsonWriter::members() an object's members). Builders keep
// one per vocabulary table as a function-local static const: built on first use, then only read.
//
// Why: a coding is a dozen writer calls for constant text; an export repeats each of them
// millions of times, and these calls were most of serve's CPU while streaming one (perf).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/assert.hpp"
#include "datagen/json_writer.hpp"

namespace bh::datagen::detail {

template <std::size_t N>
class JsonTable {
 public:
  template <class Write>
  explicit JsonTable(Write write) {
    for (std::size_t i = 0; i < N; ++i) {
      JsonWriter json(text_[i]);
      write(json, i);
      BH_ASSERT(json.depth() == 0, "JsonTable: an entry left a container open");
    }
  }
  std::string_view operator[](std::size_t i) const { return text_.at(i); }

 private:
  std::array<std::string, N> text_;
};

// One entry per row of a vocabulary table: write(json, rows[i]).
template <class Row, std::size_t N, class Write>
JsonTable<N> table_of(const std::array<Row, N>& rows, Write write) {
  return JsonTable<N>([&](JsonWriter& json, std::size_t i) { write(json, rows[i]); });
}

}  // namespace bh::datagen::detail
