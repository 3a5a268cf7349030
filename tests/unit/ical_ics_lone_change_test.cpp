// join_lone_change: an invitation to one changed meeting, imported when its
// series is already in the calendar, becomes the change of that occurrence.
#include "core/ical/ics_lone_change.hpp"
#include "core/time_format.hpp"
#include "core/zones.hpp"
#include "ical_ics_test_support.hpp"

#include <gmock/gmock.h>

namespace summit::ical {
namespace {

using testing::calendar;
using testing::input_context;
using testing::parsed;

core::Event stored(const ImportedEvent &imported) {
  auto drafted = core::event_from_add_params(imported.params, input_context());
  EXPECT_TRUE(drafted.has_value()) << (drafted ? "" : drafted.error().message);
  return drafted ? drafted->event : core::Event{};
}

// The weekly Friday series, as the calendar holds it (event 7).
core::Event weekly_sync() {
  const auto result = parsed(calendar("BEGIN:VEVENT\nUID:sync\nSUMMARY:Sync\nLOCATION:Room 1\n"
                                      "DTSTART;TZID=Europe/Minsk:20250926T100000\n"
                                      "DURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=4\nEND:VEVENT\n"));
  EXPECT_EQ(result.events.size(), 1U);
  core::Event series = result.events.empty() ? core::Event{} : stored(result.events[0]);
  series.id = 7;
  return series;
}

// A file that holds only the change of the 3 October occurrence.
ImportedEvent lone_change(const std::string &start, const std::string &extra = {}) {
  const auto result = parsed(calendar("BEGIN:VEVENT\nUID:sync\nSUMMARY:Sync (moved)\n"
                                      "RECURRENCE-ID;TZID=Europe/Minsk:20251003T100000\n"
                                      "DTSTART;TZID=Europe/Minsk:" +
                                      start + "\n" + extra + "END:VEVENT\n"));
  EXPECT_EQ(result.events.size(), 1U);
  return result.events.empty() ? ImportedEvent{} : result.events[0];
}

std::vector<std::string> occurrence_lines(const core::Event &event) {
  const auto *zone = *core::find_zone(event.tz);
  const core::TimeRange range{core::SysSeconds{date::sys_days{date::year{2025} / 9 / 1}},
                              core::SysSeconds{date::sys_days{date::year{2026} / 1 / 1}}};
  std::vector<std::string> out;
  for (const auto &occurrence : occurrences(event, zone, range, 10)) {
    const core::Event shown = occurrence_event(event, occurrence);
    out.push_back(core::format_iso_utc(occurrence.start_utc) + "/" +
                  core::format_iso_utc(occurrence.end_utc) + " " + shown.title + " @ " +
                  shown.location);
  }
  return out;
}

TEST(IcsLoneChange, a_change_joins_the_series_in_the_calendar_as_its_occurrences_override) {
  const core::Event series = weekly_sync();
  const ImportedEvent change =
      lone_change("20251003T150000", "DTEND;TZID=Europe/Minsk:20251003T163000\n");
  auto joined = join_lone_change(series, stored(change), change.recurrence_id);
  ASSERT_TRUE(joined) << joined.error().message;
  EXPECT_EQ(joined->id, 7);
  EXPECT_EQ(joined->uid, "sync");
  EXPECT_EQ(occurrence_lines(*joined),
            (std::vector<std::string>{
                "2025-09-26T07:00:00Z/2025-09-26T08:00:00Z Sync @ Room 1",
                "2025-10-03T12:00:00Z/2025-10-03T13:30:00Z Sync (moved) @ Room 1",
                "2025-10-10T07:00:00Z/2025-10-10T08:00:00Z Sync @ Room 1",
                "2025-10-17T07:00:00Z/2025-10-17T08:00:00Z Sync @ Room 1",
            }));
  // The same invitation again changes nothing more.
  auto again = join_lone_change(*joined, stored(change), change.recurrence_id);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->recurrence->overrides, joined->recurrence->overrides);
}

TEST(IcsLoneChange, a_change_without_an_end_lasts_as_long_as_the_series) {
  const ImportedEvent change = lone_change("20251003T150000");
  auto joined = join_lone_change(weekly_sync(), stored(change), change.recurrence_id);
  ASSERT_TRUE(joined) << joined.error().message;
  EXPECT_EQ(occurrence_lines(*joined)[1],
            "2025-10-03T12:00:00Z/2025-10-03T13:00:00Z Sync (moved) @ Room 1");
}

TEST(IcsLoneChange, a_change_of_an_occurrence_the_series_does_not_give_is_refused_saying_why) {
  const auto result = parsed(calendar("BEGIN:VEVENT\nUID:sync\nSUMMARY:Sync\n"
                                      "RECURRENCE-ID;TZID=Europe/Minsk:20251002T100000\n"
                                      "DTSTART;TZID=Europe/Minsk:20251002T150000\nEND:VEVENT\n"));
  ASSERT_EQ(result.events.size(), 1U);
  auto joined =
      join_lone_change(weekly_sync(), stored(result.events[0]), result.events[0].recurrence_id);
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().message,
            "a change of the occurrence 2025-10-02T10:00:00 (RECURRENCE-ID) of event 7 ('Sync'), "
            "which does not give that occurrence: left as it is");
}

TEST(IcsLoneChange, a_series_not_yet_stored_is_named_by_its_title_and_uid_not_as_event_0) {
  // The series comes in the import that finds the change waiting: it has no
  // id until it is written (a note said "event 0").
  core::Event series = weekly_sync();
  series.id = 0;
  const auto result = parsed(calendar("BEGIN:VEVENT\nUID:sync\nSUMMARY:Sync\n"
                                      "RECURRENCE-ID;TZID=Europe/Minsk:20251002T100000\n"
                                      "DTSTART;TZID=Europe/Minsk:20251002T150000\nEND:VEVENT\n"));
  ASSERT_EQ(result.events.size(), 1U);
  auto joined = join_lone_change(series, stored(result.events[0]), result.events[0].recurrence_id);
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().message,
            "a change of the occurrence 2025-10-02T10:00:00 (RECURRENCE-ID) of the series 'Sync' "
            "(uid sync) of this import, which does not give that occurrence: left as it is");
  const auto all_day = parsed(calendar("BEGIN:VEVENT\nUID:sync\nSUMMARY:Sync\n"
                                       "RECURRENCE-ID;VALUE=DATE:20251003\n"
                                       "DTSTART;VALUE=DATE:20251004\nEND:VEVENT\n"));
  ASSERT_EQ(all_day.events.size(), 1U);
  auto refused =
      join_lone_change(series, stored(all_day.events[0]), all_day.events[0].recurrence_id);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, ::testing::HasSubstr("the series 'Sync' (uid sync)"));
  EXPECT_THAT(refused.error().message, ::testing::Not(::testing::HasSubstr("event 0")));
}

} // namespace
} // namespace summit::ical
