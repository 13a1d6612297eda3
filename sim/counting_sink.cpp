#include "sim/counting_sink.hpp"

namespace bh::sim {

namespace {

class CountingWriter final : public client::OutputWriter {
 public:
  CountingWriter(std::map<std::string, WrittenFile>& files, std::string name)
      : files_(files), name_(std::move(name)) {}
  Status write(std::string_view bytes) override {
    for (const char c : bytes) {
      f_.hash = (f_.hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
      if (c == '\n') {
        if (in_line_) ++f_.lines;
        in_line_ = false;
      } else if (c != '\r') {
        in_line_ = true;
      }
    }
    f_.bytes += bytes.size();
    return Ok{};
  }
  Status close() override {
    if (in_line_) ++f_.lines;  // a last line without its newline still counts
    in_line_ = false;
    files_[name_] = f_;
    return Ok{};
  }

 private:
  std::map<std::string, WrittenFile>& files_;
  std::string name_;
  WrittenFile f_;
  bool in_line_ = false;
};

}  // namespace

Result<std::unique_ptr<client::OutputWriter>> CountingSink::open(const std::string& name) {
  ++opens_;
  files_.erase(name);  // truncated: nothing visible until the new close()
  return std::unique_ptr<client::OutputWriter>(std::make_unique<CountingWriter>(files_, name));
}

}  // namespace bh::sim
