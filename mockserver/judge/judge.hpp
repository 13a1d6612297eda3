// mockserver/judge/judge: the verdict on the client a mock server talked to.
//
// Contract: judge(session) runs every registered rule over the session and returns the Verdict;
// judge_journal() does the same from journal JSON (what GET /__admin/journal returns), so a
// saved journal is judged offline exactly as the live server would. Pure: the same journal and
// settings give the same verdict, byte for byte.
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "mockserver/judge/session.hpp"
#include "mockserver/judge/verdict.hpp"

namespace bh::judge {

Verdict judge(const Session& session);
Result<Verdict> judge_journal(const nlohmann::json& journal, JudgeSettings settings);

}  // namespace bh::judge
