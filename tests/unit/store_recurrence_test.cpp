// Recurring events in the store: one row per series, occurrences expanded
// when listed, and only the next occurrence's reminders planned; with the
// real migrations on a fresh SQLite file per test.
#include "core/event_params.hpp"
#include "core/ical/recurrence.hpp"
#include "core/page_limits.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/reminder_store.hpp"

#include <SQLiteCpp/Database.h>
#include <date/date.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace summit::store {
namespace {

namespace fs = std::filesystem;
using namespace date;
using namespace std::chrono_literals;
using core::Event;
using core::SysSeconds;
using nlohmann::json;

// Monday 1 September 2025, noon UTC: "now" when the events are added.
const SysSeconds k_now = sys_days{2025_y / September / 1} + 12h;
const std::vector<std::string> k_channels{"log"};

std::string local(const Event &e) {
  return date::format("%FT%T", e.occurrence ? *e.occurrence : e.start_local);
}

class RecurrenceStoreTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "summit-recurrence-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    auto events = EventStore::open(m_dir / "summit.db");
    ASSERT_TRUE(events) << events.error().message;
    m_events = std::move(*events);
    auto reminders = ReminderStore::open(*m_events);
    ASSERT_TRUE(reminders) << reminders.error().message;
    m_reminders = std::move(*reminders);
  }
  void TearDown() override {
    m_reminders.reset();
    m_events.reset();
    fs::remove_all(m_dir);
  }
  // An event from event.add params, as the daemon drafts it.
  Event add(json params, SysSeconds now = k_now) {
    const core::EventInputContext ctx{now, nullptr, 1000, &ical::recurrence_rules()};
    auto drafted = core::event_from_add_params(params, ctx);
    EXPECT_TRUE(drafted) << drafted.error().message;
    auto added = m_events->add(drafted->event);
    EXPECT_TRUE(added) << added.error().message;
    return *added;
  }
  std::vector<Event> list(SysSeconds from, SysSeconds to, std::size_t limit = 100,
                          bool expand = true) {
    ListQuery query;
    query.range = {from, to};
    query.limit = limit;
    query.expand = expand;
    auto page = m_events->list(query);
    EXPECT_TRUE(page) << page.error().message;
    return page->events();
  }

  fs::path m_dir;
  std::unique_ptr<EventStore> m_events;
  std::unique_ptr<ReminderStore> m_reminders;
};

// The weekly Minsk meeting: Fridays 10:00 (07:00 UTC) from 5 September.
json weekly_minsk() {
  return {{"title", "CIS working group"},
          {"start", "2025-09-05T10:00"},
          {"duration", "PT1H"},
          {"tz", "Europe/Minsk"},
          {"tags", {"cis"}},
          {"repeat", "FREQ=WEEKLY;BYDAY=FR"}};
}

TEST_F(RecurrenceStoreTest, a_series_is_one_row_and_lists_as_its_occurrences_among_other_events) {
  const Event series = add(weekly_minsk());
  add({{"title", "Dushanbe summit"}, {"start", "2025-09-16T09:30"}, {"tz", "Asia/Dushanbe"}});
  EXPECT_EQ(*m_events->count(), 2);

  //   Sep 5 ─ 12 ─ 16(Dushanbe) ─ 19 ─ 26 │ Oct 3 …
  const auto events = list(sys_days{2025_y / September / 1}, sys_days{2025_y / October / 1});
  std::vector<std::string> seen;
  for (const Event &e : events) {
    seen.push_back(e.title + " " + local(e));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "CIS working group 2025-09-05T10:00:00",
                      "CIS working group 2025-09-12T10:00:00",
                      "Dushanbe summit 2025-09-16T09:30:00",
                      "CIS working group 2025-09-19T10:00:00",
                      "CIS working group 2025-09-26T10:00:00",
                  }));
  // Each occurrence is the series' own event, at its own instant.
  EXPECT_EQ(events[1].id, series.id);
  EXPECT_EQ(events[1].start_utc, sys_days{2025_y / September / 12} + 7h);
  EXPECT_EQ(events[1].end_utc, sys_days{2025_y / September / 12} + 8h);
  ASSERT_TRUE(events[1].recurrence);
}

TEST_F(RecurrenceStoreTest, a_range_far_from_the_start_lists_only_its_own_occurrences) {
  add(weekly_minsk());
  const auto events = list(sys_days{2027_y / January / 1}, sys_days{2027_y / January / 15});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(local(events[0]), "2027-01-01T10:00:00");
  EXPECT_EQ(local(events[1]), "2027-01-08T10:00:00");
}

TEST_F(RecurrenceStoreTest, an_event_that_repeats_every_minute_forever_is_one_row_and_lists_fast) {
  json every_minute{{"title", "tick"},
                    {"start", "2025-09-01T00:00"},
                    {"tz", "UTC"},
                    {"repeat", "FREQ=MINUTELY"},
                    {"reminders", {"PT0S"}}};
  add(every_minute);
  SQLite::Database &db = m_events->database();
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM events").getInt(), 1);
  // One pending instance for its one reminder, not one per minute.
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM reminder_instances").getInt(), 1);
  const auto events = list(sys_days{2030_y / June / 1}, SysSeconds::max(), 50);
  ASSERT_EQ(events.size(), 50u);
  EXPECT_EQ(local(events.front()), "2030-06-01T00:00:00");
  EXPECT_EQ(local(events.back()), "2030-06-01T00:49:00");
}

TEST_F(RecurrenceStoreTest, a_page_holds_only_the_series_a_reply_can_carry) {
  // 60 minutely series of 60,000-byte descriptions, all at the same
  // minutes: a page of 10,000 occurrences once held every one of them
  // (3.6 MB here; 1,300 such series took summitd to 124 MB).
  const std::string description(60000, 'x');
  for (int i = 0; i < 60; ++i) {
    add({{"title", fmt::format("tick {}", i)},
         {"start", "2025-09-01T00:00"},
         {"tz", "UTC"},
         {"description", description},
         {"repeat", "FREQ=MINUTELY"}});
  }
  ListQuery query;
  query.range = {sys_days{2030_y / June / 1}, SysSeconds::max()};
  query.limit = 10000;
  auto page = m_events->list(query);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_TRUE(page->more);
  EXPECT_LE(page->series.size(), 2 * core::k_max_page_bytes / description.size());
  EXPECT_GE(page->series.size(), 1U);
  // In list order: the earliest minute's series first, each entry's series held.
  for (const ListEntry &entry : page->entries) {
    const auto *listed = std::get_if<ListedOccurrence>(&entry);
    ASSERT_NE(listed, nullptr);
    EXPECT_EQ(page->series.count(listed->series_id), 1U);
  }
  const auto first = cursor_of(page->entries.front());
  EXPECT_EQ(first.start_utc, SysSeconds{sys_days{2030_y / June / 1}});
  // Paging on from the last entry reaches later minutes.
  query.after = cursor_of(page->entries.back());
  auto next = m_events->list(query);
  ASSERT_TRUE(next) << next.error().message;
  ASSERT_FALSE(next->entries.empty());
  EXPECT_GT(cursor_of(next->entries.front()), *query.after);
}

TEST_F(RecurrenceStoreTest, the_limit_counts_occurrences_and_more_says_there_are_others) {
  add(weekly_minsk());
  ListQuery query;
  query.range = {k_now, SysSeconds::max()};
  query.limit = 3;
  auto page = m_events->list(query);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events().size(), 3u);
  EXPECT_TRUE(page->more);
}

// How much work SQLite does, in VM instructions (a progress handler called
// every 1,000): deterministic, unlike a time.
struct VmWork {
  explicit VmWork(SQLite::Database &db) : m_db(db) {
    sqlite3_progress_handler(
        m_db.getHandle(), 1000,
        [](void *count) {
          ++*static_cast<long *>(count);
          return 0;
        },
        &m_thousands);
  }
  ~VmWork() { sqlite3_progress_handler(m_db.getHandle(), 0, nullptr, nullptr); }
  VmWork(const VmWork &) = delete;
  VmWork &operator=(const VmWork &) = delete;
  long thousands() const { return m_thousands; }

private:
  SQLite::Database &m_db;
  long m_thousands = 0;
};

// A calendar with a long past: listing what comes next must not walk it
// (the planner once took the paging cursor's unbound start as the walk's
// lower bound and read every past event, and walked events_by_start to find
// the series).
TEST_F(RecurrenceStoreTest, listing_the_next_events_does_not_walk_the_past) {
  auto &db = m_events->database();
  // 20,000 past events, one an hour up to k_now, then 10 in the hours after it.
  const auto now = k_now.time_since_epoch().count();
  db.exec(fmt::format(
      "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 20009) "
      "INSERT INTO events (uid, title, precision, start_local, end_local, has_end, tz, "
      "start_utc, end_utc, status, owner_uid, created, updated) "
      "SELECT 'past-' || n, 'Meeting ' || n, 'timed', "
      "strftime('%Y-%m-%dT%H:%M:%S', s, 'unixepoch'), "
      "strftime('%Y-%m-%dT%H:%M:%S', s + 1800, 'unixepoch'), 1, 'UTC', s, s + 1800, "
      "'confirmed', 0, {0}, {0} FROM (SELECT n, {0} + 1800 - (20000 - n) * 3600 AS s FROM seq)",
      now));
  add(weekly_minsk());
  {
    const VmWork work(db);
    const auto next = list(k_now, SysSeconds::max(), 5);
    ASSERT_EQ(next.size(), 5u);
    EXPECT_EQ(next[0].title, "Meeting 20000");
    // Walking the past reads 20,000 rows: well over 100,000 instructions.
    EXPECT_LT(work.thousands(), 50) << "thousands of VM instructions for a page of 5";
  }
  {
    const VmWork work(db);
    const auto month = list(k_now, k_now + date::days{30});
    EXPECT_EQ(month.size(), 4u + 10u); // four Fridays and the ten events ahead
    EXPECT_LT(work.thousands(), 50) << "thousands of VM instructions for a month";
  }
}

TEST_F(RecurrenceStoreTest, tag_and_search_filter_series_like_single_events) {
  add(weekly_minsk());
  add({{"title", "Dushanbe summit"}, {"start", "2025-09-16T09:30"}, {"tz", "Asia/Dushanbe"}});
  ListQuery query;
  query.range = {sys_days{2025_y / September / 1}, sys_days{2025_y / September / 20}};
  query.tag = "cis";
  auto tagged = m_events->list(query);
  ASSERT_TRUE(tagged);
  EXPECT_EQ(tagged->events().size(), 3u); // 5, 12, 19 September
  query.tag.reset();
  query.search = "dushanbe";
  auto found = m_events->list(query);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->events().size(), 1u);
  EXPECT_EQ(found->events()[0].title, "Dushanbe summit");
  query.search = "working";
  auto working = m_events->list(query);
  ASSERT_TRUE(working);
  EXPECT_EQ(working->events().size(), 3u);
}

TEST_F(RecurrenceStoreTest, unexpanded_listing_gives_each_series_once_and_pages_by_cursor) {
  const Event series = add(weekly_minsk());
  const Event single =
      add({{"title", "Dushanbe summit"}, {"start", "2025-09-16T09:30"}, {"tz", "Asia/Dushanbe"}});
  ListQuery query;
  query.range = {SysSeconds::min(), SysSeconds::max()};
  query.expand = false;
  query.limit = 1;
  auto first = m_events->list(query);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->events().size(), 1u);
  EXPECT_TRUE(first->more);
  EXPECT_EQ(first->events()[0].id, series.id);
  EXPECT_FALSE(first->events()[0].occurrence);
  query.after =
      ListQuery::Cursor{first->events()[0].start_utc, first->events()[0].id, std::nullopt};
  auto second = m_events->list(query);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->events().size(), 1u);
  EXPECT_EQ(second->events()[0].id, single.id);
  EXPECT_FALSE(second->more);
}

TEST_F(RecurrenceStoreTest,
       only_the_next_occurrences_reminder_is_planned_and_firing_plans_the_one_after) {
  json params = weekly_minsk();
  params["reminders"] = {"PT1H"};
  const Event series = add(params);
  // Friday 5 September 10:00 Minsk, an hour before: 06:00 UTC.
  const SysSeconds first_due = sys_days{2025_y / September / 5} + 6h;
  ASSERT_EQ(m_reminders->next_due().value(), first_due);
  auto batch = m_reminders->take_due(first_due, 24h, k_channels).value();
  ASSERT_EQ(batch.fired.size(), 1u);
  EXPECT_EQ(batch.fired[0].event_id, series.id);
  EXPECT_EQ(batch.fired[0].start_local, "2025-09-05T10:00:00+03:00");
  // The same transaction planned next Friday's.
  EXPECT_EQ(m_reminders->next_due().value(), first_due + date::days{7});
  auto pending = m_reminders->pending_for_event(series.id);
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->size(), 1u);

  auto next = m_reminders->take_due(first_due + date::days{7}, 24h, k_channels).value();
  ASSERT_EQ(next.fired.size(), 1u);
  EXPECT_EQ(next.fired[0].start_local, "2025-09-12T10:00:00+03:00");
  EXPECT_NE(next.fired[0].reminder_id, batch.fired[0].reminder_id);
}

TEST_F(RecurrenceStoreTest, after_a_long_downtime_one_reminder_is_missed_and_the_next_is_on_time) {
  json params = weekly_minsk();
  params["reminders"] = {"PT1H"};
  add(params);
  // The daemon comes back on Wednesday 1 October: Sept 5 is beyond the grace
  // period (missed), the Fridays in between are skipped, and the next one
  // planned is 3 October's.
  const SysSeconds back = sys_days{2025_y / October / 1} + 12h;
  auto batch = m_reminders->take_due(back, 24h, k_channels).value();
  EXPECT_TRUE(batch.fired.empty());
  ASSERT_EQ(batch.missed.size(), 1u);
  EXPECT_EQ(batch.missed[0].start_local, "2025-09-05T10:00:00+03:00");
  EXPECT_EQ(m_reminders->next_due().value(), sys_days{2025_y / October / 3} + 6h);
  EXPECT_TRUE(m_reminders->take_due(back, 24h, k_channels).value().missed.empty());
}

TEST_F(RecurrenceStoreTest, a_series_that_ends_plans_nothing_after_its_last_occurrence) {
  json params = weekly_minsk();
  params["repeat"] = "FREQ=WEEKLY;COUNT=2";
  params["reminders"] = {"PT1H"};
  add(params);
  const SysSeconds first_due = sys_days{2025_y / September / 5} + 6h;
  ASSERT_EQ(m_reminders->take_due(first_due, 24h, k_channels).value().fired.size(), 1u);
  ASSERT_EQ(m_reminders->take_due(first_due + date::days{7}, 24h, k_channels).value().fired.size(),
            1u);
  EXPECT_FALSE(m_reminders->next_due().value());
}

TEST_F(RecurrenceStoreTest, a_snoozed_occurrence_reminder_keeps_its_occurrence_and_plans_nothing) {
  json params = weekly_minsk();
  params["reminders"] = {"PT1H"};
  const Event series = add(params);
  const SysSeconds first_due = sys_days{2025_y / September / 5} + 6h;
  ASSERT_EQ(m_reminders->take_due(first_due, 24h, k_channels).value().fired.size(), 1u);
  auto next = m_reminders->take_due(first_due + date::days{7}, 24h, k_channels).value();
  ASSERT_EQ(next.fired.size(), 1u);
  EXPECT_EQ(next.fired[0].start_local, "2025-09-12T10:00:00+03:00");

  const SysSeconds now = first_due + date::days{7} + 1min;
  auto snoozed = m_reminders->snooze(next.fired[0].reminder_id, 10min, now);
  ASSERT_TRUE(snoozed) << snoozed.error().message;
  auto again = m_reminders->take_due(now + 10min, 24h, k_channels).value();
  ASSERT_EQ(again.fired.size(), 1u);
  EXPECT_EQ(again.fired[0].reminder_id, *snoozed);
  EXPECT_EQ(again.fired[0].start_local, "2025-09-12T10:00:00+03:00");
  // Sept 19's (planned when Sept 12's fired) is the only one pending: the
  // snooze planned no second copy.
  auto pending = m_reminders->pending_for_event(series.id);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(m_reminders->next_due().value(), first_due + date::days{14});
}

TEST_F(RecurrenceStoreTest, editing_a_series_replans_its_next_reminder) {
  json params = weekly_minsk();
  params["reminders"] = {"PT1H"};
  Event series = add(params);
  const core::EventInputContext ctx{k_now, nullptr, 1000, &ical::recurrence_rules()};
  auto moved = core::event_apply_update_params(series, {{"start", "2025-09-05T15:00"}}, ctx);
  ASSERT_TRUE(moved) << moved.error().message;
  ASSERT_TRUE(m_events->update(moved->event));
  EXPECT_EQ(m_reminders->next_due().value(), sys_days{2025_y / September / 5} + 11h);
}

// Found by the crash test: an edit that reaches the store after a reminder
// fell due but before the scheduler took it (the daemon was restarting)
// dropped that occurrence's reminder, planning only the next one.
TEST_F(RecurrenceStoreTest, an_edit_after_the_due_instant_keeps_the_occurrence_reminder_owed) {
  json params = weekly_minsk();
  params["reminders"] = {"PT1H"};
  Event series = add(params);
  const SysSeconds first_due = sys_days{2025_y / September / 5} + 6h;
  const core::EventInputContext ctx{first_due + 1min, nullptr, 1000, &ical::recurrence_rules()};
  auto renamed =
      core::event_apply_update_params(series, {{"title", "CIS working group (renamed)"}}, ctx);
  ASSERT_TRUE(renamed) << renamed.error().message;
  renamed->event.updated = first_due + 1min;
  ASSERT_TRUE(m_events->update(renamed->event));
  EXPECT_EQ(m_reminders->next_due().value(), first_due);
  auto batch = m_reminders->take_due(first_due + 2min, 24h, k_channels).value();
  ASSERT_EQ(batch.fired.size(), 1u);
  EXPECT_EQ(batch.fired[0].start_local, "2025-09-05T10:00:00+03:00");
  EXPECT_EQ(batch.fired[0].title, "CIS working group (renamed)");
  EXPECT_EQ(m_reminders->next_due().value(), first_due + date::days{7});

  // Moved instead, so that the owed instant is no longer the series': the
  // next occurrence's reminder is planned, nothing past.
  const core::EventInputContext later{first_due + date::days{7} + 1min, nullptr, 1000,
                                      &ical::recurrence_rules()};
  auto current = m_events->get(series.id);
  ASSERT_TRUE(current);
  auto moved = core::event_apply_update_params(*current, {{"start", "2025-09-05T15:00"}}, later);
  ASSERT_TRUE(moved) << moved.error().message;
  moved->event.updated = first_due + date::days{7} + 1min;
  ASSERT_TRUE(m_events->update(moved->event));
  // Friday 12 September 15:00 Minsk, an hour before: 11:00 UTC, still ahead.
  EXPECT_EQ(m_reminders->next_due().value(), sys_days{2025_y / September / 12} + 11h);
  auto pending = m_reminders->pending_for_event(series.id);
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->size(), 1u);
}

TEST_F(RecurrenceStoreTest, writes_made_together_roll_back_together) {
  const Event kept = add(weekly_minsk());
  auto failed = m_events->write_together([&]() -> core::Result<void> {
    Event changed = kept;
    changed.title = "renamed";
    if (auto updated = m_events->update(changed); !updated) {
      return tl::unexpected(updated.error());
    }
    Event clash = kept;
    clash.id = 0; // the same uid again: a conflict
    if (auto added = m_events->add(clash); !added) {
      return tl::unexpected(added.error());
    }
    return {};
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(m_events->get(kept.id)->title, "CIS working group");
  EXPECT_EQ(*m_events->count(), 1);
  auto found = m_events->find_uid(kept.uid);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, kept.id);
  EXPECT_FALSE(*m_events->find_uid("nobody@example.org"));
}

TEST_F(RecurrenceStoreTest, a_listing_past_its_expansion_budget_fails_naming_the_event) {
  // Every weekday minute from Tuesday 2 September 08:15, 20,000 times: the
  // first listing of Wednesday the 10th walks the 8,325 minutes before it
  // (no computed step for a rule with BYDAY), more than this budget.
  const Event heartbeat = add({{"title", "Heartbeat"},
                               {"start", "2025-09-02T08:15"},
                               {"tz", "Europe/Minsk"},
                               {"repeat", "FREQ=MINUTELY;BYDAY=MO,TU,WE,TH,FR;COUNT=20000"}});
  add({{"title", "Council"}, {"start", "2025-09-10T03:01"}, {"tz", "Europe/Minsk"}});
  ListQuery query;
  query.range = {sys_days{2025_y / September / 10}, sys_days{2025_y / September / 10} + 5min};
  query.expansion_steps = 1000;
  const auto refused = m_events->list(query);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::over_budget);
  EXPECT_EQ(refused.error().message,
            fmt::format("this listing would expand more than 1000 occurrences of event {} "
                        "('Heartbeat'); narrow the range (--from/--to)",
                        heartbeat.id));
  // The default budget is ample for it: the minutes 03:00-03:04 local and
  // the single event among them, in (start, id) order.
  query.expansion_steps = ListQuery{}.expansion_steps;
  const auto page = m_events->list(query);
  ASSERT_TRUE(page) << page.error().message;
  std::vector<std::string> listed;
  for (const auto &event : page->events()) {
    listed.push_back(event.title + " " + local(event));
  }
  EXPECT_EQ(listed, (std::vector<std::string>{
                        "Heartbeat 2025-09-10T03:00:00", "Heartbeat 2025-09-10T03:01:00",
                        "Council 2025-09-10T03:01:00", "Heartbeat 2025-09-10T03:02:00",
                        "Heartbeat 2025-09-10T03:03:00", "Heartbeat 2025-09-10T03:04:00"}));
}

TEST_F(RecurrenceStoreTest, many_minutely_series_list_only_the_first_limit_occurrences) {
  // 50 endless minutely series: a listing of 10 needs the first few
  // minutes of each, not limit + 1 of each (later series stop at the 11th
  // start found so far), so a small budget suffices.
  for (int i = 0; i < 50; ++i) {
    add({{"title", fmt::format("Series {}", i)},
         {"start", fmt::format("2025-09-02T08:{:02}", i)},
         {"tz", "Europe/Minsk"},
         {"repeat", "FREQ=MINUTELY"}});
  }
  ListQuery query;
  query.range = {sys_days{2025_y / September / 3}, sys_days{2025_y / September / 4}};
  query.limit = 10;
  query.expansion_steps = 2000;
  const auto page = m_events->list(query);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->events().size(), 10U);
  EXPECT_TRUE(page->more);
  // 00:00Z is 03:00 in Minsk: every series has an occurrence then; the
  // first ten by (start, id) are series 0-9 at 03:00.
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(page->events()[i].title, fmt::format("Series {}", i));
    EXPECT_EQ(local(page->events()[i]), "2025-09-03T03:00:00");
  }
}

} // namespace
} // namespace summit::store

namespace summit::store {
namespace {

// Issue 17: a series' reminder taken ahead of its second and put back
// (ReminderStore::withdraw): the next occurrence the take planned goes with
// it, so taking it again plans that one once, not twice.
TEST_F(RecurrenceStoreTest, a_series_reminder_put_back_is_taken_again_and_plans_the_next_once) {
  json params = weekly_minsk();
  params["reminders"] = {"PT1H"};
  const Event series = add(params);
  const SysSeconds first_due = sys_days{2025_y / September / 5} + 6h;
  auto held = m_reminders->take_due(first_due, 24h, k_channels).value();
  ASSERT_EQ(held.fired.size(), 1u);
  ASSERT_EQ(m_reminders->next_due().value(), first_due + date::days{7});
  ASSERT_TRUE(m_reminders->withdraw(held.fired));
  auto pending = m_reminders->pending_for_event(series.id).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].first, held.fired[0].reminder_id);
  EXPECT_EQ(pending[0].second, first_due);
  auto again = m_reminders->take_due(first_due, 24h, k_channels).value();
  ASSERT_EQ(again.fired.size(), 1u);
  EXPECT_EQ(again.fired[0].start_local, "2025-09-05T10:00:00+03:00");
  pending = m_reminders->pending_for_event(series.id).value();
  ASSERT_EQ(pending.size(), 1u) << "the next occurrence planned twice";
  EXPECT_EQ(pending[0].second, first_due + date::days{7});
}

} // namespace
} // namespace summit::store
