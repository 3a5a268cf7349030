// Calendars (schema 009, issue 14) on a real SQLite file with the real
// migrations: an old database keeps its events in `personal`; a
// subscription's new version replaces its events by UID in one
// transaction and leaves the reminders of unchanged events alone.
#include "daemon/store/calendar_store.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/migrator.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <date/date.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace summit::store {
namespace {

namespace fs = std::filesystem;
using namespace date;
using namespace std::chrono_literals;
using core::Event;
using core::SysSeconds;

const SysSeconds k_now = sys_days{2026_y / December / 7} + 21h;

Event timed(std::string uid, std::string title, SysSeconds start) {
  Event e;
  e.uid = std::move(uid);
  e.title = std::move(title);
  e.precision = core::Precision::timed;
  e.tz = "UTC";
  e.start_local = core::LocalSeconds{start.time_since_epoch()};
  e.end_local = e.start_local + 1h;
  e.has_end = true;
  e.start_utc = start;
  e.end_utc = start + 1h;
  e.reminders = {core::Reminder{core::Seconds{3600}, std::nullopt}};
  e.created = k_now;
  e.updated = k_now;
  return e;
}

class CalendarStoreTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "summit-calendars-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_path = m_dir / "summit.db";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  std::unique_ptr<EventStore> open() {
    auto store = EventStore::open(m_path);
    EXPECT_TRUE(store) << store.error().message;
    return std::move(*store);
  }
  // The pending reminder instance ids of event `id`.
  std::vector<std::int64_t> instances(EventStore &store, std::int64_t id) {
    SQLite::Statement s(store.database(), "SELECT id FROM reminder_instances WHERE event_id = ? "
                                          "AND state = 'pending' ORDER BY id");
    s.bind(1, id);
    std::vector<std::int64_t> ids;
    while (s.executeStep()) {
      ids.push_back(s.getColumn(0).getInt64());
    }
    return ids;
  }
  Calendar subscription(CalendarStore &calendars) {
    Calendar c;
    c.name = "un";
    c.kind = "subscription";
    c.url = "https://example.org/un.ics";
    c.every = 6h;
    c.state = "never synced";
    auto added = calendars.add(c, k_now);
    EXPECT_TRUE(added) << added.error().message;
    return *added;
  }
  fs::path m_dir;
  fs::path m_path;
};

TEST_F(CalendarStoreTest, an_old_database_keeps_its_events_in_personal) {
  {
    // A database as summit 008 and before left it: schema 7, one event.
    SQLite::Database db(m_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    std::vector<Migration> old;
    for (const auto &migration : embedded_migrations()) {
      if (migration.version <= 7) {
        old.push_back(migration);
      }
    }
    auto applied = apply_migrations(db, old);
    ASSERT_TRUE(applied) << applied.error().message;
    ASSERT_EQ(*applied, 7);
    db.exec("INSERT INTO events (id, uid, title, precision, start_local, end_local, has_end, tz, "
            "start_utc, end_utc, status, owner_uid, created, updated) VALUES (5, 'old@x', "
            "'Old meeting', 'timed', '2030-01-01T10:00:00', '2030-01-01T10:00:00', 0, 'UTC', "
            "1893492000, 1893492000, 'confirmed', 0, 0, 0)");
  }
  auto store = open();
  EXPECT_GE(store->schema_version(), 9);
  CalendarStore calendars(*store);
  auto list = calendars.list();
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().name, "personal");
  EXPECT_EQ(list->front().kind, "local");
  EXPECT_EQ(list->front().events, 1);
  auto of = calendars.of_event(5);
  ASSERT_TRUE(of);
  EXPECT_EQ(of->name, "personal");
  ListQuery q;
  q.range = core::TimeRange{SysSeconds{}, SysSeconds::max()};
  q.calendar_id = 1;
  auto page = store->list(q);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->entries.size(), 1u);
}

TEST_F(CalendarStoreTest, personal_cannot_be_removed_and_names_are_unique) {
  auto store = open();
  CalendarStore calendars(*store);
  auto refused = calendars.remove(1);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("cannot be removed"), std::string::npos);
  subscription(calendars);
  Calendar again;
  again.name = "un";
  again.kind = "local";
  again.state = "ok";
  auto taken = calendars.add(again, k_now);
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, core::ErrorCode::conflict);
  // Names differ by more than case, and are found whatever the case.
  again.name = "PERSONAL";
  auto personal = calendars.add(again, k_now);
  ASSERT_FALSE(personal);
  EXPECT_NE(personal.error().message.find("'personal' already exists"), std::string::npos)
      << personal.error().message;
  auto found = calendars.find("UN");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "un");
}

TEST_F(CalendarStoreTest, a_new_version_replaces_by_uid_and_spares_unchanged_reminders) {
  auto store = open();
  CalendarStore calendars(*store);
  const Calendar un = subscription(calendars);
  const SysSeconds sep = sys_days{2030_y / September / 15} + 9h;
  auto first = calendars.replace_events(
      un.id,
      {timed("a", "Plenary", sep), timed("b", "Side", sep + 24h), timed("d", "Closing", sep + 72h)},
      "\"v1\"", "", k_now);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->added, 3);
  const auto a = store->find_uid("a").value().value();
  const auto d = store->find_uid("d").value().value();
  const auto a_before = instances(*store, a.id);
  const auto d_before = instances(*store, d.id);
  ASSERT_EQ(d_before.size(), 1u);

  auto second = calendars.replace_events(un.id,
                                         {timed("a", "Plenary (Hall B)", sep + 1h),
                                          timed("c", "Briefing", sep + 48h),
                                          timed("d", "Closing", sep + 72h)},
                                         "\"v2\"", "", k_now + 1h);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->added, 1);
  EXPECT_EQ(second->updated, 1);
  EXPECT_EQ(second->removed, 1);
  EXPECT_EQ(second->unchanged, 1);
  EXPECT_FALSE(store->find_uid("b").value().has_value());
  EXPECT_EQ(store->find_uid("a").value()->title, "Plenary (Hall B)");
  EXPECT_EQ(instances(*store, d.id), d_before);
  EXPECT_NE(instances(*store, a.id), a_before);
  auto found = calendars.find("un");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->etag, "\"v2\"");
  EXPECT_EQ((*found)->state, "ok");
  EXPECT_EQ((*found)->events, 0); // find() does not count; list() does
}

TEST_F(CalendarStoreTest, a_uid_of_another_calendar_is_skipped_not_taken) {
  auto store = open();
  const SysSeconds sep = sys_days{2030_y / September / 15} + 9h;
  ASSERT_TRUE(store->add(timed("mine", "My copy", sep)));
  CalendarStore calendars(*store);
  const Calendar un = subscription(calendars);
  auto change =
      calendars.replace_events(un.id, {timed("mine", "Their version", sep)}, "", "", k_now);
  ASSERT_TRUE(change) << change.error().message;
  EXPECT_EQ(change->added, 0);
  ASSERT_EQ(change->skipped.size(), 1u);
  EXPECT_NE(change->skipped[0].find("already in calendar 'personal'"), std::string::npos);
  EXPECT_EQ(store->find_uid("mine").value()->title, "My copy");
}

TEST_F(CalendarStoreTest, a_failure_keeps_the_events_and_records_the_error) {
  auto store = open();
  CalendarStore calendars(*store);
  const Calendar un = subscription(calendars);
  const SysSeconds sep = sys_days{2030_y / September / 15} + 9h;
  ASSERT_TRUE(calendars.replace_events(un.id, {timed("a", "Plenary", sep)}, "\"v1\"", "", k_now));
  ASSERT_TRUE(
      calendars.record_failure(un.id, "https://example.org/un.ics answered HTTP 500", k_now + 6h));
  auto list = calendars.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(list->at(1).state, "error");
  EXPECT_EQ(list->at(1).error, "https://example.org/un.ics answered HTTP 500");
  EXPECT_EQ(list->at(1).events, 1);
  EXPECT_EQ(list->at(1).etag, "\"v1\"");
  EXPECT_EQ(list->at(1).last_success, k_now);
}

TEST_F(CalendarStoreTest, removing_a_calendar_removes_its_events_only) {
  auto store = open();
  const SysSeconds sep = sys_days{2030_y / September / 15} + 9h;
  ASSERT_TRUE(store->add(timed("mine", "Mine", sep)));
  CalendarStore calendars(*store);
  const Calendar un = subscription(calendars);
  ASSERT_TRUE(calendars.replace_events(
      un.id, {timed("a", "Plenary", sep), timed("b", "Side", sep + 1h)}, "", "", k_now));
  auto removed = calendars.remove(un.id);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(store->count().value(), 1);
  EXPECT_FALSE(calendars.find("un").value().has_value());
}

} // namespace
} // namespace summit::store
