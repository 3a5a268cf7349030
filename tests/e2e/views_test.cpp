// `summit agenda` and `summit cal` through the real summit and summitd, on
// a fixed set of events, with an explicit --tz (issue 4).
#include "core/time_format.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"
#include "support/summit_fixture.hpp"

#include <date/tz.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

using namespace summit::e2e;
using testing::HasSubstr;

namespace {

// Today in `zone` by the real clock: agenda starts from the daemon's now.
date::local_days today_in(const char *zone) {
  const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return date::floor<date::days>(summit::core::to_local(now, *summit::core::find_zone(zone)));
}

std::string heading(date::local_days day) {
  return summit::core::format_human_date(date::local_seconds{day});
}

std::string iso(date::local_days day) {
  return summit::core::format_iso_date(date::local_seconds{day});
}

} // namespace

using Views = SummitTest;

TEST_F(Views, cal_shows_the_month_grid_its_marked_days_and_its_events) {
  for (const std::vector<std::string> &args : std::vector<std::vector<std::string>>{
           {"add", k_cis_title, "--at", "2030-09", "--location", "Minsk, Belarus"},
           {"add", k_cis_title, "--at", "2030-09-26 10:00", "--duration", "3h", "--tz",
            "Europe/Minsk", "--location", "Minsk, Belarus"},
           {"add", "Preparatory talks", "--at", "2030-09-02", "--end", "2030-09-03", "--all-day",
            "--tz", "Europe/Minsk"},
           {"add", "Working group", "--at", "2030-09-05 09:30", "--duration", "1h", "--tz",
            "Asia/Dushanbe", "--repeat", "weekly count 2"},
           {"add", "Elsewhere", "--at", "2030-10-01 10:00", "--tz", "Europe/Minsk"}}) {
    const ProcessResult done = summit(args);
    ASSERT_EQ(done.exit_code, 0) << testing::PrintToString(args) << done.err;
  }
  const ProcessResult cal = summit({"--tz", "Europe/Minsk", "cal", "sep", "2030"});
  ASSERT_EQ(cal.exit_code, 0) << cal.err;
  EXPECT_EQ(cal.out, "         September 2030\n"
                     " Mo   Tu   We   Th   Fr   Sa   Su\n"
                     "                                1\n"
                     "  2*   3*   4    5*   6    7    8\n"
                     "  9   10   11   12*  13   14   15\n"
                     " 16   17   18   19   20   21   22\n"
                     " 23   24   25   26*  27   28   29\n"
                     " 30\n"
                     "\n"
                     "Sun 1 Sep 2030\n"
                     "date TBA     Council of Heads of Government of the CIS  (Minsk, Belarus)\n"
                     "\n"
                     "Mon 2 Sep 2030\n"
                     "all day      Preparatory talks\n"
                     "\n"
                     "Tue 3 Sep 2030\n"
                     "all day      Preparatory talks\n"
                     "\n"
                     "Thu 5 Sep 2030\n"
                     "07:30–08:30  Working group ↻  [09:30–10:30 Asia/Dushanbe]\n"
                     "\n"
                     "Thu 12 Sep 2030\n"
                     "07:30–08:30  Working group ↻  [09:30–10:30 Asia/Dushanbe]\n"
                     "\n"
                     "Thu 26 Sep 2030\n"
                     "10:00–13:00  Council of Heads of Government of the CIS  (Minsk, Belarus)\n");
  // Not a terminal (a pipe): no escape sequences, whatever NO_COLOR says.
  EXPECT_THAT(cal.out, testing::Not(HasSubstr("\x1b[")));

  const ProcessResult empty = summit({"--tz", "Europe/Minsk", "cal", "2030-08"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_THAT(empty.out, HasSubstr("\n\nNo events in August 2030.\n"));
}

TEST_F(Views, agenda_groups_the_coming_days_under_their_headings) {
  // The events are placed relative to today in Minsk; should midnight pass
  // there while they are added and listed, the whole thing is done again
  // on a fresh database (it cannot pass twice within a few minutes).
  date::local_days today;
  ProcessResult agenda;
  for (int attempt = 0;; ++attempt) {
    ASSERT_LT(attempt, 2) << "midnight passed in Minsk twice during the test";
    if (attempt > 0) {
      ASSERT_EQ(stop_daemon(), 0);
      for (const char *suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(database() + suffix);
      }
      ASSERT_NO_FATAL_FAILURE(start_daemon());
    }
    today = today_in("Europe/Minsk");
    const date::local_days tomorrow = today + date::days{1};
    const date::local_days after = today + date::days{2};
    for (const std::vector<std::string> &args : std::vector<std::vector<std::string>>{
             {"add", "Morning briefing", "--at", iso(tomorrow) + " 09:00", "--duration", "1h",
              "--tz", "Europe/Minsk", "--location", "Minsk, Belarus"},
             {"add", "Night session", "--at", iso(tomorrow) + " 22:00", "--duration", "5h", "--tz",
              "Europe/Minsk"},
             {"add", "Congress", "--at", iso(after), "--all-day", "--tz", "Europe/Minsk"},
             {"add", "Tokyo call", "--at", iso(tomorrow) + " 18:00", "--duration", "30m", "--tz",
              "Asia/Tokyo"},
             {"add", "Working group", "--at", iso(tomorrow) + " 12:00", "--duration", "1h", "--tz",
              "Europe/Minsk", "--repeat", "weekly"},
             {"add", "Next week", "--at", iso(today + date::days{5}) + " 10:00", "--tz",
              "Europe/Minsk"}}) {
      const ProcessResult done = summit(args);
      ASSERT_EQ(done.exit_code, 0) << testing::PrintToString(args) << done.err;
    }
    agenda = summit({"--tz", "Europe/Minsk", "agenda", "--days", "3"});
    if (today_in("Europe/Minsk") == today) {
      break;
    }
  }
  const date::local_days tomorrow = today + date::days{1};
  const date::local_days after = today + date::days{2};
  ASSERT_EQ(agenda.exit_code, 0) << agenda.err;
  EXPECT_EQ(agenda.out, heading(tomorrow) + "\n" +
                            "09:00–10:00  Morning briefing  (Minsk, Belarus)\n"
                            "12:00–12:30  Tokyo call  [18:00–18:30 Asia/Tokyo]\n"
                            "12:00–13:00  Working group ↻\n"
                            "22:00–…      Night session\n"
                            "\n" +
                            heading(after) + "\n" +
                            "all day      Congress\n"
                            "…–03:00      Night session\n");
  const ProcessResult week = summit({"--tz", "Europe/Minsk", "agenda"});
  ASSERT_EQ(week.exit_code, 0) << week.err;
  EXPECT_THAT(week.out, HasSubstr(heading(today + date::days{5}) + "\n10:00        Next week\n"));
  EXPECT_THAT(week.out, testing::Not(HasSubstr("(more events not shown)")));
}
