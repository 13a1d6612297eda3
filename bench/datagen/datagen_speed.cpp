// bench/datagen/datagen_speed: how fast the dataset generator writes NDJSON, in process.
//
// Contract: generates every type of a --members dataset (one stream per type, read in 64 KiB
// next() calls, as serve's sessions do) and prints one JSON object on stdout: bytes and seconds
// per type and in all, timed around next() only, and an FNV-1a digest of the bytes, so two
// binaries can be checked to write the same data. No network, no files: the generator's own
// cost, the part of a download that serve controls (bench/datagen_speed.py runs and compares).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "datagen/dataset.hpp"

namespace {

struct TypeFigures {
  std::uint64_t bytes = 0;
  double seconds = 0;
};

TypeFigures generate(const bh::datagen::Dataset& data, const std::string& type,
                     std::uint64_t& fnv) {
  bh::datagen::Slice slice;
  slice.type = type;
  slice.end = data.universe(type);
  const auto stream = data.open(slice);
  TypeFigures f;
  std::string chunk;
  std::chrono::steady_clock::duration spent{};
  for (bool more = true; more;) {
    chunk.clear();
    const auto start = std::chrono::steady_clock::now();
    more = stream->next(chunk, 64 * 1024);
    spent += std::chrono::steady_clock::now() - start;
    f.bytes += chunk.size();
    for (const unsigned char c : chunk)
      fnv = (fnv ^ c) * 1099511628211ULL;
  }
  f.seconds = std::chrono::duration<double>(spent).count();
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc != 2) {
      std::fprintf(stderr, "usage: bh_datagen_speed MEMBERS\n");
      return 2;
    }
    const auto members = std::stoull(argv[1]);
    if (members < 10) throw std::invalid_argument("MEMBERS must be at least 10");
    const bh::datagen::Dataset data(bh::datagen::DataConfig{1, members, members});
    std::uint64_t fnv = 14695981039346656037ULL;
    nlohmann::ordered_json out{{"members", members}, {"types", nlohmann::ordered_json::object()}};
    TypeFigures all;
    for (const auto& type : bh::datagen::Dataset::resource_types()) {
      const TypeFigures f = generate(data, type, fnv);
      out["types"][type] = {{"bytes", f.bytes}, {"seconds", f.seconds}};
      all.bytes += f.bytes;
      all.seconds += f.seconds;
    }
    char digest[17];
    std::snprintf(digest, sizeof digest, "%016llx", static_cast<unsigned long long>(fnv));
    out["bytes"] = all.bytes;
    out["seconds"] = all.seconds;
    out["fnv1a"] = digest;
    std::printf("%s\n", out.dump().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bh_datagen_speed: %s (expected: MEMBERS, a whole number >= 10)\n",
                 e.what());
    return 2;
  }
}
