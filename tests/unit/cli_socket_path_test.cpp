#include "cli/client/socket_path.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using summit::cli::resolve_socket_path;
using summit::cli::SocketPathInputs;

namespace {

// Inputs with nothing set, on a machine where only `existing` files exist.
SocketPathInputs inputs(std::set<std::string> existing = {}) {
  SocketPathInputs in;
  in.uid = 1000;
  in.exists = [existing](const std::string &path) { return existing.count(path) > 0; };
  return in;
}

} // namespace

TEST(SocketPath, flag_wins_over_everything) {
  auto in = inputs({"/run/user/1000/summit/summitd.sock"});
  in.flag = "/tmp/x.sock";
  in.summit_socket = "/tmp/env.sock";
  in.xdg_runtime_dir = "/run/user/1000";
  EXPECT_EQ(resolve_socket_path(in), "/tmp/x.sock");
}

TEST(SocketPath, summit_socket_environment_comes_next) {
  auto in = inputs();
  in.summit_socket = "/tmp/env.sock";
  in.xdg_runtime_dir = "/run/user/1000";
  EXPECT_EQ(resolve_socket_path(in), "/tmp/env.sock");
}

TEST(SocketPath, empty_summit_socket_is_ignored) {
  auto in = inputs();
  in.summit_socket = "";
  in.xdg_runtime_dir = "/run/user/1000";
  EXPECT_EQ(resolve_socket_path(in), "/run/user/1000/summit/summitd.sock");
}

TEST(SocketPath, user_default_is_under_xdg_runtime_dir) {
  auto in = inputs();
  in.xdg_runtime_dir = "/run/user/1000";
  EXPECT_EQ(resolve_socket_path(in), "/run/user/1000/summit/summitd.sock");
}

TEST(SocketPath, without_xdg_runtime_dir_it_matches_the_daemons_tmp_fallback) {
  EXPECT_EQ(resolve_socket_path(inputs()), "/tmp/summit-1000/summitd.sock");
}

TEST(SocketPath, system_socket_when_only_it_exists) {
  auto in = inputs({"/run/summit/summitd.sock"});
  in.xdg_runtime_dir = "/run/user/1000";
  EXPECT_EQ(resolve_socket_path(in), "/run/summit/summitd.sock");
}

TEST(SocketPath, user_socket_preferred_when_both_exist) {
  auto in = inputs({"/run/summit/summitd.sock", "/run/user/1000/summit/summitd.sock"});
  in.xdg_runtime_dir = "/run/user/1000";
  EXPECT_EQ(resolve_socket_path(in), "/run/user/1000/summit/summitd.sock");
}
