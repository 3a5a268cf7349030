// summit-store-bench: what EventStore::add costs by itself (issue 6), with no
// socket, JSON or event loop: the floor under event.add throughput.
//
//   summit-store-bench [--events N] [--group G] [--prefill M] [--dir PATH] [--raw 1]
//
// --raw 1: SQLite alone on the same schema (the real migrations), the floor
// under the floor: one prepared INSERT INTO events with positional
// parameters per add, each in its own savepoint as summitd writes them, the
// text index written once per group as summitd does (schema 012), one
// COMMIT (synchronous=FULL: one fsync) per group. No summit code runs
// between the inserts.
//
// Adds N events (after M untimed ones, to measure a larger calendar) the way
// summitd does under load: group commit on, G adds per transaction, one
// commit (and fsync) per group. The events look like summit-load's: a unique
// title, zone Europe/Minsk, starts spread over a year, no reminders. Prints
// the CPU time per add (user + system, getrusage) and the wall time. The
// database is a fresh file under --dir (default $TMPDIR), removed afterwards.

#include "core/event.hpp"
#include "daemon/store/event_store.hpp"

#include <SQLiteCpp/Database.h>
#include <date/date.h>
#include <fmt/format.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sqlite3.h>
#include <string>
#include <string_view>

namespace {

using namespace summit;
namespace fs = std::filesystem;

struct Options {
  std::int64_t events = 20000;
  std::int64_t group = 1000;
  std::int64_t prefill = 0;
  fs::path dir = fs::temp_directory_path();
  bool raw = false;
};

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval &t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

core::Event load_event(std::int64_t n, std::int64_t spread) {
  using namespace std::chrono;
  core::Event event;
  event.title = fmt::format("load {} c{} r{}", 4242, n % 64, n);
  event.precision = core::Precision::timed;
  event.tz = "Europe/Minsk"; // UTC+3 all year
  const auto first = date::local_days{date::year{2027} / date::January / 1};
  event.start_local = first + minutes((n * 7919) % spread);
  event.end_local = event.start_local;
  event.start_utc = core::SysSeconds{event.start_local.time_since_epoch() - hours(3)};
  event.end_utc = event.start_utc;
  event.created = event.updated = date::sys_days{date::year{2026} / date::December / 1};
  return event;
}

// Adds [first, first + count) in groups; returns false on the first error.
bool add_events(store::EventStore &store, std::int64_t first, std::int64_t count,
                std::int64_t group) {
  const std::int64_t spread = 365 * 24 * 60;
  for (std::int64_t n = first; n < first + count; ++n) {
    if (auto added = store.add(load_event(n, spread)); !added) {
      std::cerr << "summit-store-bench: add failed: " << added.error().message << "\n";
      return false;
    }
    if ((n - first + 1) % group == 0 || n + 1 == first + count) {
      if (auto committed = store.commit_group(); !committed) {
        std::cerr << "summit-store-bench: commit failed: " << committed.error().message << "\n";
        return false;
      }
    }
  }
  return true;
}

// The same adds as add_events, as bare SQLite statements on `db`.
bool raw_inserts(sqlite3 *db, std::int64_t first, std::int64_t count, std::int64_t group) {
  const std::int64_t spread = 365 * 24 * 60;
  const auto prepare = [db](const char *sql) {
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
        SQLITE_OK) {
      std::cerr << "summit-store-bench: " << sqlite3_errmsg(db) << "\n";
    }
    return statement;
  };
  sqlite3_stmt *insert = prepare(
      "INSERT INTO events (id, uid, title, precision, start_local, end_local, has_end, tz, "
      "start_utc, end_utc, location, description, tags, status, owner_uid, created, updated) "
      "VALUES ((SELECT max(id, coalesce((SELECT max(id) FROM events), 0)) + 1 FROM "
      "event_id_floor WHERE only = 1), ?1, ?2, 'timed', ?3, ?3, 0, 'Europe/Minsk', ?4, ?4, '', '', "
      "'[]', 'confirmed', 0, 0, 0)");
  sqlite3_stmt *begin = prepare("BEGIN IMMEDIATE");
  sqlite3_stmt *commit = prepare("COMMIT");
  sqlite3_stmt *savepoint = prepare("SAVEPOINT write");
  sqlite3_stmt *release = prepare("RELEASE write");
  sqlite3_stmt *index = prepare(
      "INSERT INTO events_fts (rowid, title, location, description) SELECT id, title, location, "
      "description FROM events WHERE id > (SELECT id FROM events_fts_indexed WHERE only = 1) "
      "ORDER BY id");
  sqlite3_stmt *raise = prepare("UPDATE events_fts_indexed SET id = (SELECT max(id) FROM events) "
                                "WHERE only = 1");
  const auto run = [db](sqlite3_stmt *statement) {
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    if (rc != SQLITE_DONE) {
      std::cerr << "summit-store-bench: " << sqlite3_errmsg(db) << "\n";
      return false;
    }
    return true;
  };
  bool ok = insert && begin && commit && savepoint && release && index && raise;
  for (std::int64_t n = first; ok && n < first + count; ++n) {
    if ((n - first) % group == 0) {
      ok = run(begin);
    }
    const core::Event event = load_event(n, spread);
    const std::string uid = fmt::format("{:032x}@summit", n);
    const std::string local = date::format("%FT%T", event.start_local);
    sqlite3_bind_text(insert, 1, uid.data(), static_cast<int>(uid.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, event.title.data(), static_cast<int>(event.title.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, local.data(), static_cast<int>(local.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert, 4, event.start_utc.time_since_epoch().count());
    ok = ok && run(savepoint) && run(insert) && run(release);
    if (ok && ((n - first + 1) % group == 0 || n + 1 == first + count)) {
      ok = run(index) && run(raise) && run(commit);
    }
  }
  for (sqlite3_stmt *statement : {insert, begin, commit, savepoint, release, index, raise}) {
    sqlite3_finalize(statement);
  }
  return ok;
}

int run(const Options &options) {
  std::string pattern = (options.dir / "summit-store-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::cerr << "summit-store-bench: cannot make a folder under " << options.dir << "\n";
    return 1;
  }
  const fs::path dir = pattern;
  int status = 0;
  {
    auto opened = store::EventStore::open(dir / "bench.db");
    if (!opened) {
      std::cerr << "summit-store-bench: " << opened.error().message << "\n";
      fs::remove_all(dir);
      return 1;
    }
    auto &store = **opened;
    store.enable_group_commit([] {});
    if (options.prefill > 0 && !add_events(store, 0, options.prefill, 10000)) {
      status = 1;
    }
    const double cpu0 = cpu_seconds();
    const auto wall0 = std::chrono::steady_clock::now();
    if (status == 0 && options.raw) {
      if (auto committed = store.commit_group(); !committed) {
        status = 1;
      }
      if (status == 0 && !raw_inserts(store.database().getHandle(), options.prefill, options.events,
                                      options.group)) {
        status = 1;
      }
    } else if (status == 0 && !add_events(store, options.prefill, options.events, options.group)) {
      status = 1;
    }
    const double cpu = cpu_seconds() - cpu0;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    if (status == 0) {
      const auto n = static_cast<double>(options.events);
      std::cout << fmt::format("{}{} adds into {} events, {} per commit: {:.1f} us CPU per add, "
                               "{:.1f} us wall per add ({:.0f} adds/s)\n",
                               options.raw ? "SQLite alone: " : "", options.events, options.prefill,
                               options.group, cpu / n * 1e6, wall / n * 1e6, n / wall);
    }
  }
  fs::remove_all(dir);
  return status;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char *value = argv[i + 1];
    if (flag == "--events") {
      options.events = std::max<std::int64_t>(1, std::atoll(value));
    } else if (flag == "--group") {
      options.group = std::max<std::int64_t>(1, std::atoll(value));
    } else if (flag == "--prefill") {
      options.prefill = std::max<std::int64_t>(0, std::atoll(value));
    } else if (flag == "--dir") {
      options.dir = value;
    } else if (flag == "--raw") {
      options.raw = std::string_view(value) != "0";
    } else {
      std::cerr << "usage: summit-store-bench [--events N] [--group G] [--prefill M] [--dir "
                   "PATH] [--raw 1]\n";
      return 2;
    }
  }
  return run(options);
}
