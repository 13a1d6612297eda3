// Large datasets: cheap counts over a million members, bounded streaming of big bodies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "datagen/dataset.hpp"
#include "tests/unit/datagen/datagen_test_util.hpp"

namespace bh::datagen {
namespace {

using testing::drain;
using testing::split_lines;
using testing::whole;

TEST(DatasetScale, MillionMemberCountsAreConsistent) {
  const Dataset data({.seed = 99, .members = 1'000'000, .members_per_file = 250'000});
  EXPECT_EQ(data.count(whole(data, "Patient")), 1'000'000u);
  EXPECT_EQ(data.count(whole(data, "Coverage")), 1'000'000u);
  for (const char* type : {"ExplanationOfBenefit", "Encounter", "Condition", "Observation"}) {
    const auto all = data.count(whole(data, type));
    // Uniform per-member counts: mean 1.5, 1.5, 1 and 2 per member.
    const double per_member = static_cast<double>(all) / 1e6;
    const double mean = std::string(type) == "Condition"     ? 1.0
                        : std::string(type) == "Observation" ? 2.0
                                                             : 1.5;
    EXPECT_NEAR(per_member, mean, 0.01) << type;
    std::uint64_t sum = 0;
    for (std::uint64_t b = 0; b < 1'000'000; b += 250'000) {
      sum += data.count(testing::range(type, b, b + 250'000));
    }
    EXPECT_EQ(sum, all) << type;
    // The tail of the index space streams exactly what it counts.
    const Slice tail = testing::range(type, 998'000, 1'000'000);
    EXPECT_EQ(split_lines(drain(*data.open(tail))).size(), data.count(tail)) << type;
  }
  Slice plan = whole(data, "Patient");
  plan.group_id = "plan-a";
  EXPECT_EQ(data.count(plan), data.find_group("plan-a")->quantity);
  EXPECT_NEAR(static_cast<double>(data.find_group("plan-a")->quantity), 5e5, 5e3);
  plan.group_id = "small-cohort";
  EXPECT_EQ(data.count(plan), 25u);
}

TEST(DatasetScale, LargeSliceStreamsInBoundedChunks) {
  const Dataset data({.seed = 5, .members = 20'000});
  const Slice s = whole(data, "ExplanationOfBenefit");
  auto stream = data.open(s);
  std::uint64_t bytes = 0, lines = 0, calls = 0;
  std::string chunk;
  bool more = true;
  while (more) {
    chunk.clear();
    more = stream->next(chunk, 4096);
    ASSERT_LE(chunk.size(), 4096u);
    // Every call but the last fills the chunk: a line longer than a chunk is split, not sent whole.
    if (more) {
      ASSERT_EQ(chunk.size(), 4096u);
    }
    bytes += chunk.size();
    for (char c : chunk)
      lines += c == '\n';
    ++calls;
  }
  EXPECT_EQ(lines, data.count(s));
  EXPECT_GT(bytes, 4096u * 100);
  EXPECT_EQ(calls, (bytes + 4095) / 4096);
}

TEST(DatasetScale, MillionMemberGroupStreams) {
  const Dataset data({.seed = 8, .members = 1'000'000});
  auto stream = data.read("Group", "all-members");
  ASSERT_NE(stream, nullptr);
  const std::string needle = "{\"entity\":{\"reference\":\"Patient/pt-";
  std::string chunk, head, window;  // window: the chunk plus the previous one's tail
  std::uint64_t entities = 0, total = 0;
  bool more = true;
  while (more) {
    chunk.clear();
    more = stream->next(chunk, 1 << 16);
    ASSERT_LE(chunk.size(), 1u << 16);
    if (head.size() < 2048) head += chunk.substr(0, 2048 - head.size());
    // Keep needle.size() - 1 bytes of the previous chunk, so a match split by a chunk boundary
    // is found once, and a match entirely inside those kept bytes is not found twice.
    window = window.substr(window.size() < needle.size() ? 0 : window.size() - needle.size() + 1);
    window += chunk;
    for (auto p = window.find(needle); p != std::string::npos; p = window.find(needle, p + 1)) {
      ++entities;
    }
    total += chunk.size();
  }
  EXPECT_EQ(entities, 1'000'000u);
  EXPECT_GT(total, 40'000'000u);
  EXPECT_EQ(head.rfind("{\"resourceType\":\"Group\"", 0), 0u);
  EXPECT_NE(head.find("\"quantity\":1000000"), std::string::npos);
  const std::string last = needle + "0999999\"}}]}";
  ASSERT_GE(window.size(), last.size());
  EXPECT_EQ(window.substr(window.size() - last.size()), last);
}

TEST(DatasetScale, GroupResourceParsesWhole) {
  const Dataset data({.seed = 8, .members = 50'000});
  Slice s = whole(data, "Group");
  const auto lines = split_lines(drain(*data.open(s), 1000));
  ASSERT_EQ(lines.size(), 3u);
  const auto all = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(all.at("member").size(), 50'000u);
  EXPECT_EQ(all.at("member").back().at("entity").at("reference"), "Patient/pt-0049999");
  EXPECT_EQ(nlohmann::json::parse(lines[1]).at("member").size(),
            data.find_group("plan-a")->quantity);
}

}  // namespace
}  // namespace bh::datagen
