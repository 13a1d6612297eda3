// A steady clock the test moves by hand, for the progress lines (no waiting, no timing).
#pragma once

#include "app/progress.hpp"

namespace bh::app {

struct FakeSteadyClock {
  std::chrono::steady_clock::time_point t{};
  ProgressLine::Clock fn() {
    return [this] { return t; };
  }
};

}  // namespace bh::app
