#include "sim/counting_sink.hpp"

namespace bh::sim {

namespace {

class CountingWriter final : public client::OutputWriter {
 public:
  CountingWriter(std::map<std::string, WrittenFile>& files, std::string name)
      : files_(files), name_(std::move(name)) {}
  Status write(std::string_view bytes) override {
    // A line counts when it holds anything but CR: blank lines are not resources.
    for (std::size_t at = 0; at < bytes.size();) {
      const std::size_t nl = bytes.find('\n', at);
      const std::size_t end = nl == std::string_view::npos ? bytes.size() : nl;
      if (bytes.substr(at, end - at).find_first_not_of('\r') != std::string_view::npos)
        in_line_ = true;
      if (nl == std::string_view::npos) break;
      if (in_line_) ++f_.lines;
      in_line_ = false;
      at = nl + 1;
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
