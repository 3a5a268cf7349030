// Edges a hostile-user trial found (the real summit and summitd): a listing
// without a last row, a range to the end of year 9999, invisible characters
// in titles, a place that would have moved an event to another zone, an
// all-day event given a time of day, and an import note that named
// "event 0".
#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;
using testing::Not;

namespace {

constexpr const char *k_locations = "/usr/share/libgweather-4/Locations.xml";

void write_file(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string calendar(const std::string &events) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//summit tests//EN\r\n" + events +
         "END:VCALENDAR\r\n";
}

using Edges = SummitTest;

} // namespace

TEST_F(Edges, a_listing_of_a_minutely_series_is_bounded_and_says_how_to_see_more) {
  ASSERT_EQ(
      summit({"add", "Tick", "--at", "2030-01-01 00:00", "--repeat", "FREQ=MINUTELY"}).exit_code,
      0);
  // The series has no last occurrence: --limit 2147483647 would list for
  // ever; it is refused in one line naming the bound and the way on.
  const ProcessResult huge = summit({"list", "--limit", "2147483647"});
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_EQ(huge.err, "summit: --limit: at most 100000 events are listed at once; list the next "
                      "ones with --from set to the last start listed, or narrow --from/--to\n");
  EXPECT_EQ(huge.out, "");
  const ProcessResult capped = summit({"list", "--from", "2030-01-01", "--limit", "5"});
  ASSERT_EQ(capped.exit_code, 0) << capped.err;
  EXPECT_EQ(lines_of(capped.out).size(), 6U) << capped.out; // the heading and 5 rows
  EXPECT_THAT(capped.err, HasSubstr("more events match than the 5 listed; pass a larger --limit "
                                    "(at most 100000), narrow --from/--to, or list on with --from "
                                    "set to the last start listed"));
}

TEST_F(Edges, a_range_to_the_last_day_of_9999_has_no_end) {
  ASSERT_EQ(summit({"add", "Far", "--at", "2399-06-01 10:00"}).exit_code, 0);
  for (const char *tz : {"UTC", "America/New_York", "Asia/Tokyo"}) {
    const ProcessResult listed =
        summit({"--json", "list", "--from", "2000-01-01", "--to", "9999-12-31"}, tz);
    ASSERT_EQ(listed.exit_code, 0) << tz << ": " << listed.err;
    EXPECT_EQ(json::parse(listed.out).size(), 1U) << tz << ": " << listed.out;
  }
}

TEST_F(Edges, invisible_format_characters_in_titles_are_shown_escaped) {
  // U+200B ZERO WIDTH SPACE and U+FEFF make "Minsk" look like "Minsk".
  ASSERT_EQ(summit({"add", "Min\u200Bsk \uFEFFsummit", "--at", "2030-01-01 10:00", "--location",
                    "Room\u2060 1"})
                .exit_code,
            0);
  const ProcessResult listed = summit({"list", "--from", "2030-01-01"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("Min\\u200bsk \\ufeffsummit"));
  EXPECT_THAT(listed.out, HasSubstr("Room\\u2060 1"));
  EXPECT_THAT(listed.out, Not(HasSubstr("\u200B")));
  EXPECT_THAT(listed.out, Not(HasSubstr("\uFEFF")));
  // The event itself keeps its title as given.
  const ProcessResult shown = summit({"--json", "show", "1"});
  EXPECT_EQ(json::parse(shown.out)["title"], "Min\u200Bsk \uFEFFsummit");
}

TEST_F(Edges, a_new_place_does_not_move_an_event_to_its_zone) {
  if (!std::filesystem::exists(k_locations)) {
    GTEST_SKIP() << k_locations << " is not installed (libgweather-4-common)";
  }
  ASSERT_EQ(summit({"add", "Talk", "--at", "2030-03-10 10:00", "--tz", "Europe/Minsk"}).exit_code,
            0);
  const ProcessResult edited = summit({"edit", "1", "--location", "Paris, France"});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_THAT(edited.err, HasSubstr("summit: event 1 keeps its zone Europe/Minsk: 'Paris, France' "
                                    "is in Europe/Paris; to move the event's times there, add "
                                    "--tz Europe/Paris"));
  json event = json::parse(summit({"--json", "show", "1"}).out);
  EXPECT_EQ(event["tz"], "Europe/Minsk");
  EXPECT_EQ(event["start_utc"], "2030-03-10T07:00:00Z");
  EXPECT_EQ(event["location"], "Paris, France");
  // --tz moves it, as it says.
  const ProcessResult moved =
      summit({"edit", "1", "--location", "Paris, France", "--tz", "Europe/Paris"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  event = json::parse(summit({"--json", "show", "1"}).out);
  EXPECT_EQ(event["tz"], "Europe/Paris");
  EXPECT_EQ(event["start_utc"], "2030-03-10T09:00:00Z");
}

TEST_F(Edges, an_all_day_event_given_a_time_of_day_keeps_its_length_or_asks_for_one) {
  ASSERT_EQ(summit({"add", "Conference", "--at", "2030-03-10", "--all-day", "--end", "2030-03-12",
                    "--tz", "Europe/Minsk"})
                .exit_code,
            0);
  const ProcessResult refused = summit({"edit", "1", "--at", "10:00"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.err, "summit: --at: event 1 is all-day (3 days from Sun 10 Mar 2030); at a "
                         "time of day it needs a length too: add --duration (such as 2h), --end "
                         "(such as \"2030-03-10 18:00\") or --no-end (a point in time)\n");
  json event = json::parse(summit({"--json", "show", "1"}).out);
  EXPECT_EQ(event["precision"], "all_day") << event.dump();
  const ProcessResult timed = summit({"edit", "1", "--at", "10:00", "--duration", "8h"});
  ASSERT_EQ(timed.exit_code, 0) << timed.err;
  event = json::parse(summit({"--json", "show", "1"}).out);
  EXPECT_EQ(event["start"], "2030-03-10T10:00:00");
  EXPECT_EQ(event["end"], "2030-03-10T18:00:00");
}

TEST_F(Edges, an_import_note_names_a_new_series_by_title_and_uid_not_as_event_0) {
  const std::string change = dir() / "change.ics";
  write_file(change, calendar("BEGIN:VEVENT\r\nUID:u3@x\r\nDTSTAMP:20260101T000000Z\r\n"
                              "RECURRENCE-ID:20300105T100000Z\r\nDTSTART:20300105T110000Z\r\n"
                              "DURATION:PT1H\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n"));
  ASSERT_EQ(summit({"import", change}).exit_code, 0);
  // The series comes later and does not give that occurrence.
  const std::string series = dir() / "series.ics";
  write_file(series,
             calendar("BEGIN:VEVENT\r\nUID:u3@x\r\nDTSTAMP:20260101T000000Z\r\n"
                      "DTSTART:20300201T100000Z\r\nDURATION:PT1H\r\n"
                      "RRULE:FREQ=DAILY;COUNT=10\r\nSUMMARY:Later series\r\nEND:VEVENT\r\n"));
  const ProcessResult imported = summit({"import", series});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, Not(HasSubstr("event 0")));
  EXPECT_THAT(imported.out, HasSubstr("of the series 'Later series' (uid u3@x) of this import, "
                                      "which does not give that occurrence"));
}
