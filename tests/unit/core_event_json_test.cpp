#include "core/event_json.hpp"
#include "core/event_params.hpp"
#include "core/zones.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace summit::core;
using namespace date::literals;
using date::April, date::February, date::January, date::July, date::June, date::March,
    date::November, date::October, date::September, date::December;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const SysSeconds k_now = date::sys_days{2025_y / date::March / 1} + 12h;

EventInputContext context(const ZoneGazetteer *gazetteer = nullptr) {
  return EventInputContext{k_now, gazetteer, 1000};
}

Result<DraftedEvent> add(const json &params, const ZoneGazetteer *gazetteer = nullptr) {
  return event_from_add_params(params, context(gazetteer));
}

std::string utc(const Event &event) { return event_to_json(event)["start_utc"]; }

// A tiny gazetteer that knows Minsk and Belarus, independent of the host.
ZoneGazetteer small_gazetteer() {
  return ZoneGazetteer::parse("BY\t+5354+02734\tEurope/Minsk\n", "BY\t+5354+02734\tEurope/Minsk\n",
                              "BY\tBelarus\n");
}

} // namespace

TEST(EventJson, a_timed_minsk_meeting_keeps_wall_time_and_derives_utc) {
  auto drafted = add({{"title", "Council of Heads of Government of the CIS"},
                      {"start", "2025-09-26T10:00"},
                      {"tz", "Europe/Minsk"},
                      {"location", "Minsk, Belarus"},
                      {"tags", {"cis"}},
                      {"reminders", {"P7D", "1d"}}});
  ASSERT_TRUE(drafted) << drafted.error().message;
  const Event &event = drafted->event;
  EXPECT_EQ(event.precision, Precision::timed);
  const json out = event_to_json(event);
  EXPECT_EQ(out["start"], "2025-09-26T10:00:00");
  EXPECT_EQ(out["tz"], "Europe/Minsk");
  EXPECT_EQ(out["start_utc"], "2025-09-26T07:00:00Z");
  EXPECT_EQ(out["start_offset"], "2025-09-26T10:00:00+03:00");
  EXPECT_EQ(out["has_end"], false);
  EXPECT_EQ(out["status"], "confirmed");
  EXPECT_EQ(out["reminders"], json::parse(R"([{"before":"P7D"},{"before":"P1D"}])"));
  EXPECT_EQ(event.owner_uid, 1000u);
  EXPECT_EQ(event.created, k_now);
  EXPECT_TRUE(drafted->notes.empty());
}

TEST(EventJson, the_zone_is_inferred_from_the_location_with_a_note) {
  const auto gazetteer = small_gazetteer();
  auto drafted =
      add({{"title", "CIS"}, {"start", "2025-09-26T10:00"}, {"location", "Minsk, Belarus"}},
          &gazetteer);
  ASSERT_TRUE(drafted) << drafted.error().message;
  EXPECT_EQ(drafted->event.tz, "Europe/Minsk");
  ASSERT_EQ(drafted->notes.size(), 1u);
  EXPECT_NE(drafted->notes[0].find("Europe/Minsk"), std::string::npos);
}

TEST(EventJson, without_tz_or_a_known_location_the_daemon_refuses_to_guess) {
  const auto gazetteer = small_gazetteer();
  auto drafted =
      add({{"title", "Somewhere"}, {"start", "2025-09-26T10:00"}, {"location", "Atlantis"}},
          &gazetteer);
  ASSERT_FALSE(drafted);
  EXPECT_EQ(drafted.error().field, "tz");
  EXPECT_NE(drafted.error().message.find("IANA"), std::string::npos);
}

TEST(EventJson, a_month_event_is_tentative_and_spans_its_month) {
  auto drafted = add({{"title", "CIS"}, {"start", "2025-09"}, {"tz", "Europe/Minsk"}});
  ASSERT_TRUE(drafted) << drafted.error().message;
  const json out = event_to_json(drafted->event);
  EXPECT_EQ(out["precision"], "month");
  EXPECT_EQ(out["start"], "2025-09");
  EXPECT_EQ(out["end"], "2025-10");
  EXPECT_EQ(out["status"], "tentative");
  // Sorts at the start of its month, in its own zone.
  EXPECT_EQ(out["start_utc"], "2025-08-31T21:00:00Z");
  EXPECT_EQ(out["end_utc"], "2025-09-30T21:00:00Z");
}

TEST(EventJson, an_all_day_event_lasts_a_day_unless_an_exclusive_end_is_given) {
  auto one = add({{"title", "Holiday"}, {"start", "2025-12-25"}, {"tz", "Europe/Berlin"}});
  ASSERT_TRUE(one);
  EXPECT_EQ(event_to_json(one->event)["end"], "2025-12-26");

  auto three = add({{"title", "Summit"},
                    {"start", "2025-12-24"},
                    {"end", "2025-12-27"},
                    {"tz", "Europe/Berlin"},
                    {"all_day", true}});
  ASSERT_TRUE(three) << three.error().message;
  EXPECT_EQ(event_to_json(three->event)["end_utc"], "2025-12-26T23:00:00Z");

  auto timed_all_day =
      add({{"title", "x"}, {"start", "2025-12-24T10:00"}, {"tz", "UTC"}, {"all_day", true}});
  ASSERT_FALSE(timed_all_day);
  EXPECT_EQ(timed_all_day.error().field, "all_day");
}

TEST(EventJson, a_wall_time_in_a_dst_gap_moves_forward_by_the_gap_and_says_so) {
  auto drafted = add({{"title", "Gap"}, {"start", "2025-03-30T02:30"}, {"tz", "Europe/Berlin"}});
  ASSERT_TRUE(drafted) << drafted.error().message;
  EXPECT_EQ(event_to_json(drafted->event)["start"], "2025-03-30T03:30:00");
  EXPECT_EQ(utc(drafted->event), "2025-03-30T01:30:00Z");
  ASSERT_EQ(drafted->notes.size(), 1u);
}

TEST(EventJson, an_ambiguous_wall_time_takes_the_earlier_instant_unless_an_offset_says_otherwise) {
  auto earlier =
      add({{"title", "Overlap"}, {"start", "2025-10-26T02:30"}, {"tz", "Europe/Berlin"}});
  ASSERT_TRUE(earlier);
  EXPECT_EQ(utc(earlier->event), "2025-10-26T00:30:00Z");

  auto later =
      add({{"title", "Overlap"}, {"start", "2025-10-26T02:30+01:00"}, {"tz", "Europe/Berlin"}});
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(utc(later->event), "2025-10-26T01:30:00Z");
  EXPECT_TRUE(later->event.start_later);
  EXPECT_EQ(event_to_json(later->event)["start"], "2025-10-26T02:30:00");

  // Recomputing from the stored wall time keeps the later instant.
  Event copy = later->event;
  copy.start_utc = {};
  ASSERT_TRUE(derive_instants(copy));
  EXPECT_EQ(copy.start_utc, later->event.start_utc);
}

TEST(EventJson, an_instant_is_stored_as_the_wall_time_it_is_in_the_event_zone) {
  auto drafted = add({{"title", "x"}, {"start", "2025-09-26T07:00:00Z"}, {"tz", "Europe/Minsk"}});
  ASSERT_TRUE(drafted);
  EXPECT_EQ(event_to_json(drafted->event)["start"], "2025-09-26T10:00:00");
}

TEST(EventJson, bad_input_names_the_field_at_fault) {
  struct Case {
    json params;
    const char *field;
  };
  const json base = {{"title", "t"}, {"start", "2025-09-26T10:00"}, {"tz", "Europe/Minsk"}};
  auto with = [&](const char *key, json value) {
    json p = base;
    p[key] = std::move(value);
    return p;
  };
  json no_title = base;
  no_title.erase("title");
  const Case cases[] = {
      {with("title", "   "), "title"},
      {no_title, "title"},
      {with("title", 5), "title"},
      {with("start", "2025-02-30T10:00"), "start"},
      {with("start", "2025-09-26T25:00"), "start"},
      {with("start", 20250926), "start"},
      {with("tz", "Europe/Minks"), "tz"},
      {with("end", "2025-09-26T09:00"), "end"},
      {with("end", "2025-09-27"), "end"},
      {with("duration", "soon"), "duration"},
      {with("tags", "cis"), "tags"},
      {with("tags", json::array({1})), "tags[0]"},
      {with("status", "maybe"), "status"},
      {with("reminders", "7d"), "reminders"},
      {with("reminders", json::array({"7 parsecs"})), "reminders[0]"},
      {with("colour", "red"), "colour"},
      {with("start", "1492-10-12T10:00"), "start"},
      // Out of the years an event may have: could not be written back.
      {with("reminders", json::array({json{{"at", "0000-01-01T00:00+18:00"}}})), "reminders[0]"},
  };
  for (const auto &c : cases) {
    auto drafted = add(c.params);
    ASSERT_FALSE(drafted) << c.params.dump();
    EXPECT_EQ(drafted.error().code, ErrorCode::invalid_params) << c.params.dump();
    EXPECT_EQ(drafted.error().field, c.field)
        << c.params.dump() << " -> " << drafted.error().message;
    EXPECT_EQ(drafted.error().message.rfind(std::string(c.field) + ": ", 0), 0u)
        << drafted.error().message;
  }
}

TEST(EventJson, an_unknown_zone_suggests_the_close_one) {
  auto drafted = add({{"title", "t"}, {"start", "2025-09-26T10:00"}, {"tz", "Europe/Minks"}});
  ASSERT_FALSE(drafted);
  EXPECT_NE(drafted.error().message.find("Europe/Minsk"), std::string::npos)
      << drafted.error().message;
}

TEST(EventJson, end_and_duration_together_are_refused) {
  auto drafted = add({{"title", "t"},
                      {"start", "2025-09-26T10:00"},
                      {"tz", "UTC"},
                      {"end", "2025-09-26T11:00"},
                      {"duration", "1h"}});
  ASSERT_FALSE(drafted);
  EXPECT_NE(drafted.error().message.find("not both"), std::string::npos);
}

TEST(EventJson, a_duration_is_elapsed_time_across_a_dst_change) {
  // 01:30 + 2h on the night clocks go back in Berlin ends at 02:30 CET.
  auto drafted = add({{"title", "Night"},
                      {"start", "2025-10-26T01:30"},
                      {"tz", "Europe/Berlin"},
                      {"duration", "PT2H"}});
  ASSERT_TRUE(drafted);
  const json out = event_to_json(drafted->event);
  EXPECT_EQ(out["start_utc"], "2025-10-25T23:30:00Z");
  EXPECT_EQ(out["end_utc"], "2025-10-26T01:30:00Z");
  EXPECT_EQ(out["end"], "2025-10-26T02:30:00");
}

TEST(EventJson, update_moves_the_start_and_keeps_the_duration) {
  auto drafted = add({{"title", "t"},
                      {"start", "2025-09-26T10:00"},
                      {"tz", "Europe/Minsk"},
                      {"duration", "PT2H"},
                      {"location", "Minsk"}});
  ASSERT_TRUE(drafted);
  Event current = drafted->event;
  current.id = 2;
  current.uid = "abc@summit";

  const EventInputContext later_ctx{k_now + 1h, nullptr, 1000};
  auto updated =
      event_apply_update_params(current, {{"id", 2}, {"start", "2025-09-26T11:00"}}, later_ctx);
  ASSERT_TRUE(updated) << updated.error().message;
  const json out = event_to_json(updated->event);
  EXPECT_EQ(out["id"], 2);
  EXPECT_EQ(out["uid"], "abc@summit");
  EXPECT_EQ(out["start_utc"], "2025-09-26T08:00:00Z");
  EXPECT_EQ(out["end_utc"], "2025-09-26T10:00:00Z");
  EXPECT_EQ(out["location"], "Minsk");
  EXPECT_EQ(updated->event.created, k_now);
  EXPECT_EQ(updated->event.updated, k_now + 1h);
}

TEST(EventJson, update_with_null_clears_and_a_new_zone_keeps_the_wall_time) {
  auto drafted = add({{"title", "t"},
                      {"start", "2025-09-26T10:00"},
                      {"tz", "Europe/Minsk"},
                      {"location", "Minsk"},
                      {"end", "2025-09-26T12:00"}});
  ASSERT_TRUE(drafted);
  auto updated = event_apply_update_params(
      drafted->event, {{"location", nullptr}, {"end", nullptr}, {"tz", "Europe/Berlin"}},
      context());
  ASSERT_TRUE(updated) << updated.error().message;
  const json out = event_to_json(updated->event);
  EXPECT_EQ(out["location"], "");
  EXPECT_EQ(out["has_end"], false);
  EXPECT_EQ(out["start"], "2025-09-26T10:00:00");
  EXPECT_EQ(out["start_utc"], "2025-09-26T08:00:00Z");

  auto refused = event_apply_update_params(drafted->event, {{"title", nullptr}}, context());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "title");
}

TEST(EventJson, confirming_a_month_event_with_an_exact_time_makes_it_timed) {
  auto drafted = add({{"title", "CIS"}, {"start", "2025-09"}, {"tz", "Europe/Minsk"}});
  ASSERT_TRUE(drafted);
  auto confirmed = event_apply_update_params(
      drafted->event, {{"start", "2025-09-26T10:00"}, {"status", "confirmed"}}, context());
  ASSERT_TRUE(confirmed) << confirmed.error().message;
  EXPECT_EQ(confirmed->event.precision, Precision::timed);
  EXPECT_EQ(utc(confirmed->event), "2025-09-26T07:00:00Z");
}

TEST(EventJson, giving_a_month_event_its_day_confirms_it_unless_a_status_is_given) {
  auto drafted = add({{"title", "CIS"}, {"start", "2025-09"}, {"tz", "Europe/Minsk"}});
  ASSERT_TRUE(drafted);
  auto dated = event_apply_update_params(drafted->event, {{"start", "2025-09-26"}}, context());
  ASSERT_TRUE(dated) << dated.error().message;
  EXPECT_EQ(dated->event.status, Status::confirmed);
  EXPECT_EQ(dated->event.precision, Precision::all_day);
  auto still = event_apply_update_params(
      drafted->event, {{"start", "2025-09-26T10:00"}, {"status", "tentative"}}, context());
  ASSERT_TRUE(still);
  EXPECT_EQ(still->event.status, Status::tentative);
}

TEST(EventJson, the_wire_object_round_trips) {
  auto drafted = add({{"title", "CIS"},
                      {"start", "2025-09-26T10:00"},
                      {"tz", "Europe/Minsk"},
                      {"end", "2025-09-26T18:00"},
                      {"tags", {"cis", "minsk"}},
                      {"reminders", json::array({"P7D", json{{"at", "2025-09-25T09:00:00Z"}}})},
                      {"description", "Agenda: \"economy\"\nsecond line"}});
  ASSERT_TRUE(drafted) << drafted.error().message;
  Event event = drafted->event;
  event.id = 12;
  event.uid = "u@summit";
  auto back = event_from_json(event_to_json(event));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(event_to_json(*back), event_to_json(event));
}

// A floating 02:30 is kept as 02:30 even where the process's zone skips it
// (New York's spring-forward day): it exists in other zones.
TEST(EventJson, a_floating_time_in_a_gap_of_the_process_zone_keeps_its_wall_time) {
  const auto *before = floating_zone();
  set_floating_zone(*find_zone("America/New_York"));
  auto drafted = add({{"title", "Night shift"}, {"start", "2030-03-10T02:30"}, {"tz", "floating"}});
  set_floating_zone(before);
  ASSERT_TRUE(drafted) << drafted.error().message;
  EXPECT_EQ(event_to_json(drafted->event)["start"], "2030-03-10T02:30:00");
  EXPECT_EQ(event_to_json(drafted->event)["tz"], "floating");
  EXPECT_TRUE(drafted->notes.empty());
}
