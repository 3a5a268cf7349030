// Calendar names, subscription URLs, polling intervals and password file
// modes (issue 14): what both programs refuse, and how webcal:// maps.
#include "core/calendar_rules.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <string>

namespace summit::core {
namespace {

bool says(const Result<void> &result, const std::string &part) {
  return !result && result.error().message.find(part) != std::string::npos;
}

TEST(CalendarRules, webcal_is_https) {
  EXPECT_EQ(subscription_url("webcal://example.org/un.ics").value(), "https://example.org/un.ics");
  EXPECT_EQ(subscription_url("WEBCAL://example.org/a?b=c").value(), "https://example.org/a?b=c");
  EXPECT_EQ(subscription_url("webcals://example.org/x").value(), "https://example.org/x");
  EXPECT_EQ(subscription_url("http://127.0.0.1:8080/x.ics").value(), "http://127.0.0.1:8080/x.ics");
  EXPECT_EQ(subscription_url("https://example.org").value(), "https://example.org");
}

TEST(CalendarRules, almost_valid_urls_are_refused_saying_why) {
  EXPECT_FALSE(subscription_url("ftp://example.org/x.ics"));
  EXPECT_FALSE(subscription_url("file:///etc/passwd"));
  EXPECT_FALSE(subscription_url("webcal:/example.org"));
  EXPECT_NE(subscription_url("https:///x.ics").error().message.find("names no host"),
            std::string::npos);
  EXPECT_NE(subscription_url("https://:80/x").error().message.find("names no host"),
            std::string::npos);
  EXPECT_NE(subscription_url("https://a b/x").error().message.find("space or a control"),
            std::string::npos);
  const auto credentials = subscription_url("https://bob:s3cret@example.org/x.ics");
  ASSERT_FALSE(credentials);
  EXPECT_NE(credentials.error().message.find("never stored"), std::string::npos);
  // The refusal is printed and may be logged: it never repeats them.
  EXPECT_EQ(credentials.error().message.find("s3cret"), std::string::npos)
      << credentials.error().message;
  EXPECT_EQ(credentials.error().message.find("bob"), std::string::npos);
  EXPECT_NE(credentials.error().message.find("'https://USER@example.org/x.ics'"), std::string::npos)
      << credentials.error().message;
  const auto escape = subscription_url("https://example.org/\x1b[2J");
  ASSERT_FALSE(escape);
  EXPECT_EQ(escape.error().message.find('\x1b'), std::string::npos);
  EXPECT_FALSE(subscription_url("https://example.org/" + std::string(3000, 'a')));
  EXPECT_FALSE(caldav_url("webcal://example.org/"));
  EXPECT_EQ(caldav_url("https://dav.example.org/cal/").value(), "https://dav.example.org/cal/");
}

TEST(CalendarRules, names_are_short_safe_words) {
  EXPECT_TRUE(check_calendar_name("un-meetings"));
  EXPECT_TRUE(check_calendar_name("cis.2025"));
  EXPECT_TRUE(check_calendar_name("Work_2"));
  EXPECT_TRUE(says(check_calendar_name(""), "needs a name"));
  EXPECT_TRUE(says(check_calendar_name("bad name"), "may hold only"));
  EXPECT_TRUE(says(check_calendar_name("-x"), "must start"));
  EXPECT_TRUE(says(check_calendar_name(".hidden"), "must start"));
  EXPECT_TRUE(says(check_calendar_name(std::string(65, 'a')), "at most 64"));
  EXPECT_TRUE(says(check_calendar_name("Минск"), "may hold only"));
  const auto escape = check_calendar_name("\x1b]0;pwned\x07");
  ASSERT_FALSE(escape);
  EXPECT_EQ(escape.error().message.find('\x1b'), std::string::npos);
  EXPECT_NE(escape.error().message.find("\\x1b"), std::string::npos);
}

TEST(CalendarRules, intervals_are_bounded) {
  EXPECT_EQ(poll_interval("6h").value(), Seconds{6 * 3600});
  EXPECT_EQ(poll_interval("5m").value(), k_min_poll_interval);
  EXPECT_TRUE(poll_interval("30d"));
  EXPECT_FALSE(poll_interval("4m"));
  EXPECT_FALSE(poll_interval("31d"));
  EXPECT_FALSE(poll_interval("often"));
  // The field's name is the caller's to add ("every: ..."), said once.
  EXPECT_EQ(poll_interval("4m").error().message.rfind("'4m' is outside 5m to 30d", 0), 0u)
      << poll_interval("4m").error().message;
}

TEST(CalendarRules, password_files_must_be_private) {
  EXPECT_TRUE(check_password_file_mode("/home/a/pw", S_IFREG | 0600));
  EXPECT_TRUE(check_password_file_mode("/home/a/pw", S_IFREG | 0400));
  const auto readable = check_password_file_mode("/home/a/pw", S_IFREG | 0644);
  ASSERT_FALSE(readable);
  EXPECT_NE(readable.error().message.find("chmod 600 '/home/a/pw'"), std::string::npos);
  EXPECT_NE(readable.error().message.find("mode 644"), std::string::npos);
  EXPECT_EQ(readable.error().message.find('\n'), std::string::npos);
  EXPECT_FALSE(check_password_file_mode("/home/a/pw", S_IFREG | 0640));
  EXPECT_FALSE(check_password_file_mode("/home/a/pw", S_IFREG | 0602));
}

TEST(CalendarRules, user_names_cannot_break_basic_authentication) {
  EXPECT_TRUE(check_user_name("alice@example.org"));
  EXPECT_FALSE(check_user_name(""));
  EXPECT_FALSE(check_user_name("a:b"));
  EXPECT_FALSE(check_user_name("a\nb"));
}

TEST(CalendarRules, shown_urls_hide_query_values_and_credentials) {
  EXPECT_EQ(redacted_url("https://example.org/un.ics"), "https://example.org/un.ics");
  EXPECT_EQ(redacted_url("https://example.org/un.ics?token=SECRET"),
            "https://example.org/un.ics?token=…");
  EXPECT_EQ(redacted_url("https://example.org/f?key=K1&lang=en&empty=&flag"),
            "https://example.org/f?key=…&lang=…&empty=&…");
  EXPECT_EQ(redacted_url("https://example.org/f?SECRET#frag"), "https://example.org/f?…#…");
  EXPECT_EQ(redacted_url("https://user:pass@example.org/f"), "https://…@example.org/f");
  EXPECT_EQ(redacted_url("https://example.org/a@b?x=1"), "https://example.org/a@b?x=…");
  EXPECT_EQ(redacted_url("https://example.org/f?"), "https://example.org/f?");
}

} // namespace
} // namespace summit::core
