#include "daemon/app/logging.hpp"

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>

#include <string>

namespace summit::daemon {
namespace {

std::string formatted(bool journal, spdlog::level::level_enum level, std::string_view message) {
  const auto formatter = make_log_formatter(journal);
  spdlog::memory_buf_t out;
  formatter->format(spdlog::details::log_msg("summitd", level, message), out);
  return std::string(out.data(), out.size());
}

// Whatever a client, a file or a library puts in a message, one message is
// one line, and no escape sequence or bidi override reaches the reader.
TEST(Logging, a_message_is_one_line_with_its_controls_shown) {
  const std::string line =
      formatted(true, spdlog::level::err,
                "import.commit failed: bad\n<6>summitd: forged \x1b]0;owned\x07 \u202Eevil \x9b");
  EXPECT_EQ(line, "<3>import.commit failed: bad\\n<6>summitd: forged \\x1b]0;owned\\x07 "
                  "\\u202eevil \\x9b\n");
}

TEST(Logging, plain_and_non_latin_text_pass_unchanged_and_escaping_twice_changes_nothing) {
  EXPECT_EQ(formatted(true, spdlog::level::info, "reminder 1 fired: 'Минск 首脑会议'"),
            "<6>reminder 1 fired: 'Минск 首脑会议'\n");
  // notify::LogChannel escapes its line before it logs it.
  EXPECT_EQ(formatted(true, spdlog::level::info, "title 'a\\nb'"), "<6>title 'a\\nb'\n");
}

TEST(Logging, the_timestamped_pattern_escapes_too) {
  const std::string line = formatted(false, spdlog::level::warn, "x\ny");
  EXPECT_NE(line.find("summitd["), std::string::npos) << line;
  EXPECT_NE(line.find(" warning: x\\ny\n"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
}

} // namespace
} // namespace summit::daemon
