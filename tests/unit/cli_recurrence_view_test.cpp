#include "cli/views/event_view.hpp"
#include "cli/views/recurrence_view.hpp"
#include "cli_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace summit::cli;
using namespace summit::cli::test_support;
using namespace date::literals;
using namespace std::chrono_literals;
using testing::HasSubstr;
using testing::Not;

namespace {

const date::time_zone *zone(const char *name) { return date::locate_zone(name); }

// The weekly series with an extra date, a cancelled Friday and a moved one.
summit::core::Event eventful_series() {
  summit::core::Event series = weekly_working_group();
  series.recurrence->rdates.push_back(date::local_days{2025_y / date::October / 15} + 10h);
  series.recurrence->exdates.push_back(date::local_days{2025_y / date::October / 24} + 10h);
  summit::core::OccurrenceOverride moved;
  moved.occurrence = date::local_days{2025_y / date::October / 31} + 10h;
  moved.start_local = date::local_days{2025_y / date::October / 30} + 10h;
  moved.end_local = moved.start_local + 1h;
  moved.start_utc = date::sys_days{2025_y / date::October / 30} + 7h;
  moved.end_utc = moved.start_utc + 1h;
  moved.title = "CIS working group (moved)";
  summit::core::OccurrenceOverride relocated;
  relocated.occurrence = date::local_days{2025_y / date::November / 7} + 10h;
  relocated.start_local = relocated.occurrence;
  relocated.end_local = relocated.occurrence + 1h;
  relocated.start_utc = date::sys_days{2025_y / date::November / 7} + 7h;
  relocated.end_utc = relocated.start_utc + 1h;
  relocated.location = "Dushanbe, Tajikistan";
  series.recurrence->overrides = {moved, relocated};
  return series;
}

} // namespace

TEST(RecurrenceView, show_lists_the_description_rule_dates_and_changed_occurrences) {
  const std::string details = format_event_details(eventful_series(), zone("Europe/Minsk"));
  EXPECT_THAT(details, HasSubstr("\nrepeats:      every week on Friday\n"
                                 "rule:         FREQ=WEEKLY;BYDAY=FR\n"
                                 "also on:      Wed 15 Oct 2025 10:00\n"
                                 "except on:    Fri 24 Oct 2025 10:00\n"
                                 "changed:      Fri 31 Oct 2025 10:00 → Thu 30 Oct 2025 "
                                 "10:00–11:00; title \"CIS working group (moved)\"\n"
                                 "              Fri 7 Nov 2025 10:00: location \"Dushanbe, "
                                 "Tajikistan\"\n"
                                 "zone:         Europe/Minsk\n"))
      << details;
}

TEST(RecurrenceView, occurrence_names_carry_the_events_zone_when_the_viewer_is_elsewhere) {
  const summit::core::Event series = eventful_series();
  const auto id = date::local_days{2025_y / date::October / 24} + 10h;
  EXPECT_EQ(format_occurrence_id(series, id, zone("Europe/London")),
            "Fri 24 Oct 2025 10:00 Europe/Minsk");
  EXPECT_EQ(format_occurrence_id(series, id, zone("Europe/Minsk")), "Fri 24 Oct 2025 10:00");
  const std::string details = format_event_details(series, zone("Europe/London"));
  EXPECT_THAT(details, HasSubstr("except on:    Fri 24 Oct 2025 10:00 Europe/Minsk\n"));
  // The moved occurrence is shown, like `when`, in the viewer's zone with the event's beside it.
  EXPECT_THAT(details, HasSubstr("→ Thu 30 Oct 2025 07:00–08:00  (10:00–11:00 Europe/Minsk)"));
}

TEST(RecurrenceView, a_single_event_shows_no_recurrence_and_no_marker) {
  const std::string details = format_event_details(minsk_meeting(), zone("Europe/Minsk"));
  EXPECT_THAT(details, Not(HasSubstr("repeats")));
  EXPECT_EQ(marked_title(minsk_meeting()), "Council of Heads of Government of the CIS");
}

TEST(RecurrenceView, list_marks_each_occurrence_after_its_title) {
  const summit::core::Event series = weekly_working_group();
  const std::string table = format_event_table(
      {weekly_occurrence(series, 0), weekly_occurrence(series, 1), minsk_meeting()},
      zone("Europe/Minsk"));
  EXPECT_EQ(table, "ID  WHEN                         TITLE                                      "
                   "LOCATION        TAGS\n"
                   "5   Fri 3 Oct 2025 10:00–11:00   CIS working group ↻                        "
                   "Minsk, Belarus\n"
                   "5   Fri 10 Oct 2025 10:00–11:00  CIS working group ↻                        "
                   "Minsk, Belarus\n"
                   "2   Fri 26 Sep 2025 10:00        Council of Heads of Government of the CIS  "
                   "Minsk, Belarus  cis\n");
}

TEST(RecurrenceView, the_occurrence_of_a_changed_day_takes_the_overrides_fields) {
  const summit::core::Event series = eventful_series();
  const summit::core::Event moved =
      occurrence_of(series, date::local_days{2025_y / date::October / 31} + 10h);
  EXPECT_EQ(moved.title, "CIS working group (moved)");
  EXPECT_EQ(moved.start_utc, date::sys_days{2025_y / date::October / 30} + 7h);
  const summit::core::Event plain =
      occurrence_of(series, date::local_days{2025_y / date::October / 10} + 10h);
  EXPECT_EQ(plain.title, "CIS working group");
  EXPECT_EQ(plain.start_utc, date::sys_days{2025_y / date::October / 10} + 7h);
  EXPECT_EQ(plain.end_utc, plain.start_utc + 1h);
}

TEST(RecurrenceView, add_confirmation_says_how_the_event_repeats) {
  EXPECT_EQ(format_event_summary("Added", weekly_working_group(), zone("Europe/Minsk")),
            "Added event 5: CIS working group, Fri 3 Oct 2025 10:00–11:00 ↻ every week on "
            "Friday\n");
}
