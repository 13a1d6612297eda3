#include "protocol/gunzip.hpp"

#include <zlib.h>

#include <array>

namespace bh::protocol {

struct Gunzip::Impl {
  z_stream z{};
  bool ready = false;
};

namespace {
constexpr std::uint64_t kBombFloor = 1 << 20;  // below this, any ratio is harmless
}

Gunzip::Gunzip(std::uint64_t max_ratio) : impl_(std::make_unique<Impl>()), max_ratio_(max_ratio) {
  // 16 + MAX_WBITS: a gzip wrapper, not raw zlib.
  impl_->ready = inflateInit2(&impl_->z, 16 + MAX_WBITS) == Z_OK;
}

Gunzip::~Gunzip() {
  if (impl_->ready) inflateEnd(&impl_->z);
}

Status Gunzip::feed(std::string_view compressed, std::string& out) {
  const auto where = [&] { return "gzip body at byte " + std::to_string(in_); };
  if (!impl_->ready) return make_error("gzip decoder", "zlib could not be initialised");
  if (failed_) return make_error(where(), "the stream is already broken");
  if (compressed.empty()) return Ok{};
  if (ended_) {
    failed_ = true;
    return make_error(where(), "data after the end of the gzip stream");
  }
  z_stream& z = impl_->z;
  // zlib's API takes a non-const pointer but does not write through next_in.
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::array<char, 64 * 1024> buf{};
  while (z.avail_in > 0 && !ended_) {
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = static_cast<uInt>(buf.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf.data(), buf.size() - z.avail_out);
    out_ += buf.size() - z.avail_out;
    const std::uint64_t consumed = in_ + (compressed.size() - z.avail_in);
    if (out_ > kBombFloor && out_ / max_ratio_ > consumed) {
      failed_ = true;
      in_ = consumed;
      return make_error(where(),
                        "decompresses beyond " + std::to_string(max_ratio_) + ":1 (a gzip bomb?)",
                        "at most " + std::to_string(max_ratio_) + " bytes out per byte in",
                        std::to_string(out_) + " bytes from " + std::to_string(consumed));
    }
    if (rc == Z_STREAM_END) {
      ended_ = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      failed_ = true;
      in_ += compressed.size() - z.avail_in;
      return make_error(where(), "not a valid gzip stream", "gzip data (RFC 1952)",
                        z.msg != nullptr ? z.msg : "zlib error");
    } else if (rc == Z_BUF_ERROR && z.avail_out != 0) {
      break;  // needs more input
    }
  }
  const std::size_t used = compressed.size() - z.avail_in;
  in_ += used;
  if (ended_ && used < compressed.size()) {
    failed_ = true;
    return make_error(where(), "data after the end of the gzip stream");
  }
  return Ok{};
}

Status Gunzip::finish() const {
  if (failed_) return make_error("gzip body", "the stream is broken");
  if (!ended_)
    return make_error("gzip body", "ends before the gzip trailer", "a complete gzip member",
                      std::to_string(in_) + " bytes");
  return Ok{};
}

bool looks_gzipped(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

}  // namespace bh::protocol
