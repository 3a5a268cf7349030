#include "daemon/app/config.hpp"
#include "daemon/app/options.hpp"
#include "daemon/app/paths.hpp"
#include "server_test_support.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

using namespace summit;
using daemon::Mode;

namespace {

daemon::Environment user_env() {
  daemon::Environment env;
  env.xdg_runtime_dir = "/run/user/1000";
  env.xdg_data_home = "/home/me/data";
  env.xdg_config_home = "/home/me/conf";
  env.home = "/home/me";
  env.uid = 1000;
  return env;
}

} // namespace

TEST(Paths, user_defaults_follow_xdg) {
  auto paths = daemon::resolve_paths(Mode::user, {}, {}, user_env());
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->socket, "/run/user/1000/summit/summitd.sock");
  EXPECT_EQ(paths->database, "/home/me/data/summit/summit.db");
  EXPECT_TRUE(paths->private_socket_dir);
  EXPECT_EQ(*daemon::default_config_path(Mode::user, user_env()),
            "/home/me/conf/summit/summitd.toml");
}

TEST(Paths, without_xdg_variables_fall_back_to_tmp_and_home) {
  daemon::Environment env;
  env.home = "/home/me";
  env.uid = 1000;
  auto paths = daemon::resolve_paths(Mode::user, {}, {}, env);
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->socket, "/tmp/summit-1000/summitd.sock");
  EXPECT_EQ(paths->database, "/home/me/.local/share/summit/summit.db");
  EXPECT_EQ(*daemon::default_config_path(Mode::user, env), "/home/me/.config/summit/summitd.toml");
}

TEST(Paths, system_mode_uses_run_and_var_lib) {
  auto paths = daemon::resolve_paths(Mode::system, {}, {}, user_env());
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->socket, "/run/summit/summitd.sock");
  EXPECT_EQ(paths->database, "/var/lib/summit/summit.db");
  EXPECT_EQ(*daemon::default_config_path(Mode::system, user_env()), "/etc/summit/summitd.toml");
}

TEST(Paths, flags_win_over_the_config_which_wins_over_defaults) {
  daemon::Config config;
  config.socket = "/conf/s.sock";
  config.database = "/conf/s.db";
  daemon::Options options;
  options.socket = "/flag/s.sock";
  auto paths = daemon::resolve_paths(Mode::user, options, config, user_env());
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->socket, "/flag/s.sock");
  EXPECT_EQ(paths->database, "/conf/s.db");
  EXPECT_FALSE(paths->private_socket_dir);
}

TEST(Paths, the_private_socket_dir_is_created_0700) {
  test::TempDir dir;
  daemon::Paths paths;
  paths.socket = dir.path() / "summit" / "summitd.sock";
  paths.private_socket_dir = true;
  ASSERT_TRUE(daemon::prepare_socket_dir(paths, Mode::user, ::getuid()));
  struct stat st {};
  ASSERT_EQ(::lstat((dir.path() / "summit").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(Paths, a_symlinked_or_foreign_private_dir_is_refused) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.path() / "elsewhere");
  std::filesystem::create_directory_symlink(dir.path() / "elsewhere", dir.path() / "summit");
  daemon::Paths paths;
  paths.socket = dir.path() / "summit" / "summitd.sock";
  paths.private_socket_dir = true;
  auto linked = daemon::prepare_socket_dir(paths, Mode::user, ::getuid());
  ASSERT_FALSE(linked);
  EXPECT_NE(linked.error().message.find("not a directory"), std::string::npos);

  paths.socket = dir.path() / "elsewhere" / "summitd.sock";
  auto foreign = daemon::prepare_socket_dir(paths, Mode::user, ::getuid() + 1);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().message.find("owned by uid"), std::string::npos);
}
