// Two-way CalDAV state (schema 010, issue 14) on a real SQLite file with the
// real migrations: what is pending after local writes, what a sync's pushes
// and pull write, conflicts kept, and the mass-deletion guard.
#include "daemon/store/caldav_store.hpp"
#include "daemon/store/calendar_store.hpp"
#include "daemon/store/event_store.hpp"

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
  e.created = k_now;
  e.updated = k_now;
  return e;
}

class CaldavStoreTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "summit-caldav-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    auto store = EventStore::open(m_dir / "summit.db");
    ASSERT_TRUE(store) << store.error().message;
    m_store = std::move(*store);
    Calendar c;
    c.name = "team";
    c.kind = "caldav";
    c.url = "http://127.0.0.1:5232/alice/team/";
    c.state = "never synced";
    auto added = CalendarStore(*m_store).add(c, k_now);
    ASSERT_TRUE(added) << added.error().message;
    m_calendar = *added;
  }
  void TearDown() override {
    m_store.reset();
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  std::int64_t add_local(const std::string &uid, const std::string &title) {
    auto stored = m_store->add(timed(uid, title, k_now + 24h));
    EXPECT_TRUE(stored) << stored.error().message;
    EXPECT_TRUE(CalendarStore(*m_store).assign(stored->id, m_calendar.id));
    return stored->id;
  }
  // A pull bringing `events`, one resource each, as a first sync would.
  CaldavChange pull(std::vector<Event> events, std::vector<std::string> gone = {},
                    bool allow = false) {
    CaldavPull p;
    p.collection_url = m_calendar.url;
    p.sync_token = "t1";
    for (auto &event : events) {
      p.fetched.push_back({"/alice/team/" + event.uid + ".ics", "\"e1\"", {event}, {}});
    }
    p.gone = std::move(gone);
    auto change = CaldavStore(*m_store).apply(m_calendar, {}, p, allow, 0.5, k_now);
    EXPECT_TRUE(change) << change.error().message;
    return change ? *change : CaldavChange{};
  }

  fs::path m_dir;
  std::unique_ptr<EventStore> m_store;
  Calendar m_calendar;
};

TEST_F(CaldavStoreTest, local_adds_edits_and_removals_are_pending_until_pushed) {
  CaldavStore caldav(*m_store);
  pull({timed("s1", "From the server", k_now + 48h)});
  EXPECT_EQ(*caldav.pending_count(m_calendar.id), 0) << "what a sync wrote is not pending";
  const std::int64_t mine = add_local("l1", "Mine");
  auto server = m_store->find_uid("s1");
  ASSERT_TRUE(server && *server);
  Event edited = **server;
  edited.title = "Edited here";
  ASSERT_TRUE(m_store->update(edited));
  auto pending = caldav.pending(m_calendar.id);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 2U);
  EXPECT_EQ((*pending)[0].kind, CaldavPending::Kind::create);
  EXPECT_EQ((*pending)[0].uid, "l1");
  EXPECT_EQ((*pending)[1].kind, CaldavPending::Kind::change);
  EXPECT_EQ((*pending)[1].etag, "\"e1\"");
  ASSERT_TRUE(m_store->remove((**server).id));
  pending = caldav.pending(m_calendar.id);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 2U);
  EXPECT_EQ((*pending)[1].kind, CaldavPending::Kind::remove) << "a removal keeps href and etag";
  EXPECT_EQ((*pending)[1].href, "/alice/team/s1.ics");

  // The pushes succeed: nothing is pending any more.
  std::vector<CaldavPushed> pushed(2);
  pushed[0].change = (*pending)[0];
  pushed[0].href = "/alice/team/l1.ics";
  pushed[0].etag = "\"e2\"";
  auto mine_now = m_store->get(mine);
  ASSERT_TRUE(mine_now);
  pushed[0].snapshot = comparable_event(*mine_now);
  pushed[1].change = (*pending)[1];
  pushed[1].href = (*pending)[1].href;
  CaldavPull nothing;
  nothing.pulled = false;
  ASSERT_TRUE(caldav.apply(m_calendar, pushed, nothing, false, 0.5, k_now));
  EXPECT_EQ(*caldav.pending_count(m_calendar.id), 0);
  auto known = caldav.known(m_calendar.id);
  ASSERT_TRUE(known);
  EXPECT_EQ(known->size(), 1U);
  EXPECT_EQ(known->at("/alice/team/l1.ics"), "\"e2\"");
}

// A sync pushes a bounded batch: 1,000 edits with 1 MiB server copies were
// read at once. At most `most` changes (creates first), and no more once
// the copies read reach `most_bytes`; the rest stay pending.
TEST_F(CaldavStoreTest, one_sync_takes_a_bounded_batch_of_local_changes) {
  CaldavStore caldav(*m_store);
  CaldavPull p;
  p.collection_url = m_calendar.url;
  p.sync_token = "t1";
  for (const char *uid : {"s1", "s2", "s3"}) {
    p.fetched.push_back({std::string("/alice/team/") + uid + ".ics",
                         "\"e1\"",
                         {timed(uid, "Server", k_now + 48h)},
                         std::string(100, 'x')});
  }
  ASSERT_TRUE(caldav.apply(m_calendar, {}, p, false, 0.5, k_now));
  for (const char *uid : {"s1", "s2", "s3"}) {
    auto held = m_store->find_uid(uid);
    ASSERT_TRUE(held && *held);
    Event edited = **held;
    edited.title = "Edited here";
    ASSERT_TRUE(m_store->update(edited));
  }
  add_local("l1", "Mine");
  add_local("l2", "Mine too");
  EXPECT_EQ(*caldav.pending_count(m_calendar.id), 5);

  auto two = caldav.pending(m_calendar.id, 2);
  ASSERT_TRUE(two);
  ASSERT_EQ(two->size(), 2U);
  EXPECT_EQ((*two)[0].uid, "l1");
  EXPECT_EQ((*two)[1].uid, "l2");

  auto three = caldav.pending(m_calendar.id, 3);
  ASSERT_TRUE(three);
  ASSERT_EQ(three->size(), 3U);
  EXPECT_EQ((*three)[2].server_ics.size(), 100U);

  // Copies of 100 bytes against a budget of 150: the one that crosses it is
  // the last taken.
  auto by_bytes = caldav.pending(m_calendar.id, 500, 150);
  ASSERT_TRUE(by_bytes);
  EXPECT_EQ(by_bytes->size(), 4U) << "two creates, then two edits (100 + 100 bytes >= 150)";

  auto all = caldav.pending(m_calendar.id);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 5U);
}

TEST_F(CaldavStoreTest, a_refused_push_keeps_the_local_version_as_a_conflict) {
  CaldavStore caldav(*m_store);
  pull({timed("s1", "Board", k_now + 48h)});
  auto held = m_store->find_uid("s1");
  ASSERT_TRUE(held && *held);
  Event local = **held;
  local.title = "Board (mine)";
  ASSERT_TRUE(m_store->update(local));
  auto pending = caldav.pending(m_calendar.id);
  ASSERT_TRUE(pending && pending->size() == 1U);
  CaldavPushed refused;
  refused.change = pending->front();
  refused.result = CaldavPushed::Result::conflict;
  refused.href = "/alice/team/s1.ics";
  refused.local_ics = "BEGIN:VCALENDAR...";
  CaldavPull p;
  p.sync_token = "t2";
  Event theirs = timed("s1", "Board (theirs)", k_now + 48h);
  p.fetched.push_back({"/alice/team/s1.ics", "\"e9\"", {theirs}, {}});
  auto change = caldav.apply(m_calendar, {refused}, p, false, 0.5, k_now);
  ASSERT_TRUE(change) << change.error().message;
  EXPECT_EQ(change->conflicts, 1);
  EXPECT_EQ(change->updated, 1);
  auto now_held = m_store->find_uid("s1");
  EXPECT_EQ((**now_held).title, "Board (theirs)") << "the server's version wins";
  auto conflicts = caldav.conflicts(m_calendar.id);
  ASSERT_TRUE(conflicts);
  ASSERT_EQ(conflicts->size(), 1U);
  EXPECT_EQ(conflicts->front().title, "Board (mine)");
  EXPECT_EQ(conflicts->front().kind, "edit");
  EXPECT_EQ(*caldav.pending_count(m_calendar.id), 0) << "nothing pushed again by itself";
}

// A server that refuses every push: the local change stays pending and is
// pushed at every sync; it is one conflict, not one more per sync.
TEST_F(CaldavStoreTest, the_same_refused_change_is_one_conflict_however_often_it_is_pushed) {
  CaldavStore caldav(*m_store);
  add_local("n1", "Mine");
  for (int sync = 0; sync < 3; ++sync) {
    auto pending = caldav.pending(m_calendar.id);
    ASSERT_TRUE(pending);
    ASSERT_EQ(pending->size(), 1U) << "still to push, sync " << sync;
    CaldavPushed refused;
    refused.change = pending->front();
    refused.result = CaldavPushed::Result::conflict;
    refused.href = "/alice/team/n1.ics";
    refused.local_ics = "BEGIN:VCALENDAR...n1";
    CaldavPull p;
    p.collection_url = m_calendar.url;
    p.sync_token = "t" + std::to_string(sync);
    auto change = caldav.apply(m_calendar, {refused}, p, false, 0.5, k_now);
    ASSERT_TRUE(change) << change.error().message;
    EXPECT_EQ(change->conflicts, sync == 0 ? 1 : 0) << "sync " << sync;
  }
  auto conflicts = caldav.conflicts(m_calendar.id);
  ASSERT_TRUE(conflicts);
  EXPECT_EQ(conflicts->size(), 1U);
}

TEST_F(CaldavStoreTest, a_server_version_equal_to_the_local_one_is_no_conflict) {
  CaldavStore caldav(*m_store);
  add_local("l1", "Pushed, answer lost");
  auto pending = caldav.pending(m_calendar.id);
  ASSERT_TRUE(pending && pending->size() == 1U);
  CaldavPushed refused; // If-None-Match: * refused: the first PUT had arrived
  refused.change = pending->front();
  refused.result = CaldavPushed::Result::conflict;
  refused.href = "/alice/team/l1.ics";
  CaldavPull p;
  p.fetched.push_back(
      {"/alice/team/l1.ics", "\"e3\"", {timed("l1", "Pushed, answer lost", k_now + 24h)}, {}});
  auto change = caldav.apply(m_calendar, {refused}, p, false, 0.5, k_now);
  ASSERT_TRUE(change) << change.error().message;
  EXPECT_EQ(change->conflicts, 0);
  EXPECT_EQ(change->added, 0) << "no duplicate";
  EXPECT_EQ(*caldav.pending_count(m_calendar.id), 0);
}

TEST_F(CaldavStoreTest, the_guard_stops_a_pull_that_would_empty_the_calendar) {
  std::vector<Event> events;
  std::vector<std::string> hrefs;
  for (int i = 0; i < 6; ++i) {
    events.push_back(timed("u" + std::to_string(i), "Hearing", k_now + 24h * (i + 1)));
    hrefs.push_back("/alice/team/u" + std::to_string(i) + ".ics");
  }
  pull(events);
  hrefs.pop_back();
  CaldavChange stopped = pull({}, hrefs);
  EXPECT_TRUE(stopped.guarded);
  EXPECT_EQ(stopped.would_remove, 5);
  EXPECT_EQ(stopped.held, 6);
  EXPECT_EQ(stopped.removed, 0);
  EXPECT_EQ(*m_store->count(), 6);
  CaldavChange allowed = pull({}, hrefs, /*allow=*/true);
  EXPECT_FALSE(allowed.guarded);
  EXPECT_EQ(allowed.removed, 5);
  EXPECT_EQ(*m_store->count(), 1);
}

TEST_F(CaldavStoreTest, a_few_removals_pass_the_guard) {
  pull({timed("a", "A", k_now + 24h), timed("b", "B", k_now + 48h)});
  CaldavChange change = pull({}, {"/alice/team/a.ics", "/alice/team/b.ics"});
  EXPECT_FALSE(change.guarded) << "fewer than 3 removals are never guarded";
  EXPECT_EQ(change.removed, 2);
}

} // namespace
} // namespace summit::store
