#include "protocol/gunzip.hpp"

#include <zlib.h>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace bh::protocol {
namespace {

std::string gzip(const std::string& plain) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, plain.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string ndjson(int lines) {
  std::string s;
  for (int i = 0; i < lines; ++i)
    s += R"({"resourceType":"Patient","id":"p)" + std::to_string(i) + "\"}\n";
  return s;
}

RC_GTEST_PROP(Gunzip, AnySplitDecodesToTheOriginal, (std::vector<std::size_t> cuts)) {
  const std::string plain = ndjson(*rc::gen::inRange(0, 3000));
  const std::string packed = gzip(plain);
  Gunzip g;
  std::string out;
  std::size_t at = 0;
  for (std::size_t c : cuts) {
    const std::size_t n = std::min(c % 97, packed.size() - at);
    RC_ASSERT(g.feed(std::string_view(packed).substr(at, n), out).ok());
    at += n;
  }
  RC_ASSERT(g.feed(std::string_view(packed).substr(at), out).ok());
  RC_ASSERT(g.finish().ok());
  RC_ASSERT(out == plain);
  RC_ASSERT(g.bytes_in() == packed.size());
}

TEST(Gunzip, AGzipBombIsRefusedBeforeItGrows) {
  // 64 MiB of zeros deflates to about 64 KiB: 1000:1, far past any NDJSON.
  const std::string packed = gzip(std::string(64u << 20, '\0'));
  Gunzip g;
  std::string out;
  std::size_t at = 0;
  Status st = Ok{};
  while (st && at < packed.size()) {
    st = g.feed(std::string_view(packed).substr(at, 4096), out);
    at += 4096;
  }
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("gzip bomb"), std::string::npos) << st.error().message();
  // Stopped early: past the 1 MiB floor at most max_ratio times what was consumed, plus one
  // 64 KiB inflate step.
  EXPECT_LE(out.size(), std::max<std::uint64_t>(1u << 20, Gunzip::kDefaultMaxRatio * g.bytes_in()) +
                            (64u << 10));
  EXPECT_LT(out.size(), 8u << 20);
}

TEST(Gunzip, RealisticNdjsonIsFarBelowTheRatioCap) {
  // The generator's kind of data: repetitive JSON, which still compresses well under 250:1.
  const std::string plain = ndjson(200000);
  Gunzip g;
  std::string out;
  ASSERT_TRUE(g.feed(gzip(plain), out));
  EXPECT_EQ(out, plain);
}

TEST(Gunzip, ATruncatedStreamIsAnErrorAtFinish) {
  const std::string packed = gzip(ndjson(100));
  Gunzip g;
  std::string out;
  ASSERT_TRUE(g.feed(std::string_view(packed).substr(0, packed.size() - 5), out).ok());
  const auto st = g.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("before the gzip trailer"), std::string::npos);
}

TEST(Gunzip, CorruptDataIsAnErrorNamingTheOffset) {
  std::string packed = gzip(ndjson(100));
  for (std::size_t i = 20; i < 40; ++i)
    packed[i] = static_cast<char>(packed[i] ^ 0x5a);
  Gunzip g;
  std::string out;
  const auto st = g.feed(packed, out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("gzip body at byte"), std::string::npos);
  EXPECT_FALSE(g.feed("more", out).ok());  // refuses input once broken
}

TEST(Gunzip, DataAfterTheEndIsAnError) {
  const std::string packed = gzip("x\n") + "trailing";
  Gunzip g;
  std::string out;
  const auto st = g.feed(packed, out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("after the end"), std::string::npos);
}

TEST(Gunzip, PlainTextIsNotGzip) {
  Gunzip g;
  std::string out;
  EXPECT_FALSE(g.feed(ndjson(3), out).ok());
  EXPECT_TRUE(looks_gzipped(gzip("a")));
  EXPECT_FALSE(looks_gzipped(ndjson(1)));
}

}  // namespace
}  // namespace bh::protocol
