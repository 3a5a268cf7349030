#include "cli/views/agenda_view.hpp"
#include "cli_test_support.hpp"
#include "core/zone_rules.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace summit::cli;
using namespace summit::cli::test_support;
using namespace date::literals;
using namespace std::chrono_literals;
using summit::core::Event;
using summit::core::Precision;

namespace {

const date::time_zone *zone(const char *name) { return date::locate_zone(name); }

date::local_days day(date::year_month_day ymd) { return date::local_days{ymd}; }

// A timed event from `start` to `end` (UTC instants) in `tz`.
Event timed(std::int64_t id, const char *title, const char *tz, date::sys_seconds start,
            std::optional<date::sys_seconds> end = std::nullopt) {
  const date::time_zone *own = zone(tz);
  Event event;
  event.id = id;
  event.title = title;
  event.tz = tz;
  event.start_utc = start;
  event.end_utc = end.value_or(start);
  event.has_end = end.has_value();
  event.start_local =
      date::floor<std::chrono::seconds>(summit::core::to_local(event.start_utc, own));
  event.end_local = date::floor<std::chrono::seconds>(summit::core::to_local(event.end_utc, own));
  return event;
}

Event all_day(std::int64_t id, const char *title, date::local_days first, int days) {
  Event event;
  event.id = id;
  event.title = title;
  event.tz = "Europe/Minsk";
  event.precision = Precision::all_day;
  event.start_local = date::local_seconds{first};
  event.end_local = date::local_seconds{first + date::days{days}};
  event.start_utc = date::sys_seconds{date::sys_days{first.time_since_epoch()}} - 3h;
  event.end_utc = event.start_utc + date::days{days};
  return event;
}

Event month_tba() {
  Event event;
  event.id = 1;
  event.title = "Council of Heads of Government of the CIS";
  event.tz = "Europe/Minsk";
  event.precision = Precision::month;
  event.status = summit::core::Status::tentative;
  event.start_local = date::local_seconds{day(2025_y / date::September / 1)};
  event.end_local = date::local_seconds{day(2025_y / date::October / 1)};
  event.start_utc = date::sys_days{2025_y / date::August / 31} + 21h;
  event.end_utc = date::sys_days{2025_y / date::September / 30} + 21h;
  event.location = "Minsk, Belarus";
  return event;
}

std::vector<std::int64_t> ids_of(const AgendaDay &agenda_day) {
  std::vector<std::int64_t> ids;
  for (const AgendaEntry &entry : agenda_day.entries) {
    ids.push_back(entry.event.id);
  }
  return ids;
}

} // namespace

TEST(Agenda, an_event_over_several_days_appears_under_each_day) {
  // Fri 26 Sep 22:00 to Sun 28 Sep 02:00 in Minsk (UTC+3).
  const Event night =
      timed(3, "Night session", "Europe/Minsk", date::sys_days{2025_y / date::September / 26} + 19h,
            date::sys_days{2025_y / date::September / 27} + 23h);
  const Event congress = all_day(4, "Congress", day(2025_y / date::September / 27), 2);
  const auto days = agenda_days({night, congress}, day(2025_y / date::September / 26),
                                day(2025_y / date::October / 2), zone("Europe/Minsk"));
  ASSERT_EQ(days.size(), 3U);
  EXPECT_EQ(days[0].day, day(2025_y / date::September / 26));
  EXPECT_EQ(days[2].day, day(2025_y / date::September / 28));
  // All-day events at the top of their days.
  EXPECT_EQ(ids_of(days[1]), (std::vector<std::int64_t>{4, 3}));
  EXPECT_EQ(format_agenda(days, day(2025_y / date::September / 26), zone("Europe/Minsk")),
            "Fri 26 Sep 2025 (today)\n"
            "22:00–…      Night session\n"
            "\n"
            "Sat 27 Sep 2025\n"
            "all day      Congress\n"
            "all day      Night session\n"
            "\n"
            "Sun 28 Sep 2025\n"
            "all day      Congress\n"
            "…–02:00      Night session\n");
}

TEST(Agenda, days_follow_the_viewers_calendar_through_a_25_hour_dst_day) {
  // London leaves BST at 02:00 BST on Sun 26 Oct 2025 (01:00 UTC): that day
  // has 25 hours and 01:30 happens twice.
  const auto utc = [](int d, std::chrono::minutes t) {
    return date::sys_days{2025_y / date::October / d} + t;
  };
  const std::vector<Event> events{
      timed(1, "Just after midnight BST", "Europe/London", utc(25, 23h + 30min)),
      timed(2, "First 01:30", "Europe/London", utc(26, 30min)),
      timed(3, "Second 01:30", "Europe/London", utc(26, 1h + 30min)),
      timed(4, "Last thing Sunday", "Europe/London", utc(26, 23h + 30min)),
      timed(5, "Monday", "Europe/London", utc(27, 30min)),
  };
  const auto days = agenda_days(events, day(2025_y / date::October / 25),
                                day(2025_y / date::October / 27), zone("Europe/London"));
  ASSERT_EQ(days.size(), 2U);
  EXPECT_EQ(days[0].day, day(2025_y / date::October / 26));
  EXPECT_EQ(ids_of(days[0]), (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(ids_of(days[1]), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(format_agenda(days, day(2025_y / date::October / 25), zone("Europe/London")),
            "Sun 26 Oct 2025\n"
            "00:30        Just after midnight BST\n"
            "01:30        First 01:30\n"
            "01:30        Second 01:30\n"
            "23:30        Last thing Sunday\n"
            "\n"
            "Mon 27 Oct 2025\n"
            "00:30        Monday\n");
}

TEST(Agenda, an_event_elsewhere_shows_its_own_time_and_zone_and_location) {
  const Event tokyo =
      timed(6, "Tokyo call", "Asia/Tokyo", date::sys_days{2025_y / date::September / 26} + 18h,
            date::sys_days{2025_y / date::September / 26} + 19h);
  Event minsk = timed(2, "Council of Heads of Government of the CIS", "Europe/Minsk",
                      date::sys_days{2025_y / date::September / 26} + 7h,
                      date::sys_days{2025_y / date::September / 26} + 9h);
  minsk.location = "Minsk, Belarus";
  const auto days = agenda_days({tokyo, minsk}, day(2025_y / date::September / 26),
                                day(2025_y / date::September / 26), zone("Europe/London"));
  EXPECT_EQ(format_agenda(days, day(2025_y / date::September / 1), zone("Europe/London")),
            "Fri 26 Sep 2025\n"
            "08:00–10:00  Council of Heads of Government of the CIS  (Minsk, Belarus)  "
            "[10:00–12:00 Europe/Minsk]\n"
            "19:00–20:00  Tokyo call  [Sat 27 Sep 03:00–04:00 Asia/Tokyo]\n");
}

TEST(Agenda, a_month_event_is_listed_once_at_the_top_of_the_first_day_shown) {
  const auto days = agenda_days({minsk_meeting(), month_tba()}, day(2025_y / date::September / 20),
                                day(2025_y / date::September / 30), zone("Europe/Minsk"));
  ASSERT_EQ(days.size(), 2U);
  EXPECT_EQ(days[0].day, day(2025_y / date::September / 20));
  EXPECT_EQ(format_agenda({days[0]}, day(2025_y / date::September / 1), zone("Europe/Minsk")),
            "Sat 20 Sep 2025\n"
            "date TBA     Council of Heads of Government of the CIS  (Minsk, Belarus)\n");
  EXPECT_EQ(ids_of(days[1]), (std::vector<std::int64_t>{2}));
}

TEST(Agenda, occurrences_of_a_repeating_event_are_marked) {
  const Event series = weekly_working_group();
  const auto days = agenda_days({weekly_occurrence(series, 0), weekly_occurrence(series, 1)},
                                day(2025_y / date::October / 1), day(2025_y / date::October / 10),
                                zone("Europe/Minsk"));
  EXPECT_EQ(format_agenda(days, day(2025_y / date::October / 1), zone("Europe/Minsk")),
            "Fri 3 Oct 2025\n"
            "10:00–11:00  CIS working group ↻  (Minsk, Belarus)\n"
            "\n"
            "Fri 10 Oct 2025\n"
            "10:00–11:00  CIS working group ↻  (Minsk, Belarus)\n");
}
