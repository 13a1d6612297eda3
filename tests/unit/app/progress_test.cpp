// The progress line's schedule and text, on a fake clock (no waiting, no timing assertions).
#include "app/progress.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/unit/app/fake_steady_clock.hpp"

namespace bh::app {
namespace {

TEST(ProgressLine, QuietForTheFirstSecondAndWhenNothingWasPrinted) {
  FakeSteadyClock c;
  std::ostringstream out;
  ProgressLine p(out, false, "sim", 10, "violations", c.fn());
  c.t += std::chrono::milliseconds(900);
  p.update(9, 0);
  p.finish();
  EXPECT_EQ(out.str(), "");  // a short run's output is unchanged
}

TEST(ProgressLine, PlainLinesAtMostOncePerSecondWithTimeLeft) {
  FakeSteadyClock c;
  std::ostringstream out;
  ProgressLine p(out, false, "sim", 100, "violations", c.fn());
  c.t += std::chrono::seconds(2);
  p.update(20, 0);
  c.t += std::chrono::milliseconds(500);
  p.update(25, 1);  // within the second: not printed
  c.t += std::chrono::milliseconds(500);
  p.update(30, 1);
  c.t += std::chrono::seconds(1);
  p.update(100, 1);
  p.finish();
  EXPECT_EQ(out.str(),
            "sim: 20/100, 0 violations so far, 0m02s elapsed, ~0m08s left\n"
            "sim: 30/100, 1 violations so far, 0m03s elapsed, ~0m07s left\n"
            "sim: 100/100, 1 violations so far, 0m04s elapsed\n"
            "sim: 100/100, 1 violations so far, 0m04s elapsed\n");
}

TEST(ProgressLine, OnATerminalOneLineRewrittenThenEnded) {
  FakeSteadyClock c;
  std::ostringstream out;
  ProgressLine p(out, true, "sim", 4, "violations", c.fn());
  c.t += std::chrono::seconds(1);
  p.update(1, 0);
  c.t += std::chrono::seconds(1);
  p.update(4, 0);
  p.finish();
  EXPECT_EQ(out.str(),
            "\r\x1b[Ksim: 1/4, 0 violations so far, 0m01s elapsed, ~0m03s left"
            "\r\x1b[Ksim: 4/4, 0 violations so far, 0m02s elapsed"
            "\r\x1b[Ksim: 4/4, 0 violations so far, 0m02s elapsed\n");
}

}  // namespace
}  // namespace bh::app
