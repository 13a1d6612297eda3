// client/request_factory: the exact requests the client sends, one function per endpoint.
//
// Contract (header requirements): kick-off carries Accept: application/fhir+json (KO-05) and
// Prefer: respond-async (KO-07); GET puts parameters in the query (_type comma-joined, _since as
// a FHIR instant), POST sends a Parameters body with Content-Type application/fhir+json (KO-04;
// in IG 4.0.0 every _type value gets its own parameter entry, KO-15). Status polls carry
// Accept: application/json (ST-06), file downloads Accept: application/fhir+ndjson (DL-02).
// No request asks for compression (no Accept-Encoding), so servers must not compress (DL-09).
// Authorization is added only where the caller says so (files: requiresAccessToken, DL-05/06).
#pragma once

#include <optional>
#include <string>

#include "client/client_options.hpp"
#include "core/result.hpp"
#include "protocol/http.hpp"
#include "protocol/url.hpp"

namespace bh::client {

struct BuiltRequest {
  protocol::Request req;
  std::string url;  // absolute
};

// The kick-off endpoint for the options' level: [base]/$export, [base]/Patient/$export or
// [base]/Group/<id>/$export (KO-02).
Result<protocol::Url> kickoff_url(const ClientOptions& options);
Result<BuiltRequest> build_kickoff(const ClientOptions& options);
BuiltRequest build_status_get(const protocol::Url& status_url, const ClientOptions& options);
BuiltRequest build_file_get(const protocol::Url& file_url,
                            const std::optional<std::string>& bearer_token);
BuiltRequest build_delete(const protocol::Url& status_url, const ClientOptions& options);

inline constexpr const char* kUserAgent = "bulkharness-client/0.1";

}  // namespace bh::client
