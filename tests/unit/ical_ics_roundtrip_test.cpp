// export_calendar then parse_calendar gives back params that describe the
// same events.
#include "core/ical/ics_export.hpp"
#include "ical_ics_test_support.hpp"

namespace summit::ical {
namespace {

using core::Event;
using nlohmann::json;

const core::SysSeconds k_now{date::sys_days{date::year{2025} / 9 / 1} + std::chrono::hours{8}};

Event make(const json &params) {
  auto drafted = core::event_from_add_params(params, testing::input_context());
  EXPECT_TRUE(drafted.has_value()) << (drafted ? "" : drafted.error().message) << "\n"
                                   << params.dump();
  return drafted ? drafted->event : Event{};
}

// Exported, imported (with a fallback zone no event uses, so that every
// zone must travel in the file) and made into events again.
std::vector<Event> round_trip(const std::vector<Event> &events) {
  const std::string text = export_calendar(events, k_now);
  auto result = parse_calendar(text, ImportOptions{"America/Lima"});
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message) << "\n" << text;
  std::vector<Event> out;
  if (!result) {
    return out;
  }
  for (const auto &skip : result->skipped) {
    ADD_FAILURE() << "skipped: " << skip.reason << "\n" << text;
  }
  for (const auto &imported : result->events) {
    EXPECT_TRUE(imported.notes.empty()) << imported.notes.front() << "\n" << text;
    out.push_back(make(imported.params));
  }
  return out;
}

void expect_same(const Event &want, const Event &got) {
  EXPECT_EQ(got.uid, want.uid);
  EXPECT_EQ(got.title, want.title);
  EXPECT_EQ(got.precision, want.precision);
  EXPECT_EQ(got.tz, want.tz);
  EXPECT_EQ(got.start_local, want.start_local);
  EXPECT_EQ(got.end_local, want.end_local);
  EXPECT_EQ(got.start_utc, want.start_utc);
  EXPECT_EQ(got.end_utc, want.end_utc);
  if (want.precision != core::Precision::month) {
    // A month event always spans its month; "no end" and "ends with the
    // month" are the same event (DTEND is written either way).
    EXPECT_EQ(got.has_end, want.has_end);
  }
  EXPECT_EQ(got.location, want.location);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.tags, want.tags);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.reminders, want.reminders);
  ASSERT_EQ(got.recurrence.has_value(), want.recurrence.has_value());
  if (want.recurrence) {
    EXPECT_EQ(got.recurrence->rrule, want.recurrence->rrule);
    EXPECT_EQ(got.recurrence->rdates, want.recurrence->rdates);
    EXPECT_EQ(got.recurrence->exdates, want.recurrence->exdates);
    EXPECT_EQ(got.recurrence->overrides, want.recurrence->overrides);
  }
}

void expect_round_trip(const std::vector<json> &params) {
  std::vector<Event> events;
  for (const auto &p : params) {
    events.push_back(make(p));
  }
  const auto back = round_trip(events);
  ASSERT_EQ(back.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(params[i].dump());
    expect_same(events[i], back[i]);
  }
}

TEST(IcsRoundTrip, timed_events_keep_wall_time_zone_text_tags_status_and_reminders) {
  expect_round_trip({
      json::parse(R"({"uid": "cis-2025@summit", "title": "CIS Council of Heads of Government",
          "start": "2025-09-26T10:00", "end": "2025-09-26T12:30", "tz": "Europe/Minsk",
          "location": "Minsk, Belarus; Palace of Independence",
          "description": "Agenda:\n1. budget, 2026\n2. a\\b; c",
          "tags": ["cis", "minsk"], "status": "tentative",
          "reminders": ["P7D", "PT1H", {"at": "2025-09-25T09:00:00Z"}]})"),
      json::parse(R"({"uid": "point@summit", "title": "Deadline", "start": "2025-10-01T17:00",
          "tz": "Asia/Dushanbe", "status": "cancelled"})"),
      json::parse(R"({"uid": "utc@summit", "title": "UTC call", "start": "2025-10-02T08:00",
          "end": "2025-10-02T09:00", "tz": "UTC", "reminders": ["PT0S"]})"),
  });
}

TEST(IcsRoundTrip, all_day_events_keep_their_days_and_zone) {
  expect_round_trip({
      json::parse(R"({"uid": "d1", "title": "One day", "start": "2025-09-26", "tz": "Asia/Almaty",
          "reminders": ["P1D"]})"),
      json::parse(R"({"uid": "d3", "title": "Three days", "start": "2025-09-26",
          "end": "2025-09-29", "tz": "Europe/Minsk"})"),
  });
}

// Issue 16: floating events (a time, a day or a month with no zone) come
// back floating, whoever imports them.
TEST(IcsRoundTrip, floating_events_stay_floating) {
  expect_round_trip({
      json::parse(R"({"uid": "f1", "title": "Dentist", "start": "2025-09-26T10:00",
          "end": "2025-09-26T11:00", "tz": "floating", "reminders": ["PT1H"]})"),
      json::parse(R"({"uid": "f2", "title": "Holiday", "start": "2025-09-26", "tz": "floating"})"),
      json::parse(R"({"uid": "f3", "title": "Stand-up", "start": "2025-09-29T09:30",
          "duration": "PT15M", "tz": "floating",
          "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=3", "exdates": ["2025-10-06T09:30"]}})"),
      json::parse(R"({"uid": "f4", "title": "Summit", "start": "2026-05", "tz": "floating"})"),
      json::parse(R"({"uid": "f5", "title": "Class", "start": "2025-09-29T18:00",
          "duration": "PT1H", "tz": "floating",
          "recurrence": {"rrule": "FREQ=DAILY;UNTIL=20251003T180000Z"}})"),
  });
}

TEST(IcsRoundTrip, month_precision_events_come_back_as_months) {
  expect_round_trip({
      json::parse(R"({"uid": "m1", "title": "Next CIS summit", "start": "2025-09",
          "tz": "Europe/Minsk", "location": "Minsk"})"),
      json::parse(R"({"uid": "m2", "title": "Confirmed month", "start": "2025-11",
          "tz": "Europe/Minsk", "status": "confirmed"})"),
      json::parse(R"({"uid": "m3", "title": "Called off", "start": "2025-12", "end": "2026-02",
          "tz": "Europe/Minsk", "status": "cancelled"})"),
  });
}

TEST(IcsRoundTrip, recurring_events_keep_rule_dates_and_changed_occurrences) {
  expect_round_trip({
      json::parse(R"({"uid": "weekly@summit", "title": "Weekly sync", "start": "2025-09-26T10:00",
          "end": "2025-09-26T11:00", "tz": "Europe/Minsk", "reminders": ["PT15M"],
          "recurrence": {"rrule": "FREQ=WEEKLY;UNTIL=20251231T070000Z;BYDAY=FR",
            "rdates": ["2025-10-08T10:00:00"],
            "exdates": ["2025-10-17T10:00:00", "2025-10-24T10:00:00"],
            "overrides": [
              {"occurrence": "2025-10-03T10:00", "start": "2025-10-03T14:00",
               "end": "2025-10-03T15:30", "title": "Weekly sync, moved", "location": "Room 2"},
              {"occurrence": "2025-10-10T10:00", "status": "cancelled"},
              {"occurrence": "2025-10-31T10:00", "description": "Halloween edition"}]
}
})"),
      json::parse(R"({"uid": "yearly@summit", "title": "Anniversary", "start": "2025-09-26",
          "tz": "Europe/Minsk",
          "recurrence": {"rrule": "FREQ=YEARLY;COUNT=5", "exdates": ["2027-09-26"],
            "overrides": [{"occurrence": "2026-09-26", "start": "2026-09-27",
                           "title": "Anniversary on Sunday"
}]
}
})"),
  });
}

TEST(IcsRoundTrip, unicode_and_long_text_survive_folding) {
  std::string description;
  for (int i = 0; i < 200; ++i) {
    description += "Заседание Совета глав правительств СНГ 独立国家联合体 🇧🇾, ";
  }
  description += "end";
  expect_round_trip({json{{"uid", "unicode@summit"},
                          {"title", "Заседание Совета глав правительств СНГ — 独立国家联合体政府"
                                    "首脑理事会会议 🇧🇾🇰🇿🇹🇯 Минск"},
                          {"start", "2025-09-26T10:00"},
                          {"tz", "Europe/Minsk"},
                          {"location", "Дворец Независимости, Минск, Беларусь"},
                          {"description", description},
                          {"tags", {"СНГ", "会议"}}}});
}

// libical strips the blanks around every value it parses (and RFC 5545 has
// no escape for a space), so a description's leading and trailing blanks
// do not survive a file; everything between them does.
TEST(IcsRoundTrip, blanks_around_a_description_are_lost_and_the_rest_kept) {
  const Event event = make(json{{"uid", "blank@summit"},
                                {"title", "x"},
                                {"description", "  two  spaces\n inside  "},
                                {"start", "2025-09-26T10:00"},
                                {"tz", "Europe/Minsk"}});
  const auto back = round_trip({event});
  ASSERT_EQ(back.size(), 1U);
  EXPECT_EQ(back[0].description, "two  spaces\n inside");
}

} // namespace
} // namespace summit::ical

namespace summit::ical {
namespace {

// London falls back on Sun 27 Oct 2030: 01:00-02:00 happens twice. A start
// or end on the second pass is written as its UTC instant (a reader takes
// the first pass of a wall time) and comes back the same instant.
TEST(IcsRoundTrip, times_on_the_second_pass_through_a_dst_overlap_keep_their_instant) {
  //   00:30 BST ── 01:30 BST ── 01:00 GMT ── 01:30 GMT ── 02:00 GMT
  //   event A:    [01:30 BST ─────── 1h ────────) ends 01:30 GMT (second pass)
  //   event B:                                   [01:30 GMT ── 30m ──)
  const Event ends_later = make({{"title", "A"},
                                 {"start", "2030-10-27T01:30:00+01:00"},
                                 {"duration", "PT1H"},
                                 {"tz", "Europe/London"},
                                 {"uid", "a@test"}});
  const Event starts_later = make({{"title", "B"},
                                   {"start", "2030-10-27T01:30:00+00:00"},
                                   {"duration", "PT30M"},
                                   {"tz", "Europe/London"},
                                   {"uid", "b@test"}});
  ASSERT_TRUE(ends_later.end_later);
  ASSERT_TRUE(starts_later.start_later);
  const auto back = round_trip({ends_later, starts_later});
  ASSERT_EQ(back.size(), 2U);
  expect_same(ends_later, back[0]);
  expect_same(starts_later, back[1]);
  EXPECT_EQ(back[0].end_utc - back[0].start_utc, std::chrono::hours{1});
  EXPECT_TRUE(back[1].start_later);
}

} // namespace
} // namespace summit::ical
