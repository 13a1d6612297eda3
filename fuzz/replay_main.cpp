// fuzz/replay_main: runs a fuzz target over files, for builds without libFuzzer.
//
// Contract: every argument is a file or a directory (read recursively, in sorted order so a
// failure is reproducible); each file's bytes go to LLVMFuzzerTestOneInput once. A crash or a
// broken property aborts the process, as under libFuzzer. Exit 0 when every input ran, 2 when an
// argument cannot be read or no input was found at all: a corpus that went missing must not pass
// as "replayed nothing, found nothing". This is how ctest replays the corpora on every CI run
// with any compiler (fmt's test/fuzzing does the same).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool collect(const fs::path& arg, std::vector<fs::path>& files) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) {
    files.push_back(arg);
    return true;
  }
  if (!fs::is_directory(arg, ec)) {
    std::fprintf(stderr, "replay: %s: not a file or directory\n", arg.string().c_str());
    return false;
  }
  std::vector<fs::path> found;
  for (fs::recursive_directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file()) found.push_back(it->path());
  if (ec) {
    std::fprintf(stderr, "replay: %s: %s\n", arg.string().c_str(), ec.message().c_str());
    return false;
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i)
    if (!collect(argv[i], files)) return 2;
  if (files.empty()) {
    std::fprintf(stderr, "replay: no input files (usage: %s FILE|DIR...)\n", argv[0]);
    return 2;
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "replay: %s: cannot read\n", f.string().c_str());
      return 2;
    }
    std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    // A null pointer for an empty input would be legal for libFuzzer but UB for memcpy-style
    // code in targets; give them a valid pointer always.
    static const std::uint8_t kEmpty = 0;
    const auto* data =
        bytes.empty() ? &kEmpty : reinterpret_cast<const std::uint8_t*>(bytes.data());
    LLVMFuzzerTestOneInput(data, bytes.size());
  }
  std::printf("replay: %zu inputs ran\n", files.size());
  return 0;
}
