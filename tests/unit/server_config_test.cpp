#include "daemon/app/config.hpp"
#include "server_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

using namespace summit;

TEST(Config, empty_text_gives_the_defaults) {
  auto config = daemon::parse_config("", "summitd.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_FALSE(config->socket);
  EXPECT_FALSE(config->database);
  EXPECT_EQ(config->max_line, 1024u * 1024u);
  EXPECT_EQ(config->tzdata_file, "/usr/share/zoneinfo/tzdata.zi");
}

TEST(Config, reads_every_key) {
  auto config = daemon::parse_config(R"(
socket = "/run/user/1000/s.sock"
database = "/home/me/s.db"
log_level = "debug"
tzdata = "/tmp/tzdata.zi"
zoneinfo = "/tmp/zoneinfo"

[limits]
max_line = 4096
)",
                                     "summitd.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->socket->string(), "/run/user/1000/s.sock");
  EXPECT_EQ(config->database->string(), "/home/me/s.db");
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->tzdata_file, "/tmp/tzdata.zi");
  EXPECT_EQ(config->zoneinfo_dir, "/tmp/zoneinfo");
  EXPECT_EQ(config->max_line, 4096u);
}

TEST(Config, a_syntax_error_names_file_and_line) {
  auto config = daemon::parse_config("socket = \"/a\"\n\ndatabase = \n", "summitd.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message.rfind("summitd.toml:3: ", 0), 0u) << config.error().message;
}

TEST(Config, an_unknown_key_is_named_with_its_line) {
  auto config = daemon::parse_config("log_level = \"info\"\nsokcet = \"/a\"\n", "summitd.toml");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("summitd.toml:2: unknown key 'sokcet'"), std::string::npos)
      << config.error().message;
  auto nested = daemon::parse_config("[limits]\nmax_lines = 5\n", "summitd.toml");
  ASSERT_FALSE(nested);
  EXPECT_NE(nested.error().message.find("unknown key 'limits.max_lines'"), std::string::npos)
      << nested.error().message;
}

TEST(Config, wrong_types_and_values_say_what_is_expected) {
  auto socket = daemon::parse_config("socket = 5\n", "c.toml");
  ASSERT_FALSE(socket);
  EXPECT_EQ(socket.error().message, "c.toml:1: socket must be a string");
  auto level = daemon::parse_config("log_level = \"loud\"\n", "c.toml");
  ASSERT_FALSE(level);
  EXPECT_NE(level.error().message.find("log_level must be one of"), std::string::npos);
  auto limit = daemon::parse_config("[limits]\nmax_line = 10\n", "c.toml");
  ASSERT_FALSE(limit);
  EXPECT_NE(limit.error().message.find("c.toml:2: limits.max_line must be an integer"),
            std::string::npos)
      << limit.error().message;
}

TEST(Config, a_missing_default_file_is_fine_but_a_named_one_is_not) {
  test::TempDir dir;
  EXPECT_TRUE(daemon::load_config(dir.path() / "none.toml", true));
  auto named = daemon::load_config(dir.path() / "none.toml", false);
  ASSERT_FALSE(named);
  EXPECT_NE(named.error().message.find("none.toml"), std::string::npos);
}

TEST(Config, reminder_keys_default_to_no_reminders_a_day_of_grace_and_9_am) {
  auto config = daemon::parse_config("", "summitd.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->reminders.defaults.empty());
  EXPECT_EQ(config->reminders.grace, std::chrono::hours{24});
  EXPECT_EQ(config->reminders.morning_hour, 9);
  EXPECT_EQ(config->reminders.late_after, std::chrono::seconds{60});
  EXPECT_TRUE(config->exec_commands.empty());
  EXPECT_EQ(config->subscriber_queue, 4096u);
}

TEST(Config, reads_every_reminder_key) {
  auto config = daemon::parse_config(R"(
[reminders]
defaults = ["1d", "1h", "PT15M"]
grace = "6h"
morning_hour = 7
late_after = "90s"

[[notify.exec]]
command = ["/usr/local/bin/page-me", "--urgent"]
timeout = "10s"

[[notify.exec]]
command = ["logger", "-t", "summit"]

[subscribers]
queue = 32
)",
                                     "summitd.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->reminders.defaults, (std::vector<std::string>{"1d", "1h", "PT15M"}));
  EXPECT_EQ(config->reminders.grace, std::chrono::hours{6});
  EXPECT_EQ(config->reminders.morning_hour, 7);
  EXPECT_EQ(config->reminders.late_after, std::chrono::seconds{90});
  ASSERT_EQ(config->exec_commands.size(), 2u);
  EXPECT_EQ(config->exec_commands[0].argv,
            (std::vector<std::string>{"/usr/local/bin/page-me", "--urgent"}));
  EXPECT_EQ(config->exec_commands[0].timeout, std::chrono::seconds{10});
  EXPECT_EQ(config->exec_commands[1].argv, (std::vector<std::string>{"logger", "-t", "summit"}));
  EXPECT_EQ(config->exec_commands[1].timeout, std::chrono::seconds{30}) << "the default";
  EXPECT_EQ(config->subscriber_queue, 32u);
}

TEST(Config, an_empty_defaults_list_means_no_default_reminders) {
  auto config = daemon::parse_config("[reminders]\ndefaults = []\n", "c.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->reminders.defaults.empty());
}

TEST(Config, bad_reminder_values_are_refused_with_line_and_reason) {
  struct Case {
    const char *text;
    const char *expected; // a part of the message, after "c.toml:LINE: "
  };
  const Case cases[] = {
      {"[reminders]\ndefaults = \"1d\"\n", "c.toml:2: reminders.defaults must be an array"},
      {"[reminders]\ndefaults = [\"1d\",\n  \"soon\"]\n", "c.toml:3: reminders.defaults[1]: "},
      {"[reminders]\ndefaults = [5]\n", "c.toml:2: reminders.defaults[0] must be a duration"},
      {"[reminders]\ngrace = \"forever\"\n", "c.toml:2: reminders.grace: "},
      {"[reminders]\ngrace = 3600\n", "c.toml:2: reminders.grace must be a duration"},
      {"[reminders]\nmorning_hour = 24\n",
       "c.toml:2: reminders.morning_hour must be an integer between 0 and 23"},
      {"[reminders]\nmorning_hour = \"9\"\n", "c.toml:2: reminders.morning_hour must be"},
      {"[reminders]\nlate_after = \"-5s\"\n", "c.toml:2: reminders.late_after"},
      {"[reminders]\nremind = [\"1d\"]\n", "c.toml:2: unknown key 'reminders.remind'"},
      {"reminders = 5\n", "c.toml:1: reminders must be a table"},
      {"[[notify.exec]]\ncommand = \"/bin/true\"\n",
       "c.toml:2: notify.exec[0].command must be a non-empty array"},
      {"[[notify.exec]]\ncommand = []\n", "c.toml:2: notify.exec[0].command must be"},
      {"[[notify.exec]]\ncommand = [\"/bin/true\", 5]\n", "c.toml:2: notify.exec[0].command"},
      {"[[notify.exec]]\ntimeout = \"5s\"\n", "notify.exec[0] has no command"},
      {"[[notify.exec]]\ncommand = [\"/bin/true\"]\ntimeout = \"0s\"\n",
       "c.toml:3: notify.exec[0].timeout must be between 1s and 1d"},
      {"[[notify.exec]]\ncommand = [\"/bin/true\"]\nshell = true\n",
       "c.toml:3: unknown key 'notify.exec[0].shell'"},
      {"[notify]\nexec = \"/bin/true\"\n", "c.toml:2: notify.exec must be a list"},
      {"[notify]\nmail = \"me@example.org\"\n", "c.toml:2: unknown key 'notify.mail'"},
      {"[subscribers]\nqueue = 0\n", "c.toml:2: subscribers.queue must be an integer between 1"},
      {"[subscribers]\nqueue = \"big\"\n", "c.toml:2: subscribers.queue must be an integer"},
      {"[subscribers]\nsize = 5\n", "c.toml:2: unknown key 'subscribers.size'"},
  };
  for (const auto &c : cases) {
    auto config = daemon::parse_config(c.text, "c.toml");
    ASSERT_FALSE(config) << c.text;
    EXPECT_NE(config.error().message.find(c.expected), std::string::npos)
        << "for:\n"
        << c.text << "\ngot: " << config.error().message;
  }
}

TEST(Config, the_example_file_is_valid) {
  auto config = daemon::load_config(
      std::filesystem::path(SUMMIT_SOURCE_DIR) / "examples/summitd.toml", false);
  ASSERT_TRUE(config) << config.error().message;
}

TEST(Config, connection_limits_and_timeouts_are_read_and_checked) {
  auto defaults = daemon::parse_config("", "c.toml");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->max_connections, 4096u);
  EXPECT_EQ(defaults->idle_timeout, std::chrono::minutes(5));
  EXPECT_EQ(defaults->request_timeout, std::chrono::seconds(30));

  auto set = daemon::parse_config(
      "[limits]\nmax_connections = 2000\nidle_timeout = \"0s\"\nrequest_timeout = \"5s\"\n",
      "c.toml");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->max_connections, 2000u);
  EXPECT_EQ(set->idle_timeout, std::chrono::seconds(0));
  EXPECT_EQ(set->request_timeout, std::chrono::seconds(5));

  auto zero = daemon::parse_config("[limits]\nmax_connections = 0\n", "c.toml");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message,
            "c.toml:2: limits.max_connections must be an integer between 1 and 1000000");
  auto vague = daemon::parse_config("[limits]\nidle_timeout = \"a while\"\n", "c.toml");
  ASSERT_FALSE(vague);
  EXPECT_NE(vague.error().message.find("c.toml:2: limits.idle_timeout"), std::string::npos)
      << vague.error().message;
}

TEST(Config, per_uid_and_per_connection_limits_are_read_and_checked) {
  auto defaults = daemon::parse_config("", "c.toml");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->max_connections_per_uid, 64u);
  EXPECT_EQ(defaults->max_uploads_per_connection, 4u);
  EXPECT_EQ(defaults->max_staged_bytes_per_uid, 16u * 1024 * 1024);

  auto set = daemon::parse_config("[limits]\nmax_connections_per_uid = 8\n"
                                  "max_uploads_per_connection = 2\n"
                                  "max_staged_bytes_per_uid = 1000000\n",
                                  "c.toml");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->max_connections_per_uid, 8u);
  EXPECT_EQ(set->max_uploads_per_connection, 2u);
  EXPECT_EQ(set->max_staged_bytes_per_uid, 1000000u);

  auto zero = daemon::parse_config("[limits]\nmax_connections_per_uid = 0\n", "c.toml");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message,
            "c.toml:2: limits.max_connections_per_uid must be an integer between 1 and 1000000");
  auto many = daemon::parse_config("[limits]\nmax_uploads_per_connection = 5000\n", "c.toml");
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().message,
            "c.toml:2: limits.max_uploads_per_connection must be an integer between 1 and 1024");
  auto text = daemon::parse_config("[limits]\nmax_staged_bytes_per_uid = \"16M\"\n", "c.toml");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, "c.toml:2: limits.max_staged_bytes_per_uid must be an integer "
                                  "between 1 and 67108864");
}
