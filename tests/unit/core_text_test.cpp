#include "core/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace summit::core::text {
namespace {

TEST(EscapeControls, printable_text_in_any_script_passes_unchanged) {
  EXPECT_EQ(escape_controls("Council of Heads of Government"), "Council of Heads of Government");
  EXPECT_EQ(escape_controls("Минск, Беларусь — 首脳会議 🇧🇾"), "Минск, Беларусь — 首脳会議 🇧🇾");
  EXPECT_EQ(escape_controls(""), "");
}

TEST(EscapeControls, c0_controls_and_del_are_shown_not_obeyed) {
  EXPECT_EQ(escape_controls("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(escape_controls("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
  EXPECT_EQ(escape_controls("\x1b[2J\x7f"), "\\x1b[2J\\x7f");
  EXPECT_EQ(escape_controls(std::string("nul\0here", 8)), "nul\\x00here");
}

TEST(EscapeControls, c1_controls_bidi_controls_and_separators_are_escaped) {
  EXPECT_EQ(escape_controls("\u009b2J"), "\\u009b2J");                // CSI
  EXPECT_EQ(escape_controls("\u009d0;x\u009c"), "\\u009d0;x\\u009c"); // OSC ... ST
  EXPECT_EQ(escape_controls("abc\u202Edcb"), "abc\\u202edcb");        // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(escape_controls("\u2066x\u2069\u200F\u061C"), "\\u2066x\\u2069\\u200f\\u061c");
  EXPECT_EQ(escape_controls("one\u2028two\u2029"), "one\\u2028two\\u2029");
}

TEST(EscapeControls, invisible_format_characters_are_escaped) {
  // Each makes a title look like another one while it is not.
  EXPECT_EQ(escape_controls("Min\u200Bsk"), "Min\\u200bsk"); // ZERO WIDTH SPACE
  EXPECT_EQ(escape_controls("a\u200Cb\u200Dc"), "a\\u200cb\\u200dc");
  EXPECT_EQ(escape_controls("\uFEFFCouncil"), "\\ufeffCouncil"); // BOM / ZWNBSP
  EXPECT_EQ(escape_controls("x\u2060y\u2064"), "x\\u2060y\\u2064");
  EXPECT_EQ(escape_controls("\u200E\u200F"), "\\u200e\\u200f");
}

TEST(EscapeControls, a_joiner_inside_an_emoji_sequence_is_kept) {
  EXPECT_EQ(escape_controls("\U0001F469\u200D\U0001F4BB"),
            "\U0001F469\u200D\U0001F4BB"); // 👩‍💻
  EXPECT_EQ(escape_controls("\U0001F469\u200Dx"), "\U0001F469\\u200dx");
  EXPECT_EQ(escape_controls("x\u200D\U0001F4BB"), "x\\u200d\U0001F4BB");
  EXPECT_EQ(escape_controls("\U0001F469\u200D\u200D\U0001F4BB"),
            "\U0001F469\\u200d\\u200d\U0001F4BB");
}

TEST(EscapeControls, bytes_that_are_not_utf8_are_escaped_one_by_one) {
  EXPECT_EQ(escape_controls("\x9b"
                            "2J"),
            "\\x9b2J");                                          // an 8-bit CSI
  EXPECT_EQ(escape_controls("\xc3"), "\\xc3");                   // truncated sequence
  EXPECT_EQ(escape_controls("\xc0\xaf"), "\\xc0\\xaf");          // overlong '/'
  EXPECT_EQ(escape_controls("\xed\xa0\x80"), "\\xed\\xa0\\x80"); // a surrogate
  EXPECT_EQ(escape_controls("ok\xff"), "ok\\xff");
}

TEST(EscapeControls, may_need_escapes_is_false_only_for_printable_ascii) {
  EXPECT_FALSE(may_need_escapes("Council of Heads of Government, Minsk"));
  EXPECT_TRUE(may_need_escapes("a\nb"));
  EXPECT_TRUE(may_need_escapes("Минск"));
  EXPECT_TRUE(may_need_escapes("\x7f"));
}

} // namespace
} // namespace summit::core::text
