#include "daemon/app/options.hpp"

#include "daemon/app/fatal.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>

namespace summit::daemon {

std::variant<Options, EarlyExit> parse_options(int argc, const char *const *argv) {
  Options options;
  CLI::App app{"summitd: the summit calendar and reminder daemon (runs in the foreground)",
               "summitd"};
  app.set_version_flag("--version", std::string("summitd ") + SUMMIT_VERSION);
  app.add_option("--socket", options.socket, "Unix socket to listen on")->type_name("PATH");
  app.add_option("--db", options.database, "SQLite database file (its folder must exist)")
      ->type_name("PATH");
  app.add_option("--config", options.config, "configuration file (TOML)")->type_name("FILE");
  app.add_option("--log-level", options.log_level,
                 "trace, debug, info, warning, error, critical or off")
      ->type_name("LEVEL");
  app.add_flag("--system", options.system,
               "system mode: /run/summit/summitd.sock, /var/lib/summit/summit.db, "
               "group 'summit' socket");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return EarlyExit{app.exit(e)};
  } catch (const CLI::CallForAllHelp &e) {
    return EarlyExit{app.exit(e)};
  } catch (const CLI::CallForVersion &e) {
    return EarlyExit{app.exit(e)};
  } catch (const CLI::ParseError &e) {
    throw Fatal(std::string(e.what()) + "\nRun with --help for more information.", k_exit_usage);
  }
  return options;
}

} // namespace summit::daemon
