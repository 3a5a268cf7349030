// summit-rss-floor: the resident memory a process starts from when it links
// the shared libraries summitd links and does the least summitd must do
// with them (issue 6, idle memory): open a SQLite database in WAL mode, log
// one line through spdlog, parse a TOML document, read one zone's rules.
// None of summit's own code is linked. Prints VmRSS, RssAnon and RssFile.
//
//   summit-rss-floor DATABASE
//
// summitd's idle figure minus this one is what summit itself adds.

#include <date/tz.h>
#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <fstream>
#include <iostream>
#include <sqlite3.h>
#include <string>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: summit-rss-floor DATABASE\n";
    return 2;
  }
  sqlite3 *db = nullptr;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
      sqlite3_exec(db, "PRAGMA journal_mode = WAL; SELECT count(*) FROM sqlite_master", nullptr,
                   nullptr, nullptr) != SQLITE_OK) {
    std::cerr << "summit-rss-floor: " << sqlite3_errmsg(db) << "\n";
    return 1;
  }
  spdlog::warn("summit-rss-floor: one line through spdlog");
  const auto config = toml::parse("[limits]\nmax_connections = 4096\n");
  const auto *zone = date::locate_zone("Europe/Minsk");
  const auto offset = zone->get_info(date::sys_seconds{}).offset;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS") || line.starts_with("RssAnon") || line.starts_with("RssFile")) {
      std::cout << line << "\n";
    }
  }
  sqlite3_close(db);
  return config.contains("limits") && offset.count() != 0 ? 0 : 1;
}
