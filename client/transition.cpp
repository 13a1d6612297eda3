#include "client/transition.hpp"

#include "core/assert.hpp"

namespace bh::client {

namespace {

using protocol::IgVersion;

// The rows of requirements §2.2, in order; summaries shortened, requirement IDs as listed there.
const std::array<TransitionInfo, kTransitionCount>& table() {
  static const std::array<TransitionInfo, kTransitionCount> rows = {{
      {"T01", "S0", "S1", "a token is needed (SMART)", {"AUTH-03"}},
      {"T02", "S0", "S2", "no auth flow in use: send the kick-off", {"KO-03", "KO-04"}},
      {"T03", "S1", "previous state, or S2", "token endpoint -> 200 with a token", {"AUTH-04"}},
      {"T04",
       "S1",
       "S4 (S10 mid-job)",
       "token endpoint -> 400/401 (invalid_client, invalid_grant)",
       {"AUTH-04"}},
      {"T05", "S2", "S5", "kick-off -> 202 with an absolute Content-Location", {"KO-11", "KO-10"}},
      {"T06",
       "S2",
       "S4",
       "kick-off -> 202 with Content-Location missing or not absolute",
       {"KO-11"}},
      {"T07",
       "S2",
       "S3",
       "kick-off -> 429, 5xx with a transient OperationOutcome, or a network error",
       {"KO-13", "ST-12"}},
      {"T08", "S3", "S2", "Retry-After / backoff timer fires: kick-off sent again", {"ST-04"}},
      {"T09",
       "S2",
       "S4",
       "kick-off -> 4xx/5xx with a (non-transient) OperationOutcome: refused",
       {"KO-12", "KO-09", "PAR-04..PAR-10", "ERR-03"}},
      {"T10",
       "S2",
       "S1, then S2 (once); otherwise S4",
       "kick-off -> 401 with a missing or expired token",
       {"AUTH-05", "AUTH-08"}},
      {"T11",
       "S5",
       "S6",
       "poll timer fires (max of Retry-After and backoff): status GET sent",
       {"ST-02", "ST-04"}},
      {"T12",
       "S6",
       "S5",
       "status -> 202 (or 200 with X-Export-Status: 202): still running",
       {"ST-07", "ST-03"}},
      {"T13",
       "S6",
       "S7, then S13 with S5 in parallel",
       "status -> 202 with a partial manifest (V3, allowPartialManifests)",
       {"ST-08", "PAR-11"}},
      {"T14",
       "S6",
       "S8, then S5 (delay >= Retry-After)",
       "status -> 429 with Retry-After",
       {"ST-05"}},
      {"T15",
       "S8",
       "S10 or S21",
       "429s keep coming and the server ends the session (404 or non-transient error)",
       {"ST-05"}},
      {"T16",
       "S6",
       "S9, then S5 with backoff",
       "status -> transient OperationOutcome, 5xx without body, timeout or reset",
       {"ST-12"}},
      {"T17", "S9", "S10", "retry budget used up (client policy)", {}},
      {"T18", "S6", "S1, then S6", "status -> 401 (token expired)", {"AUTH-06", "AUTH-08"}},
      {"T19",
       "S6",
       "S10",
       "status -> non-transient OperationOutcome or non-FHIR error body: the job failed",
       {"ST-11"}},
      {"T20", "S6", "S11", "status -> 200 with a manifest (or X-Export-Status: 200)", {"ST-09"}},
      {"T21", "S6", "S21", "status -> 404 although the client sent no DELETE: job lost", {}},
      {"T22",
       "S11",
       "S12",
       "the manifest breaks a required field, type or constraint of the version",
       {"MF-01..MF-09"}},
      {"T23",
       "S11",
       "S13",
       "the manifest is valid: keep transactionTime and Expires, start downloading",
       {"MF-01", "MF-03", "ST-10"}},
      {"T24",
       "S13",
       "S13 (next file)",
       "file -> 200 with the right Content-Type",
       {"DL-03", "DL-09"}},
      {"T25",
       "S13",
       "S1, then S13 (once; then S10)",
       "file -> 401/403 with requiresAccessToken=true",
       {"DL-05", "AUTH-08"}},
      {"T26",
       "S13",
       "S13 (retry; S10 when the budget runs out)",
       "file -> 5xx, 429 or a network error",
       {"DL-04"}},
      {"T27",
       "S13",
       "S14",
       "file -> 403/404/410 after Expires, or the URL stopped working",
       {"ST-10", "DL-10"}},
      {"T28",
       "S14",
       "S13",
       "(V3+) status URL fetched again -> 200 with fresh URLs / Expires",
       {"DL-10"}},
      {"T29", "S14", "S21", "the fresh fetch fails, or the version is V1/V2: files gone", {}},
      {"T30", "S13", "S15", "all files of this manifest done and it has link next (V3)", {"MF-08"}},
      {"T31", "S15", "S11", "next -> 200 with a manifest page", {"MF-08"}},
      {"T32",
       "S15",
       "S9 / S10",
       "next -> transient error / non-transient error",
       {"MF-08", "ST-11", "ST-12"}},
      {"T33", "S13", "S16", "every file of every manifest page fetched", {"DL-01"}},
      {"T34", "S16", "S18", "DELETE the status URL to release storage (V2+ MAY)", {"DEL-01"}},
      {"T35", "S18", "S20", "release DELETE -> 202", {"DEL-02"}},
      {"T36",
       "S5, S6, S7, S8, S9",
       "S17",
       "user cancel or deadline (S22): DELETE the status URL",
       {"DEL-01"}},
      {"T37",
       "S17",
       "S19",
       "cancel DELETE -> 202; a later status GET -> 404 with OperationOutcome (V2+)",
       {"DEL-02", "DEL-04", "ST-15"}},
      {"T38",
       "S17, S18",
       "retry the DELETE, or S5 / S16",
       "DELETE -> 4xx/5xx with an OperationOutcome",
       {"DEL-03"}},
      {"T39", "S17, S18", "S19 / S20", "DELETE -> 404: the job no longer exists", {"DEL-05"}},
      {"T40",
       "S19, S20, S21",
       "unchanged",
       "any further status GET -> 404 with an OperationOutcome",
       {"ST-15"}},
      {"T41",
       "S11, S16",
       "unchanged",
       "repeated status GET after completion -> the same manifest",
       {"ST-08", "DL-10"}},
  }};
  return rows;
}

}  // namespace

const TransitionInfo& transition_info(Transition t) {
  const std::size_t n = number(t);
  BH_ASSERT(n >= 1 && n <= kTransitionCount, "transition number out of range");
  return table()[n - 1];
}

std::optional<std::string_view> unreachable_reason(Transition t, IgVersion v) {
  const bool v3 = v >= IgVersion::kV3_0_0;
  switch (t) {
    case Transition::kT13:
      if (!v3)
        return "partial manifests are V3+ (ST-08, PAR-11); the client never reads a 202 body as "
               "a manifest either";
      return "partial manifests are not implemented: the client never reads a 202 body as a "
             "manifest, so such a 202 counts as T12 and its files are fetched from the final 200 "
             "manifest only";
    case Transition::kT28:
      if (!v3) return "links cannot be renewed before IG 3.0.0: an expired link is final (T29)";
      return std::nullopt;
    case Transition::kT30:
      if (!v3)
        return "manifest paging (link next) is V3+ (MF-08): a pre-3.0.0 manifest's link is only "
               "a validator warning and is never followed";
      return "manifest paging is not implemented: protocol::Manifest keeps no link, so the client "
             "downloads the first page's files only and never fetches next";
    case Transition::kT31:
    case Transition::kT32:
      if (!v3) return "manifest paging (link next) is V3+ (MF-08)";
      return "manifest paging is not implemented: the client never fetches a next page (see T30)";
    case Transition::kT40:
      return "by design the client sends nothing to the status URL once a DELETE was answered or "
             "a status GET got 404: it finishes at once (so T37's verification GET is never sent "
             "either)";
    case Transition::kT41:
      if (!v3) return "by design the client never repeats the status GET after completion";
      return "by design the client never repeats the status GET after completion; its only later "
             "status GET is the re-fetch for expired links, counted as T28/T29";
    default:
      return std::nullopt;
  }
}

}  // namespace bh::client
