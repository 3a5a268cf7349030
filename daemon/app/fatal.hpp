#pragma once

#include <stdexcept>
#include <string>

namespace summit::daemon {

inline constexpr int k_exit_general = 1;
inline constexpr int k_exit_usage = 2;

// The one exception that leaves the daemon's set-up code: main() prints
// what() on stderr and exits with exit_code(). Everything a user can get
// wrong before serving (bad flag, bad config, socket in use, database newer
// than this binary) ends here with a message that says what to do.
class Fatal : public std::runtime_error {
public:
  explicit Fatal(const std::string &message, int exit_code = k_exit_general)
      : std::runtime_error(message), m_exit_code(exit_code) {}
  int exit_code() const { return m_exit_code; }

private:
  int m_exit_code;
};

} // namespace summit::daemon
