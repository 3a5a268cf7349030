#include "cli/client/command_environment.hpp"

#include "core/clock.hpp"
#include "core/zones.hpp"
#include "places/place_gazetteer.hpp"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace summit::cli {

CommandEnvironment CommandEnvironment::from_process() {
  CommandEnvironment env;
  env.now = core::system_now();
  env.getenv = [](const char *name) -> std::optional<std::string> {
    const char *value = std::getenv(name);
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
  env.uid = ::getuid();
  env.exists = [](const std::string &path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
  };
  // Null without /etc/localtime (minimal containers): the caller falls back to UTC.
  env.system_zone = [] { return core::system_zone(); };
  env.load_gazetteer = [getenv = env.getenv]() -> std::unique_ptr<core::Gazetteer> {
    places::GazetteerFiles files;
    files.languages = places::locale_languages(getenv);
    return std::make_unique<places::PlaceGazetteer>(places::PlaceGazetteer::load(std::move(files)));
  };
  env.is_terminal = [](int fd) { return ::isatty(fd) == 1; };
  env.terminal_columns = [](int fd) -> std::size_t {
    winsize size{};
    if (::isatty(fd) != 1) {
      return 0;
    }
    if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
      return size.ws_col;
    }
    return 80; // a terminal that does not say: the classic width
  };
  env.in = &std::cin;
  return env;
}

} // namespace summit::cli
