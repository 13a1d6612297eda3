#include "client/net/fs_output_sink.hpp"

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace bh::client::net {

namespace {

std::string os_reason(int err) {
  return std::generic_category().message(err);
}

class FileWriter final : public OutputWriter {
 public:
  FileWriter(std::FILE* file, std::filesystem::path part, std::filesystem::path final_path)
      : file_(file), part_(std::move(part)), final_(std::move(final_path)) {}
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  ~FileWriter() override {
    if (file_) std::fclose(file_);
    if (!closed_) {
      std::error_code ignored;
      std::filesystem::remove(part_, ignored);  // never leave a partial file behind
    }
  }

  Status write(std::string_view bytes) override {
    if (!file_) return make_error(part_.string(), "write after close");
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
      return make_error(part_.string(), "write failed", "", os_reason(errno));
    return Ok{};
  }

  Status close() override {
    if (!file_) return make_error(part_.string(), "closed twice");
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) return make_error(part_.string(), "close failed", "", os_reason(errno));
    std::error_code ec;
    std::filesystem::rename(part_, final_, ec);
    if (ec) return make_error(final_.string(), "rename failed", "", ec.message());
    closed_ = true;
    return Ok{};
  }

 private:
  std::FILE* file_;
  std::filesystem::path part_;
  std::filesystem::path final_;
  bool closed_ = false;
};

bool plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of("/\\") == std::string::npos && name.find('\0') == std::string::npos;
}

}  // namespace

Result<std::unique_ptr<OutputWriter>> FileSystemSink::open(const std::string& name) {
  if (!plain_name(name))
    return make_error("output file name", "not a plain file name", "a name without separators",
                      "\"" + name + "\"");
  const auto final_path = dir_ / name;
  auto part = final_path;
  part += ".part";
  std::FILE* f = std::fopen(part.c_str(), "wb");
  if (!f) return make_error(part.string(), "cannot open for writing", "", os_reason(errno));
  return std::unique_ptr<OutputWriter>(std::make_unique<FileWriter>(f, part, final_path));
}

}  // namespace bh::client::net
