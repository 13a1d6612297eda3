// Helpers shared by the kick-off tests: a server policy, GET/POST request builders, checks.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "protocol/export_request.hpp"

namespace bh::protocol::kickoff_test {

using Pairs = std::vector<std::pair<std::string, std::string>>;

inline KickoffPolicy policy(IgVersion v = IgVersion::kV2_0_0) {
  KickoffPolicy p;
  p.version = v;
  p.supported_types = {"Patient",   "Coverage",    "ExplanationOfBenefit", "Encounter",
                       "Condition", "Observation", "Organization",         "Group"};
  p.compartment_types = {"Patient",   "Coverage",  "ExplanationOfBenefit",
                         "Encounter", "Condition", "Observation"};
  return p;
}

inline Request get(const std::string& query, const std::string& path = "/fhir/$export") {
  Request r;
  r.method = "GET";
  r.target = query.empty() ? path : path + "?" + query;
  r.headers.add("Accept", "application/fhir+json");
  r.headers.add("Prefer", "respond-async");
  return r;
}

inline Request post(std::string body, const std::string& content_type = "application/fhir+json",
                    const std::string& path = "/fhir/Patient/$export") {
  Request r;
  r.method = "POST";
  r.target = path;
  r.body = std::move(body);
  if (!content_type.empty()) r.headers.add("Content-Type", content_type);
  r.headers.add("Prefer", "respond-async");
  return r;
}

inline ExportRequest ok(const Result<ExportRequest>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
  return r.ok() ? r.value() : ExportRequest{};
}

inline ExportRequest parse(const Request& r, IgVersion v = IgVersion::kV2_0_0,
                           ExportLevel level = ExportLevel::kSystem) {
  return ok(parse_kickoff(r, level, level == ExportLevel::kGroup ? "g1" : "", policy(v)));
}

inline std::string error_of(const Request& r, IgVersion v = IgVersion::kV2_0_0,
                            ExportLevel level = ExportLevel::kPatient) {
  auto res = parse_kickoff(r, level, "", policy(v));
  EXPECT_FALSE(res.ok()) << "expected an Error";
  return res.ok() ? "" : res.error().message();
}

// The single rejection of a request, checked for param and code.
inline void expect_one_rejection(const ExportRequest& req, const std::string& param,
                                 const std::string& code) {
  ASSERT_EQ(req.rejections.size(), 1u) << "param " << param;
  EXPECT_EQ(req.rejections[0].param, param);
  EXPECT_EQ(req.rejections[0].code, code) << req.rejections[0].message;
  EXPECT_FALSE(req.rejections[0].message.empty());
}

inline auto rejection_tuple(const Rejection& r) {
  return std::tie(r.param, r.value, r.code, r.message);
}

// Everything but the method, which is the one thing GET and POST must differ in.
inline void expect_same_meaning(const ExportRequest& a, const ExportRequest& b) {
  EXPECT_EQ(a.output_format, b.output_format);
  EXPECT_EQ(a.since, b.since);
  EXPECT_EQ(a.types, b.types);
  EXPECT_EQ(a.elements, b.elements);
  EXPECT_EQ(a.type_filters, b.type_filters);
  EXPECT_EQ(a.patients, b.patients);
  EXPECT_EQ(a.include_associated_data, b.include_associated_data);
  ASSERT_EQ(a.rejections.size(), b.rejections.size());
  for (std::size_t i = 0; i < a.rejections.size(); ++i)
    EXPECT_EQ(rejection_tuple(a.rejections[i]), rejection_tuple(b.rejections[i]));
}

}  // namespace bh::protocol::kickoff_test
