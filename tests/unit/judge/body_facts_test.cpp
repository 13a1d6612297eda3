#include <gtest/gtest.h>

#include "mockserver/judge/body_facts.hpp"
#include "protocol/media_range.hpp"

namespace bh::judge {
namespace {

TEST(BodyFacts, ManifestUrlsBySectionInOrder) {
  const auto f = describe_body_text(R"({"transactionTime":"x","requiresAccessToken":true,
    "output":[{"type":"Patient","url":"http://h/a"},{"type":"Patient","url":"http://h/b"}],
    "error":[{"type":"OperationOutcome","url":"http://h/e"}],
    "link":[{"relation":"next","url":"http://h/p2"},{"relation":"self","url":"http://h/p1"}]})");
  EXPECT_EQ(f.kind, BodyFacts::Kind::kManifest);
  ASSERT_EQ(f.files.size(), 4u);
  EXPECT_EQ(f.files[0], (ListedFile{"output", "http://h/a"}));
  EXPECT_EQ(f.files[2], (ListedFile{"error", "http://h/e"}));
  EXPECT_EQ(f.files[3], (ListedFile{"link", "http://h/p2"}));  // only relation=next
  EXPECT_EQ(f.requires_token, true);
  EXPECT_EQ(body_facts_from_json(to_json(f)), f);  // what the journal stores reads back
}

TEST(BodyFacts, OutcomeCodesAndTheRest) {
  const auto oo = describe_body_text(
      R"({"resourceType":"OperationOutcome","issue":[{"code":"transient"},{"code":"timeout"}]})");
  EXPECT_EQ(oo.kind, BodyFacts::Kind::kOutcome);
  EXPECT_EQ(oo.issue_codes, (std::vector<std::string>{"transient", "timeout"}));
  EXPECT_EQ(describe_body_text("").kind, BodyFacts::Kind::kEmpty);
  EXPECT_EQ(describe_body_text("<html>").kind, BodyFacts::Kind::kOther);
  EXPECT_EQ(describe_body_text("[1,2]").kind, BodyFacts::Kind::kJson);
  EXPECT_EQ(describe_body_text(R"({"output": 3})").kind, BodyFacts::Kind::kJson);
}

TEST(MediaRange, AdmitsAndNames) {
  using protocol::accept_admits;
  using protocol::accept_names;
  EXPECT_TRUE(accept_admits("application/*", "application/fhir+ndjson"));
  EXPECT_TRUE(accept_admits("text/html, */*;q=0.1", "application/json"));
  EXPECT_FALSE(accept_admits("application/json;q=0", "application/json"));
  EXPECT_FALSE(accept_admits("text/*", "application/json"));
  EXPECT_TRUE(accept_names("application/fhir+json, */*; q=0.1", "application/fhir+json"));
  EXPECT_FALSE(accept_names("*/*", "application/json"));
  EXPECT_TRUE(accept_names("APPLICATION/JSON", "application/json"));
}

}  // namespace
}  // namespace bh::judge
