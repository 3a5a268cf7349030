// check_password_file: what summitd accepts as a CalDAV password file, and
// what a client learns of the files it names.
#include "daemon/server/calendar_set_handlers.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace summit::server {
namespace {

class PasswordFile : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/summit-password-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    m_dir = pattern;
    ::unsetenv("CREDENTIALS_DIRECTORY");
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  std::string file(const std::string &name, mode_t mode) const {
    const std::string path = m_dir + "/" + name;
    std::ofstream(path) << "correct-horse\n";
    ::chmod(path.c_str(), mode);
    return path;
  }

  // Any uid other than this process's own: the client of another user.
  static std::uint32_t other_uid() { return ::geteuid() == 65534 ? 65533 : 65534; }

  std::string m_dir;
};

TEST_F(PasswordFile, the_owners_private_file_is_taken_and_a_readable_one_refused_naming_chmod) {
  EXPECT_TRUE(check_password_file(file("pw", 0600), ::geteuid()));
  const auto readable = check_password_file(file("open", 0644), ::geteuid());
  ASSERT_FALSE(readable);
  EXPECT_NE(readable.error().message.find("chmod 600"), std::string::npos)
      << readable.error().message;
}

// Another user's client names files summitd can see and it cannot: a
// private file of summitd's user, a readable one, a missing one, a folder.
// Each gets the same answer (but its path), which says nothing of the file.
TEST_F(PasswordFile, another_users_client_learns_nothing_of_files_it_does_not_own) {
  const std::string private_file = file("private", 0600);
  const std::string readable = file("readable", 0644);
  const std::string missing = m_dir + "/missing";
  const auto answer = [&](const std::string &path) {
    auto checked = check_password_file(path, other_uid());
    EXPECT_FALSE(checked) << path;
    std::string message = checked ? std::string() : checked.error().message;
    const auto at = message.find(path);
    EXPECT_NE(at, std::string::npos) << message;
    if (at != std::string::npos) {
      message.replace(at, path.size(), "PATH");
    }
    return message;
  };
  const std::string first = answer(private_file);
  EXPECT_NE(first.find("a regular file you own"), std::string::npos) << first;
  EXPECT_EQ(answer(readable), first);
  EXPECT_EQ(answer(missing), first);
  EXPECT_EQ(answer(m_dir), first);
  EXPECT_EQ(answer("/proc/self/environ"), first);
}

// A systemd credential may be named by root or summitd's own user, not by
// another user's client.
TEST_F(PasswordFile, a_credential_of_the_service_is_not_for_other_users) {
  const std::string credential = file("caldav", 0440);
  ::setenv("CREDENTIALS_DIRECTORY", m_dir.c_str(), 1);
  EXPECT_TRUE(check_password_file(credential, ::geteuid()));
  EXPECT_FALSE(check_password_file(credential, other_uid()));
  ::unsetenv("CREDENTIALS_DIRECTORY");
}

} // namespace
} // namespace summit::server
