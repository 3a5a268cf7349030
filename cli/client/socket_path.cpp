#include "cli/client/socket_path.hpp"

#include <fmt/format.h>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace summit::cli {

std::string user_socket_path(const std::optional<std::string> &xdg_runtime_dir, uid_t uid) {
  // Must match summitd (daemon/app/paths.cpp, docs/PROTOCOL.md), or the CLI
  // would look elsewhere on machines without a login session (containers,
  // ssh without pam_systemd). Without XDG_RUNTIME_DIR the daemon's private
  // folder /tmp/summit-$UID holds the socket directly.
  if (xdg_runtime_dir && !xdg_runtime_dir->empty()) {
    return *xdg_runtime_dir + "/summit/summitd.sock";
  }
  return fmt::format("/tmp/summit-{}/summitd.sock", uid);
}

std::string resolve_socket_path(const SocketPathInputs &inputs) {
  if (inputs.flag) {
    return *inputs.flag;
  }
  if (inputs.summit_socket && !inputs.summit_socket->empty()) {
    return *inputs.summit_socket;
  }
  std::string user = user_socket_path(inputs.xdg_runtime_dir, inputs.uid);
  if (inputs.exists && !inputs.exists(user) && inputs.exists(k_system_socket)) {
    return k_system_socket;
  }
  return user;
}

namespace {

std::optional<std::string> group_name(gid_t gid) {
  if (const group *entry = ::getgrgid(gid)) {
    return std::string(entry->gr_name);
  }
  return std::nullopt;
}

bool process_has_group(gid_t gid) {
  if (::getegid() == gid) {
    return true;
  }
  const int count = ::getgroups(0, nullptr);
  std::vector<gid_t> groups(static_cast<std::size_t>(std::max(count, 0)));
  const int got = ::getgroups(count, groups.data());
  return got > 0 && std::find(groups.begin(), groups.begin() + got, gid) != groups.begin() + got;
}

bool group_lists(gid_t gid, const std::string &user) {
  const group *entry = ::getgrgid(gid);
  if (entry == nullptr) {
    return false;
  }
  for (char **member = entry->gr_mem; member != nullptr && *member != nullptr; ++member) {
    if (user == *member) {
      return true;
    }
  }
  return false;
}

std::string start_command(const std::string &path) {
  return path == k_system_socket
             ? std::string("start it with `sudo systemctl start summitd` (`systemctl status "
                           "summitd` says why it stopped)")
             : std::string("start it with `summitd` or `systemctl --user start summitd`");
}

} // namespace

SocketAccess inspect_socket_access(const std::string &path, int error_number) {
  SocketAccess access;
  access.error_number = error_number;
  if (const passwd *entry = ::getpwuid(::geteuid())) {
    access.user = entry->pw_name;
  }
  if (struct stat info{}; ::stat(path.c_str(), &info) == 0 && !S_ISSOCK(info.st_mode)) {
    access.not_a_socket = S_ISDIR(info.st_mode)   ? "a folder"
                          : S_ISREG(info.st_mode) ? "a file"
                                                  : "not a socket";
  }
  if (error_number != EACCES) {
    return access;
  }
  // The socket itself, or the folder that keeps others out of it.
  struct stat info {};
  const std::string folder = path.substr(0, path.find_last_of('/'));
  if (::stat(path.c_str(), &info) != 0 && ::stat(folder.c_str(), &info) != 0) {
    return access;
  }
  access.group = group_name(info.st_gid);
  access.has_group = process_has_group(info.st_gid);
  access.listed_in_group = group_lists(info.st_gid, access.user);
  return access;
}

std::string unreachable_advice(const std::string &path, const SocketAccess &access) {
  if (access.not_a_socket) {
    return fmt::format("{} is {}, not summitd's socket; check --socket and SUMMIT_SOCKET", path,
                       *access.not_a_socket);
  }
  switch (access.error_number) {
  case ENAMETOOLONG:
    return "a Unix socket path is at most 107 bytes; give a shorter --socket or SUMMIT_SOCKET";
  case EACCES:
  case EPERM:
    if (!access.group || access.group == "root") {
      return fmt::format("you may not use this socket; ask its administrator for access to {}",
                         path);
    }
    if (access.listed_in_group && !access.has_group) {
      return fmt::format("you joined group '{}' after this session began: log in again (or run "
                         "`newgrp {}`)",
                         *access.group, *access.group);
    }
    return fmt::format("summitd is for members of group '{}'; join it with `sudo usermod -aG {} "
                       "{}`, then log in again",
                       *access.group, *access.group,
                       access.user.empty() ? std::string("$USER") : access.user);
  case ENOENT:
    return "no summitd is running there; " + start_command(path);
  case ECONNREFUSED:
    return "the socket is there but no summitd answers on it (it stopped); " + start_command(path);
  default:
    break;
  }
  return "is summitd running? " + start_command(path);
}

} // namespace summit::cli
