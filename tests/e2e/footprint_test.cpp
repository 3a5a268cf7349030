// What the binaries load and open (issue 17): functional checks, no timing.
// summitd loads libical (and ICU with it) at the first use, not at start;
// the CLI links none of the daemon's libraries; `summit add` reads the zone
// files it needs and lists no folder of the zone database.

#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace summit::e2e {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The DT_NEEDED entries of a 64-bit ELF file: the libraries the loader maps
// before main(). Read from the section headers (SHT_DYNAMIC and the string
// table it links to).
std::vector<std::string> needed_libraries(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  std::vector<std::string> needed;
  if (bytes.size() < sizeof(Elf64_Ehdr) || bytes.compare(0, 4, ELFMAG) != 0 ||
      bytes[EI_CLASS] != ELFCLASS64) {
    ADD_FAILURE() << path << " is not a 64-bit ELF file";
    return needed;
  }
  Elf64_Ehdr header{};
  std::memcpy(&header, bytes.data(), sizeof header);
  const auto section = [&](std::size_t i) {
    Elf64_Shdr s{};
    const auto at = header.e_shoff + i * header.e_shentsize;
    if (at + sizeof s <= bytes.size()) {
      std::memcpy(&s, bytes.data() + at, sizeof s);
    }
    return s;
  };
  for (std::size_t i = 0; i < header.e_shnum; ++i) {
    const auto dynamic = section(i);
    if (dynamic.sh_type != SHT_DYNAMIC) {
      continue;
    }
    const auto strings = section(dynamic.sh_link);
    for (std::size_t at = dynamic.sh_offset;
         at + sizeof(Elf64_Dyn) <= dynamic.sh_offset + dynamic.sh_size &&
         at + sizeof(Elf64_Dyn) <= bytes.size();
         at += sizeof(Elf64_Dyn)) {
      Elf64_Dyn entry{};
      std::memcpy(&entry, bytes.data() + at, sizeof entry);
      if (entry.d_tag == DT_NULL) {
        break;
      }
      if (entry.d_tag == DT_NEEDED && strings.sh_offset + entry.d_un.d_val < bytes.size()) {
        needed.emplace_back(bytes.c_str() + strings.sh_offset + entry.d_un.d_val);
      }
    }
  }
  return needed;
}

TEST(Footprint, summitd_loads_libical_only_when_it_needs_it) {
  const auto needed = needed_libraries(k_summitd);
  ASSERT_THAT(needed, Contains(StartsWith("libsqlite3"))) << "not summitd's dynamic section?";
  EXPECT_THAT(needed, Not(Contains(StartsWith("libical"))));
  EXPECT_THAT(needed, Not(Contains(StartsWith("libicu"))));
}

TEST(Footprint, the_cli_links_none_of_the_daemons_libraries) {
  const auto needed = needed_libraries(k_summit);
  ASSERT_THAT(needed, Contains(StartsWith("libc.so"))) << "not summit's dynamic section?";
  for (const char *library : {"libical", "libicu", "libxml2", "libsqlite3", "libspdlog"}) {
    EXPECT_THAT(needed, Not(Contains(StartsWith(library))));
  }
}

// Loading and relocating libstdc++ was 1.6 M of the 3.8 M instructions of a
// `summit add` (issue 17): the CLI links its C++ runtime statically, has
// fmt's functions built in and loads libdate-tz only when it needs it.
// Sanitizer builds link the shared C++ runtime (their runtimes must see its
// operator new and throw; cli/CMakeLists.txt), so the test exists only in a
// build without them (the release preset): a skip would hide nothing here,
// and under CI=true it would count as a failure.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
TEST(Footprint, the_cli_loads_no_shared_cpp_library) {
  const auto needed = needed_libraries(k_summit);
  ASSERT_THAT(needed, Contains(StartsWith("libc.so"))) << "not summit's dynamic section?";
  for (const char *library : {"libstdc++", "libgcc_s", "libfmt", "libdate-tz"}) {
    EXPECT_THAT(needed, Not(Contains(StartsWith(library))));
  }
}
#endif

// strace is in scripts/packages.txt; a machine without it skips this one.
std::string strace_path() {
  for (const char *candidate : {"/usr/bin/strace", "/bin/strace"}) {
    if (::access(candidate, X_OK) == 0) {
      return candidate;
    }
  }
  return {};
}

class FootprintCli : public SummitTest {};

TEST_F(FootprintCli, summit_add_reads_one_file_per_zone_and_lists_no_folder) {
  const auto strace = strace_path();
  if (strace.empty()) {
    GTEST_SKIP() << "strace is not installed (scripts/packages.txt)";
  }
  const auto trace = dir() / "add.trace";
  std::vector<std::string> args{
      "-f",     "-o",          trace,     "-e",   "trace=%file,getdents64",
      k_summit, "add",         "Standup", "--at", "2030-03-04 09:30",
      "--tz",   "Europe/Minsk"};
  // LeakSanitizer cannot run under ptrace: in the ASan build the traced summit
  // would fail at exit for that alone.
  auto env = cli_environment("UTC");
  const auto asan = std::find_if(env.begin(), env.end(), [](const std::string &entry) {
    return entry.starts_with("ASAN_OPTIONS=");
  });
  if (asan != env.end()) {
    *asan += ":detect_leaks=0";
  } else {
    env.emplace_back("ASAN_OPTIONS=detect_leaks=0");
  }
  const auto added = run_process(strace, args, env);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  ASSERT_THAT(added.out, HasSubstr("Standup"));

  std::ifstream in(trace);
  std::string line;
  int minsk_opens = 0;
  int zone_folder_lookups = 0;
  std::vector<std::string> zoneinfo_lines;
  while (std::getline(in, line)) {
    if (line.find("getdents") != std::string::npos) {
      ADD_FAILURE() << "a folder was listed: " << line;
    }
    if (line.find("/usr/share/zoneinfo") == std::string::npos) {
      continue;
    }
    zoneinfo_lines.push_back(line);
    if (line.find("O_DIRECTORY") != std::string::npos) {
      ++zone_folder_lookups;
    }
    if (line.find("openat(") != std::string::npos &&
        line.find("/usr/share/zoneinfo/Europe/Minsk\"") != std::string::npos) {
      ++minsk_opens;
    }
  }
  std::ostringstream seen;
  for (const auto &l : zoneinfo_lines) {
    seen << l << "\n";
  }
  EXPECT_EQ(zone_folder_lookups, 0) << seen.str();
  EXPECT_EQ(minsk_opens, 1) << seen.str();
  // The zone given and the viewer's (TZ=UTC), each opened once; a few
  // lookups of the machine's /etc/localtime link at most. Before issue 17
  // date listed the whole database: 653 stat calls.
  EXPECT_LE(zoneinfo_lines.size(), 8U) << seen.str();
}

// libdate-tz is loaded at its first use: a zone name summit does not know is
// answered from date's whole database, with a suggestion, through the
// stand-in that loads the library (cli/CMakeLists.txt).
TEST_F(FootprintCli, an_unknown_zone_is_answered_from_the_zone_database_loaded_on_demand) {
  const auto listed =
      run_process(k_summit, {"--socket", dir() / "none.sock", "--tz", "Europe/Minks", "list"},
                  cli_environment("UTC"));
  EXPECT_EQ(listed.exit_code, 2) << listed.err;
  EXPECT_THAT(listed.err,
              HasSubstr("unknown time zone 'Europe/Minks' (did you mean Europe/Minsk?)"));
}

} // namespace
} // namespace summit::e2e
