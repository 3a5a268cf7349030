#include "ical_test_support.hpp"

#include <gtest/gtest.h>

namespace summit::test {
namespace {

// Fri 26 Sep 2025 10:00 in Minsk (+03, no DST).
core::Event minsk_meeting() { return add({{"start", "2025-09-26T10:00"}, {"tz", "Europe/Minsk"}}); }

core::Event minsk_day() { return add({{"start", "2025-09-26"}, {"tz", "Europe/Minsk"}}); }

std::string canonical(const std::string &text, const core::Event &event) {
  auto rule = ical::recurrence_rules().canonical_rule(text, event, zone(event.tz));
  return rule ? *rule : "error: " + rule.error().message;
}

std::string description(const std::string &repeat, const std::string &start = "2025-09-26T10:00") {
  const auto event = add({{"start", start}, {"tz", "Europe/Minsk"}, {"repeat", repeat}});
  return event.recurrence ? event.recurrence->description : "(no recurrence)";
}

TEST(RecurrenceRules, shortcuts_become_rrules) {
  const auto event = minsk_meeting();
  EXPECT_EQ(canonical("daily", event), "FREQ=DAILY");
  EXPECT_EQ(canonical("weekly", event), "FREQ=WEEKLY");
  EXPECT_EQ(canonical("monthly", event), "FREQ=MONTHLY");
  EXPECT_EQ(canonical("yearly", event), "FREQ=YEARLY");
  EXPECT_EQ(canonical("weekdays", event), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
  EXPECT_EQ(canonical("every 3 days", event), "FREQ=DAILY;INTERVAL=3");
  EXPECT_EQ(canonical("every 2 weeks", event), "FREQ=WEEKLY;INTERVAL=2");
  EXPECT_EQ(canonical("Every 6 Months", event), "FREQ=MONTHLY;INTERVAL=6");
  EXPECT_EQ(canonical("every 2 years", event), "FREQ=YEARLY;INTERVAL=2");
  EXPECT_EQ(canonical("every week", event), "FREQ=WEEKLY");
}

TEST(RecurrenceRules, a_date_until_on_a_timed_event_means_the_end_of_that_day_in_its_zone) {
  // 2027-12-31 23:59:59 in Minsk (+03) is 20:59:59 UTC.
  EXPECT_EQ(canonical("every 2 weeks until 2027-12-31", minsk_meeting()),
            "FREQ=WEEKLY;UNTIL=20271231T205959Z;INTERVAL=2");
  EXPECT_EQ(canonical("FREQ=DAILY;UNTIL=20271231", minsk_meeting()),
            "FREQ=DAILY;UNTIL=20271231T205959Z");
  // A wall time is read in the event's zone; an instant is kept.
  EXPECT_EQ(canonical("FREQ=DAILY;UNTIL=20271231T100000", minsk_meeting()),
            "FREQ=DAILY;UNTIL=20271231T070000Z");
  EXPECT_EQ(canonical("FREQ=DAILY;UNTIL=20271231T100000Z", minsk_meeting()),
            "FREQ=DAILY;UNTIL=20271231T100000Z");
}

TEST(RecurrenceRules, an_all_day_event_repeats_until_a_date) {
  EXPECT_EQ(canonical("daily until 2027-12-31", minsk_day()), "FREQ=DAILY;UNTIL=20271231");
  // An instant names the date it falls on in the event's zone (+03).
  EXPECT_EQ(canonical("FREQ=DAILY;UNTIL=20271231T220000Z", minsk_day()),
            "FREQ=DAILY;UNTIL=20280101");
}

TEST(RecurrenceRules, count_follows_a_shortcut_or_sits_in_the_rule) {
  EXPECT_EQ(canonical("weekly count 10", minsk_meeting()), "FREQ=WEEKLY;COUNT=10");
  EXPECT_EQ(canonical("FREQ=WEEKLY;COUNT=10", minsk_meeting()), "FREQ=WEEKLY;COUNT=10");
}

TEST(RecurrenceRules, rrule_text_is_read_with_or_without_its_prefix_in_any_case) {
  const auto event = minsk_meeting();
  EXPECT_EQ(canonical("RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR", event),
            "FREQ=YEARLY;BYDAY=-1FR;BYMONTH=9");
  EXPECT_EQ(canonical("freq=weekly;byday=fr,mo", event), "FREQ=WEEKLY;BYDAY=MO,FR");
  EXPECT_EQ(canonical("FREQ=WEEKLY;WKST=MO;", event), "FREQ=WEEKLY");
  // libical alone drops everything after an empty part; summit does not.
  EXPECT_EQ(canonical("FREQ=DAILY;;COUNT=3", event), "FREQ=DAILY;COUNT=3");
}

TEST(RecurrenceRules, canonical_form_reads_back_unchanged) {
  const std::vector<std::string> inputs{
      "daily",
      "weekdays",
      "every 2 weeks until 2027-12-31",
      "weekly count 10",
      "FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR;COUNT=10",
      "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
      "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TU;WKST=SU",
      "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30",
      "FREQ=MINUTELY;INTERVAL=15;BYDAY=MO",
      "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO",
      "FREQ=MONTHLY;BYMONTHDAY=1,-1;UNTIL=20300101T000000Z",
  };
  for (const auto &event : {minsk_meeting(), minsk_day()}) {
    for (const auto &input : inputs) {
      const std::string once = canonical(input, event);
      if (once.rfind("error", 0) == 0) {
        continue; // BYHOUR on an all-day event
      }
      EXPECT_EQ(canonical(once, event), once) << input;
    }
  }
}

TEST(RecurrenceRules, errors_name_the_part_at_fault) {
  const auto event = minsk_meeting();
  EXPECT_EQ(
      canonical("FREQ=FORTNIGHTLY", event)
          .rfind("error: FREQ=FORTNIGHTLY: unknown frequency (use DAILY, WEEKLY, MONTHLY, YEARLY, ",
                 0),
      0u);
  EXPECT_EQ(canonical("FREQ=DAILY;BYHOUR=9", minsk_day()),
            "error: BYHOUR has no meaning for an all-day event");
  EXPECT_EQ(canonical("FREQ=HOURLY", minsk_day()).rfind("error: FREQ=HOURLY: an all-day event", 0),
            0u);
  EXPECT_EQ(canonical("FREQ=DAILY;COUNT=100001", event).rfind("error: COUNT=100001: at most", 0),
            0u);
  EXPECT_EQ(canonical("FREQ=DAILY;COUNT=3;UNTIL=20271231", event),
            "error: give COUNT or UNTIL, not both");
  EXPECT_EQ(canonical("FREQ=DAILY;UNTIL=20250101", event)
                .rfind("error: UNTIL=20250101: is before "
                       "the start 2025-09-26T10:00:00",
                       0),
            0u);
  EXPECT_EQ(canonical("FREQ=DAILY;COLOUR=RED", event).rfind("error: COLOUR=RED: unknown part", 0),
            0u);
  EXPECT_EQ(canonical("FREQ=WEEKLY;BYDAY=XX", event).rfind("error: BYDAY=XX: each day is MO", 0),
            0u);
  EXPECT_EQ(canonical("FREQ=DAILY;INTERVAL=0", event).rfind("error: INTERVAL=0: must be", 0), 0u);
  EXPECT_EQ(canonical("FREQ=MONTHLY;BYMONTHDAY=32", event)
                .rfind("error: BYMONTHDAY=32: each value must be a whole number from 1 to 31", 0),
            0u);
  EXPECT_EQ(canonical("BYDAY=FR", event).rfind("error: FREQ is missing", 0), 0u);
  EXPECT_EQ(canonical("FREQ=DAILY;FREQ=WEEKLY", event), "error: FREQ is given twice");
  EXPECT_EQ(canonical("FREQ=DAILY;UNTIL=20250230", event)
                .rfind("error: UNTIL=20250230: 2025-02-30: February 2025 has 28 days", 0),
            0u);
}

TEST(RecurrenceRules, shortcut_errors_say_what_a_shortcut_looks_like) {
  const auto event = minsk_meeting();
  EXPECT_EQ(canonical("biweekly", event).rfind("error: biweekly: not a rule; say daily", 0), 0u);
  EXPECT_EQ(canonical("every 0 weeks", event).rfind("error: every 0 weeks: the interval", 0), 0u);
  EXPECT_EQ(
      canonical("every 2 fortnights", event).rfind("error: every 2 fortnights: unknown unit", 0),
      0u);
  EXPECT_EQ(canonical("weekly count ten", event).rfind("error: count ten: give a whole number", 0),
            0u);
  EXPECT_EQ(canonical("weekly until 2027-02-30", event)
                .rfind("error: until 2027-02-30: 2027-02-30: February 2027 has 28 days", 0),
            0u);
}

TEST(RecurrenceRules, shapes_libical_expands_wrongly_are_refused_with_a_way_out) {
  const auto event = minsk_meeting();
  // libical 3.0.16: HOURLY;BYHOUR=9,17 from 03:00 skips the first 09:00.
  EXPECT_EQ(canonical("FREQ=HOURLY;BYHOUR=9,17", event)
                .rfind("error: BYHOUR with FREQ=HOURLY is not supported", 0),
            0u);
  EXPECT_EQ(canonical("FREQ=MINUTELY;BYMINUTE=10,40", event)
                .rfind("error: BYMINUTE with FREQ=MINUTELY is not supported", 0),
            0u);
  EXPECT_EQ(canonical("FREQ=WEEKLY;BYDAY=-1FR", event)
                .rfind("error: BYDAY=-1FR: a numbered day (-1FR) needs FREQ=MONTHLY or YEARLY", 0),
            0u);
  EXPECT_EQ(canonical("FREQ=SECONDLY", event).rfind("error: FREQ=SECONDLY:", 0), 0u);
  // Below HOURLY, only BYDAY and BYMONTH (and BYMINUTE for HOURLY) narrow a
  // rule: the message says what to use instead.
  EXPECT_EQ(canonical("FREQ=HOURLY;BYSETPOS=1;BYDAY=MO", event)
                .rfind("error: BYSETPOS with FREQ=HOURLY is not supported", 0),
            0u);
}

TEST(RecurrenceRules, shapes_summit_expands_itself_are_accepted) {
  const auto event = minsk_meeting();
  // libical 3.0.16 ignores BYSETPOS below MONTHLY, gives days outside the
  // week for BYWEEKNO without BYDAY, takes the start's month for YEARLY
  // BYMONTHDAY, and has BYYEARDAY or BYWEEKNO with BYMONTH "unimplemented":
  // summit expands these itself.
  for (const char *rule :
       {"FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=2", "FREQ=DAILY;BYHOUR=9,17;BYSETPOS=-1",
        "FREQ=YEARLY;BYWEEKNO=20", "FREQ=YEARLY;BYMONTHDAY=15",
        "FREQ=YEARLY;BYYEARDAY=100;BYMONTH=4", "FREQ=YEARLY;BYDAY=MO;BYWEEKNO=1;BYMONTH=12"}) {
    EXPECT_EQ(canonical(rule, event), rule);
  }
  // RFC 5545 still decides where a part belongs.
  EXPECT_EQ(canonical("FREQ=MONTHLY;BYWEEKNO=2", event),
            "error: BYWEEKNO works only with FREQ=YEARLY (RFC 5545: weeks of the year)");
  EXPECT_EQ(canonical("FREQ=MONTHLY;BYYEARDAY=2", event),
            "error: BYYEARDAY works only with FREQ=YEARLY (RFC 5545)");
  EXPECT_EQ(canonical("FREQ=YEARLY;BYWEEKNO=2;BYDAY=1MO", event),
            "error: BYDAY=1MO: numbered days do not combine with BYWEEKNO (RFC 5545)");
}

TEST(RecurrenceRules, interval_is_at_most_what_libical_can_hold) {
  const auto event = minsk_meeting();
  EXPECT_EQ(canonical("FREQ=DAILY;INTERVAL=32767", event), "FREQ=DAILY;INTERVAL=32767");
  EXPECT_EQ(canonical("every 5000 days", event), "FREQ=DAILY;INTERVAL=5000");
  EXPECT_EQ(canonical("FREQ=DAILY;INTERVAL=32768", event),
            "error: INTERVAL=32768: must be a whole number from 1 to 32767 (libical, which reads "
            "and writes rules, keeps it in 16 bits)");
  EXPECT_EQ(canonical("every 40000 days", event)
                .rfind("error: every 40000 days: the interval must be a whole number from 1 to "
                       "32767",
                       0),
            0u);
}

TEST(RecurrenceRules, a_rule_no_date_ever_matches_is_refused) {
  const auto event = minsk_meeting();
  EXPECT_EQ(canonical("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", event),
            "error: BYMONTHDAY=30 never falls in February");
  EXPECT_EQ(canonical("FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31", event),
            "error: BYMONTHDAY=31 never falls in April or June");
  // Not caught by the quick check: libical searches (to its year 2582) and
  // finds nothing; it terminates.
  EXPECT_EQ(canonical("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;BYDAY=MO", event),
            "error: FREQ=YEARLY;BYDAY=MO;BYMONTHDAY=30;BYMONTH=2: no date matches this rule from "
            "the start 2025-09-26T10:00:00");
  // Rules summit expands itself are searched to the year 2399: week 53 is
  // never in June, day 366 never in January.
  EXPECT_EQ(canonical("FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6", event),
            "error: FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6: no date matches this rule from the start "
            "2025-09-26T10:00:00");
  EXPECT_EQ(canonical("FREQ=DAILY;BYMONTH=1;BYMONTHDAY=31;BYDAY=MO;BYHOUR=9;BYSETPOS=2", event),
            "error: FREQ=DAILY;BYHOUR=9;BYDAY=MO;BYMONTHDAY=31;BYMONTH=1;BYSETPOS=2: no date "
            "matches this rule from the start 2025-09-26T10:00:00");
}

TEST(RecurrenceRules, event_add_puts_the_field_before_the_message) {
  EXPECT_EQ(
      add_error(
          {{"start", "2025-09-26T10:00"}, {"tz", "Europe/Minsk"}, {"repeat", "FREQ=FORTNIGHTLY"}})
          .rfind("repeat: FREQ=FORTNIGHTLY: unknown frequency (use DAILY, WEEKLY, MONTHLY, "
                 "YEARLY, ",
                 0),
      0u);
}

TEST(RecurrenceRules, the_description_says_it_in_words) {
  EXPECT_EQ(description("weekly"), "every week on Friday");
  EXPECT_EQ(description("FREQ=WEEKLY;BYDAY=FR"), "every week on Friday");
  EXPECT_EQ(description("every 2 weeks"), "every 2 weeks on Friday");
  EXPECT_EQ(description("FREQ=MONTHLY;BYDAY=-1FR"), "monthly on the last Friday");
  EXPECT_EQ(description("FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR;COUNT=10"),
            "yearly in September on the last Friday, 10 times");
  EXPECT_EQ(description("daily until 2027-12-31"), "daily until 31 Dec 2027");
  EXPECT_EQ(description("weekdays"), "every weekday");
  EXPECT_EQ(description("FREQ=WEEKLY;BYDAY=MO,WE,FR"),
            "every week on Monday, Wednesday and Friday");
  EXPECT_EQ(description("monthly"), "monthly on the 26th");
  EXPECT_EQ(description("FREQ=MONTHLY;BYMONTHDAY=1,-1"), "monthly on the 1st and last day");
  EXPECT_EQ(description("yearly"), "yearly on 26 September");
  EXPECT_EQ(description("FREQ=MONTHLY;BYDAY=2TU", "2025-10-14T10:00"),
            "monthly on the second Tuesday");
  EXPECT_EQ(description("FREQ=YEARLY;COUNT=1"), "yearly on 26 September, once");
  EXPECT_EQ(description("FREQ=MINUTELY;INTERVAL=15;BYDAY=FR"), "every 15 minutes on Friday");
  // No words for it: the rule itself.
  EXPECT_EQ(description("FREQ=DAILY;BYHOUR=9,17"), "FREQ=DAILY;BYHOUR=9,17");
  EXPECT_EQ(description("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "2025-09-30T10:00"),
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1");
}

TEST(RecurrenceRules, an_until_before_the_time_of_day_ends_the_series_the_day_before) {
  // What a split of "this and following" at Thursday 23 Oct 10:00 leaves.
  const auto split = add({{"start", "2025-09-26T10:00"},
                          {"tz", "Europe/Minsk"},
                          {"repeat", "FREQ=DAILY;UNTIL=20251023T065959Z"}});
  EXPECT_EQ(split.recurrence->description, "daily until 22 Oct 2025");
  // At or after the time of day: that day's occurrence is in the series.
  const auto same_day = add({{"start", "2025-09-26T10:00"},
                             {"tz", "Europe/Minsk"},
                             {"repeat", "FREQ=DAILY;UNTIL=20251023T070000Z"}});
  EXPECT_EQ(same_day.recurrence->description, "daily until 23 Oct 2025");
}

TEST(RecurrenceRules, an_hourly_until_that_is_not_the_end_of_a_day_shows_its_time) {
  const auto event = add({{"start", "2025-09-26T10:00"},
                          {"tz", "Europe/Minsk"},
                          {"repeat", "FREQ=HOURLY;INTERVAL=2;UNTIL=20251023T065959Z"}});
  EXPECT_EQ(event.recurrence->description, "every 2 hours until 23 Oct 2025 09:59");
}

TEST(RecurrenceRules, an_override_must_name_an_occurrence) {
  const std::string error = add_error(
      {{"start", "2025-09-26T10:00"},
       {"tz", "Europe/Minsk"},
       {"recurrence",
        {{"rrule", "weekly"},
         {"overrides", json::array({{{"occurrence", "2025-10-30T10:00"}, {"title", "moved"}}})}}}});
  EXPECT_EQ(error, "recurrence.overrides[0].occurrence: 2025-10-30T10:00:00 is not an occurrence "
                   "of the series; nearby: 2025-10-24T10:00:00, 2025-10-31T10:00:00, "
                   "2025-11-07T10:00:00");
}

TEST(RecurrenceRules, an_override_of_a_cancelled_occurrence_is_refused) {
  const std::string error = add_error(
      {{"start", "2025-09-26T10:00"},
       {"tz", "Europe/Minsk"},
       {"recurrence",
        {{"rrule", "weekly"},
         {"exdates", json::array({"2025-10-03T10:00"})},
         {"overrides", json::array({{{"occurrence", "2025-10-03T10:00"}, {"title", "moved"}}})}}}});
  EXPECT_EQ(error, "recurrence.overrides[0].occurrence: 2025-10-03T10:00:00 is cancelled (an "
                   "EXDATE); drop the override or the EXDATE");
}

TEST(RecurrenceRules, exdates_outside_the_series_are_ignored_but_a_series_needs_an_occurrence) {
  EXPECT_EQ(
      add_error({{"start", "2025-09-26T10:00"},
                 {"tz", "Europe/Minsk"},
                 {"recurrence",
                  {{"rrule", "weekly count 2"}, {"exdates", json::array({"2025-09-27T10:00"})}}}}),
      "");
  EXPECT_EQ(add_error({{"start", "2025-09-26T10:00"},
                       {"tz", "Europe/Minsk"},
                       {"recurrence",
                        {{"rrule", "weekly count 2"},
                         {"exdates", json::array({"2025-09-26T10:00", "2025-10-03T10:00"})}}}}),
            "recurrence: no occurrence is left: the exdates remove every one; remove the event "
            "instead");
}

TEST(RecurrenceRules, a_month_precision_event_cannot_repeat) {
  EXPECT_EQ(add_error({{"start", "2025-09"}, {"tz", "Europe/Minsk"}, {"repeat", "yearly"}})
                .rfind("repeat: a month-precision event (date TBA) cannot repeat", 0),
            0u);
}

TEST(RecurrenceRules, dates_alone_make_a_series_and_are_described_by_their_number) {
  const auto event = add({{"start", "2025-09-26T10:00"},
                          {"tz", "Europe/Minsk"},
                          {"recurrence", {{"rdates", {"2025-10-10T10:00", "2025-11-14T10:00"}}}}});
  EXPECT_EQ(event.recurrence->description, "on 3 dates");
}

} // namespace
} // namespace summit::test
