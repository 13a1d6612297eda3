// protocol::terminal_safe: what reports print of a peer's text cannot drive the terminal.
#include <gtest/gtest.h>

#include "protocol/text_quote.hpp"

namespace bh::protocol {
namespace {

TEST(TerminalSafe, EscapeSequencesAndControlsAreShownNotSent) {
  EXPECT_EQ(terminal_safe("ok\x1b[2J\x1b]0;pwned\x07 end"), "ok\\x1b[2J\\x1b]0;pwned\\x07 end");
  EXPECT_EQ(terminal_safe("line\rover"), "line\\x0dover");
  EXPECT_EQ(terminal_safe(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(terminal_safe("del\x7f"), "del\\x7f");
}

TEST(TerminalSafe, C1ControlsAndBrokenUtf8AreEscapedValidUtf8Kept) {
  EXPECT_EQ(terminal_safe("csi\xc2\x9b"
                          "31m"),
            "csi\\xc2\\x9b31m");
  EXPECT_EQ(terminal_safe("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(terminal_safe("bad\xff\xc3"), "bad\\xff\\xc3");
}

TEST(TerminalSafe, NewlinesTabsAndPlainTextPass) {
  const std::string report = "== kickoff\n  PASS\tSHALL  id [KO-01]\n";
  EXPECT_EQ(terminal_safe(report), report);
}

}  // namespace
}  // namespace bh::protocol
