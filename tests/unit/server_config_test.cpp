#include "daemon/app/config.hpp"
#include "server_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

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
  EXPECT_NE(config.error().message.find("summitd.toml:2: unknown key 'sokcet'"),
            std::string::npos)
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

