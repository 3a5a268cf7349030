// sys::SharedLibrary and sys::spawn: the two things both programs ask of
// the operating system, against the real libsystemd and real processes.
#include "sys/shared_library.hpp"
#include "sys/spawn.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <string>

using namespace summit;

TEST(SharedLibrary, finds_functions_by_name_and_names_the_first_it_cannot) {
  auto library = sys::SharedLibrary::open("libsystemd.so.0");
  ASSERT_TRUE(library) << library.error();
  decltype(&sd_notify) notify = nullptr;
  library->find(notify, "sd_notify");
  EXPECT_NE(notify, nullptr);
  EXPECT_EQ(library->missing(), nullptr);
  decltype(&sd_notify) missing_one = nullptr;
  decltype(&sd_notify) missing_two = nullptr;
  library->find(missing_one, "sd_no_such_function");
  library->find(missing_two, "sd_nor_this_one");
  EXPECT_EQ(missing_one, nullptr);
  ASSERT_NE(library->missing(), nullptr);
  EXPECT_STREQ(library->missing(), "sd_no_such_function");
}

TEST(SharedLibrary, a_library_that_is_not_there_is_an_error_naming_it) {
  auto library = sys::SharedLibrary::open("libsummit-no-such-library.so.7");
  ASSERT_FALSE(library);
  EXPECT_NE(library.error().find("libsummit-no-such-library.so.7"), std::string::npos)
      << library.error();
}

namespace {

std::string read_all(int fd) {
  std::string out;
  char buffer[256];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

int wait_for(pid_t pid) {
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

TEST(Spawn, a_bare_name_is_found_in_path_with_stderr_in_a_pipe_and_its_own_group) {
  sys::SpawnRequest request;
  // Field 5 of /proc/PID/stat is the process group.
  request.argv = {"sh", "-c",
                  "printf '%s' \"$GREETING\" >&2; read -r line < /proc/$$/stat; set -- $line; "
                  "test \"$5\" = \"$$\""};
  request.environment = {"PATH=/usr/bin:/bin", "GREETING=hello from the child"};
  request.stderr_to = sys::SpawnRequest::Output::pipe;
  request.own_process_group = true;
  const auto spawned = sys::spawn(request);
  ASSERT_EQ(spawned.error, 0) << spawned.what;
  ASSERT_GE(spawned.stderr_fd, 0);
  EXPECT_EQ(read_all(spawned.stderr_fd), "hello from the child");
  ::close(spawned.stderr_fd);
  EXPECT_EQ(wait_for(spawned.pid), 0) << "it leads a process group of its own";
}

TEST(Spawn, a_program_that_is_not_there_is_an_error_and_leaves_no_pipe_open) {
  sys::SpawnRequest request;
  request.argv = {"/nonexistent/summit-hook"};
  request.stderr_to = sys::SpawnRequest::Output::pipe;
  const auto spawned = sys::spawn(request);
  EXPECT_EQ(spawned.pid, -1);
  EXPECT_EQ(spawned.error, ENOENT);
  EXPECT_STREQ(spawned.what, "posix_spawn");
  EXPECT_EQ(spawned.stderr_fd, -1);
}
