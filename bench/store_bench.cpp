// summit-store-bench: what EventStore::add costs by itself (issue 6), with no
// socket, JSON or event loop: the floor under event.add throughput.
//
//   summit-store-bench [--events N] [--group G] [--prefill M] [--dir PATH]
//
// Adds N events (after M untimed ones, to measure a larger calendar) the way
// summitd does under load: group commit on, G adds per transaction, one
// commit (and fsync) per group. The events look like summit-load's: a unique
// title, zone Europe/Minsk, starts spread over a year, no reminders. Prints
// the CPU time per add (user + system, getrusage) and the wall time. The
// database is a fresh file under --dir (default $TMPDIR), removed afterwards.

#include "core/event.hpp"
#include "daemon/store/event_store.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
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
    if (status == 0 && !add_events(store, options.prefill, options.events, options.group)) {
      status = 1;
    }
    const double cpu = cpu_seconds() - cpu0;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    if (status == 0) {
      const auto n = static_cast<double>(options.events);
      std::cout << fmt::format("{} adds into {} events, {} per commit: {:.1f} us CPU per add, "
                               "{:.1f} us wall per add ({:.0f} adds/s)\n",
                               options.events, options.prefill, options.group, cpu / n * 1e6,
                               wall / n * 1e6, n / wall);
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
    } else {
      std::cerr << "usage: summit-store-bench [--events N] [--group G] [--prefill M] [--dir "
                   "PATH]\n";
      return 2;
    }
  }
  return run(options);
}
