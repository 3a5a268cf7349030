#include "ical_test_support.hpp"

#include <gtest/gtest.h>

namespace summit::test {
namespace {

using Strings = std::vector<std::string>;

// Fridays 10:00-12:00 in Minsk from 26 Sep 2025.
core::Event weekly(json extra = json::object()) {
  json params{{"start", "2025-09-26T10:00"},
              {"duration", "PT2H"},
              {"tz", "Europe/Minsk"},
              {"repeat", "weekly"},
              {"uid", "council@example.org"}};
  params.update(extra);
  auto event = add(params);
  event.id = 42;
  return event;
}

std::string id_error(const core::Event &series, const json &value) {
  auto id = ical::parse_occurrence_id(value, "occurrence", series, zone(series.tz));
  return id ? core::format_iso_local(*id) : id.error().message;
}

TEST(ParseOccurrenceId, reads_a_wall_time_or_an_instant_in_the_series_zone) {
  const auto series = weekly();
  EXPECT_EQ(id_error(series, "2025-10-03T10:00"), "2025-10-03T10:00:00");
  EXPECT_EQ(id_error(series, "2025-10-03T07:00Z"), "2025-10-03T10:00:00");
  EXPECT_EQ(id_error(series, "2025-10-03T10:00+03:00"), "2025-10-03T10:00:00");
}

TEST(ParseOccurrenceId, refuses_what_is_no_occurrence_naming_nearby_ones) {
  const auto series = weekly();
  EXPECT_EQ(id_error(series, "2025-10-30T10:00"),
            "occurrence: 2025-10-30T10:00:00 is not an occurrence of the series; nearby: "
            "2025-10-24T10:00:00, 2025-10-31T10:00:00, 2025-11-07T10:00:00");
  EXPECT_EQ(id_error(series, "2025-10-03"),
            "occurrence: the series is timed: give the occurrence's start time "
            "(2025-10-31T10:00), not a date");
  EXPECT_EQ(id_error(series, 7), "occurrence: must be the occurrence's start as the rule gives "
                                 "it, such as \"2025-10-31T10:00\"");
  EXPECT_EQ(
      id_error(add({{"start", "2025-09-26T10:00"}, {"tz", "Europe/Minsk"}}), "2025-09-26T10:00"),
      "occurrence: the event does not repeat; change it without occurrence");
}

TEST(ParseOccurrenceId, points_from_where_an_occurrence_was_moved_to_its_id) {
  const auto series = weekly(
      {{"repeat", nullptr},
       {"recurrence",
        {{"rrule", "weekly"},
         {"exdates", {"2025-10-10T10:00"}},
         {"overrides", {{{"occurrence", "2025-10-03T10:00"}, {"start", "2025-10-03T15:00"}}}}}}});
  EXPECT_EQ(id_error(series, "2025-10-03T15:00"),
            "occurrence: 2025-10-03T15:00:00 is where the occurrence 2025-10-03T10:00:00 now "
            "starts; name it by 2025-10-03T10:00:00, the start the rule gives it");
  EXPECT_EQ(id_error(series, "2025-10-10T10:00"),
            "occurrence: 2025-10-10T10:00:00 is cancelled (an EXDATE) already");
}

TEST(UpdateOccurrence, moves_one_occurrence_and_keeps_its_length) {
  const auto series = weekly();
  auto updated = ical::update_occurrence(
      series, wall("2025-10-03T10:00"),
      {{"id", 42}, {"occurrence", "2025-10-03T10:00"}, {"start", "2025-10-03T15:00"}}, context());
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->event.id, 42);
  EXPECT_EQ(updated->event.uid, "council@example.org");
  const auto found = list(updated->event, "2025-10-01T00:00Z", "2025-10-11T00:00Z");
  EXPECT_EQ(local_starts(found), (Strings{"2025-10-03T15:00:00", "2025-10-10T10:00:00"}));
  EXPECT_EQ(found[0].end_utc - found[0].start_utc, std::chrono::hours{2});
  ASSERT_NE(found[0].changed, nullptr);
}

TEST(UpdateOccurrence, changes_text_and_null_gives_the_series_value_back) {
  const auto series = weekly();
  auto retitled = ical::update_occurrence(
      series, wall("2025-10-03T10:00"),
      {{"title", "Extraordinary session"}, {"location", "Minsk, Belarus"}}, context());
  ASSERT_TRUE(retitled) << retitled.error().message;
  ASSERT_EQ(retitled->event.recurrence->overrides.size(), 1u);
  EXPECT_EQ(retitled->event.recurrence->overrides[0].title, "Extraordinary session");
  auto title_back = ical::update_occurrence(retitled->event, wall("2025-10-03T10:00"),
                                            {{"title", nullptr}}, context());
  ASSERT_TRUE(title_back);
  ASSERT_EQ(title_back->event.recurrence->overrides.size(), 1u);
  EXPECT_FALSE(title_back->event.recurrence->overrides[0].title);
  // With nothing left that differs, there is no override at all.
  auto back = ical::update_occurrence(title_back->event, wall("2025-10-03T10:00"),
                                      {{"location", nullptr}}, context());
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->event.recurrence->overrides.empty());
}

TEST(UpdateOccurrence, refuses_what_belongs_to_the_whole_series) {
  auto refused =
      ical::update_occurrence(weekly(), wall("2025-10-03T10:00"), {{"tags", {"cis"}}}, context());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "tags");
  EXPECT_EQ(refused.error().message.rfind("tags: applies to the whole series", 0), 0u);
}

TEST(UpdateOccurrence, errors_name_the_request_field) {
  auto refused = ical::update_occurrence(weekly(), wall("2025-10-03T10:00"),
                                         {{"start", "2025-02-30T10:00"}}, context());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "start");
  EXPECT_EQ(refused.error().message, "start: 2025-02-30: February 2025 has 28 days");
}

TEST(CancelOccurrence, adds_an_exdate_and_drops_its_override) {
  const auto series =
      weekly({{"repeat", nullptr},
              {"recurrence",
               {{"rrule", "weekly"},
                {"overrides", {{{"occurrence", "2025-10-03T10:00"}, {"title", "Special"}}}}}}});
  auto cancelled = ical::cancel_occurrence(series, wall("2025-10-03T10:00"), context());
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  EXPECT_EQ(cancelled->event.recurrence->exdates, std::vector{wall("2025-10-03T10:00")});
  EXPECT_TRUE(cancelled->event.recurrence->overrides.empty());
  EXPECT_EQ(local_starts(list(cancelled->event, "2025-10-01T00:00Z", "2025-10-11T00:00Z")),
            (Strings{"2025-10-10T10:00:00"}));
}

TEST(CancelOccurrence, refuses_to_cancel_the_last_occurrence_left) {
  auto series = weekly({{"repeat", "weekly count 2"}});
  auto once = ical::cancel_occurrence(series, wall("2025-09-26T10:00"), context());
  ASSERT_TRUE(once);
  auto twice = ical::cancel_occurrence(once->event, wall("2025-10-03T10:00"), context());
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "cancel_occurrence: 2025-10-03T10:00:00 is the only "
                                   "occurrence left; remove the event instead");
}

TEST(SplitSeries, ends_the_old_series_a_second_before_and_starts_a_new_one_there) {
  const auto series = weekly();
  auto split = ical::split_series(series, wall("2025-10-17T10:00"), json::object(), context());
  ASSERT_TRUE(split) << split.error().message;
  // 2025-10-17 10:00 Minsk is 07:00Z.
  EXPECT_EQ(split->before.recurrence->rrule, "FREQ=WEEKLY;UNTIL=20251017T065959Z");
  EXPECT_EQ(split->before.id, 42);
  EXPECT_EQ(local_starts(list(split->before, "2025-01-01T00:00Z", "2030-01-01T00:00Z")),
            (Strings{"2025-09-26T10:00:00", "2025-10-03T10:00:00", "2025-10-10T10:00:00"}));
  const auto &after = split->after.event;
  EXPECT_EQ(after.id, 0);
  EXPECT_EQ(after.uid, "");
  EXPECT_EQ(after.recurrence->rrule, "FREQ=WEEKLY");
  EXPECT_EQ(core::format_iso_local(after.start_local), "2025-10-17T10:00:00");
  EXPECT_EQ(after.end_utc - after.start_utc, std::chrono::hours{2});
  EXPECT_EQ(after.recurrence->description, "every week on Friday");
}

TEST(SplitSeries, this_and_following_take_the_changes) {
  auto split = ical::split_series(weekly(), wall("2025-10-17T10:00"),
                                  {{"from_occurrence", "2025-10-17T10:00"},
                                   {"start", "2025-10-17T11:00"},
                                   {"location", "Dushanbe, Tajikistan"}},
                                  context());
  ASSERT_TRUE(split) << split.error().message;
  const auto &after = split->after.event;
  EXPECT_EQ(after.location, "Dushanbe, Tajikistan");
  EXPECT_EQ(local_starts(list(after, "2025-10-01T00:00Z", "2025-10-25T00:00Z")),
            (Strings{"2025-10-17T11:00:00", "2025-10-24T11:00:00"}));
  EXPECT_EQ(after.end_utc - after.start_utc, std::chrono::hours{2});
}

TEST(SplitSeries, divides_count_and_the_exceptions) {
  const auto series = weekly({{"repeat", nullptr},
                              {"recurrence",
                               {{"rrule", "weekly count 10"},
                                {"exdates", {"2025-10-03T10:00", "2025-10-31T10:00"}},
                                {"rdates", {"2025-10-01T18:00", "2025-11-05T18:00"}},
                                {"overrides",
                                 {{{"occurrence", "2025-10-10T10:00"}, {"title", "Before"}},
                                  {{"occurrence", "2025-11-07T10:00"}, {"title", "After"}}}}}}});
  auto split = ical::split_series(series, wall("2025-10-17T10:00"), json::object(), context());
  ASSERT_TRUE(split) << split.error().message;
  const auto &before = *split->before.recurrence;
  const auto &after = *split->after.event.recurrence;
  // 26 Sep, 3 Oct (excluded but counted), 10 Oct: three before.
  EXPECT_EQ(before.rrule, "FREQ=WEEKLY;COUNT=3");
  EXPECT_EQ(after.rrule, "FREQ=WEEKLY;COUNT=7");
  EXPECT_EQ(before.exdates, std::vector{wall("2025-10-03T10:00")});
  EXPECT_EQ(after.exdates, std::vector{wall("2025-10-31T10:00")});
  EXPECT_EQ(before.rdates, std::vector{wall("2025-10-01T18:00")});
  EXPECT_EQ(after.rdates, std::vector{wall("2025-11-05T18:00")});
  ASSERT_EQ(before.overrides.size(), 1u);
  EXPECT_EQ(before.overrides[0].title, "Before");
  ASSERT_EQ(after.overrides.size(), 1u);
  EXPECT_EQ(after.overrides[0].title, "After");
  // Together they are the series it was.
  auto all = local_starts(list(split->before, "2025-01-01T00:00Z", "2027-01-01T00:00Z"));
  const auto rest =
      local_starts(list(split->after.event, "2025-01-01T00:00Z", "2027-01-01T00:00Z"));
  all.insert(all.end(), rest.begin(), rest.end());
  EXPECT_EQ(all, local_starts(list(series, "2025-01-01T00:00Z", "2027-01-01T00:00Z")));
}

TEST(SplitSeries, an_all_day_series_ends_the_day_before) {
  const auto series = add({{"start", "2025-09-26"}, {"tz", "Europe/Minsk"}, {"repeat", "weekly"}});
  auto split = ical::split_series(series, wall("2025-10-17"), json::object(), context());
  ASSERT_TRUE(split) << split.error().message;
  EXPECT_EQ(split->before.recurrence->rrule, "FREQ=WEEKLY;UNTIL=20251016");
  EXPECT_EQ(core::format_iso_date(split->after.event.start_local), "2025-10-17");
}

TEST(SplitSeries, a_series_of_dates_alone_splits_between_its_dates) {
  const auto series =
      weekly({{"repeat", nullptr},
              {"recurrence", {{"rdates", {"2025-10-10T10:00", "2025-11-14T10:00"}}}}});
  auto split = ical::split_series(series, wall("2025-10-10T10:00"), json::object(), context());
  ASSERT_TRUE(split) << split.error().message;
  // What is left before is the start alone: no longer a series.
  EXPECT_FALSE(split->before.recurrence);
  const auto &after = split->after.event;
  EXPECT_EQ(core::format_iso_local(after.start_local), "2025-10-10T10:00:00");
  EXPECT_EQ(local_starts(list(after, "2025-01-01T00:00Z", "2027-01-01T00:00Z")),
            (Strings{"2025-10-10T10:00:00", "2025-11-14T10:00:00"}));
}

TEST(UpdateOccurrence, an_occurrence_in_a_dst_gap_is_named_by_the_time_the_rule_gives) {
  const auto series =
      add({{"start", "2026-03-27T02:30"}, {"tz", "Europe/Berlin"}, {"repeat", "daily"}});
  EXPECT_EQ(id_error(series, "2026-03-29T03:30"),
            "occurrence: 2026-03-29T03:30:00 is where the occurrence 2026-03-29T02:30:00 now "
            "starts; name it by 2026-03-29T02:30:00, the start the rule gives it");
  auto retitled = ical::update_occurrence(series, wall("2026-03-29T02:30"),
                                          {{"title", "Short night"}}, context());
  ASSERT_TRUE(retitled) << retitled.error().message;
  const auto found = list(retitled->event, "2026-03-29T00:00Z", "2026-03-29T12:00Z");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(core::format_iso_utc(found[0].start_utc), "2026-03-29T01:30:00Z");
  EXPECT_EQ(ical::occurrence_event(retitled->event, found[0]).title, "Short night");
}

TEST(SplitSeries, refuses_the_first_an_extra_date_and_a_gap) {
  const auto series =
      weekly({{"repeat", nullptr},
              {"recurrence", {{"rrule", "weekly"}, {"rdates", {"2025-10-01T18:00"}}}}});
  auto first = ical::split_series(series, wall("2025-09-26T10:00"), json::object(), context());
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().message.rfind("from_occurrence: 2025-09-26T10:00:00 is the first "
                                        "occurrence",
                                        0),
            0u);
  auto extra = ical::split_series(series, wall("2025-10-01T18:00"), json::object(), context());
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error().message.rfind("from_occurrence: 2025-10-01T18:00:00 is an extra date", 0),
            0u);
  const auto berlin =
      add({{"start", "2026-03-27T02:30"}, {"tz", "Europe/Berlin"}, {"repeat", "daily"}});
  auto gap = ical::split_series(berlin, wall("2026-03-29T02:30"), json::object(), context());
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.error().message.rfind("from_occurrence: 2026-03-29T02:30:00 falls in a DST gap", 0),
            0u);
}

} // namespace
} // namespace summit::test
