// The text index written once per transaction (schema 012,
// daemon/store/search_index.hpp), on a real SQLite file with the real
// migrations, through EventStore with group commit on as summitd runs it.
#include "daemon/store/event_store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <date/date.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace summit::store {
namespace {

namespace fs = std::filesystem;
using namespace date;
using namespace std::chrono_literals;

core::Event meeting(std::string title, std::string location) {
  core::Event e;
  e.title = std::move(title);
  e.location = std::move(location);
  e.precision = core::Precision::timed;
  e.tz = "UTC";
  e.start_utc = sys_days{2027_y / March / 1} + 10h;
  e.end_utc = e.start_utc + 1h;
  e.start_local = core::LocalSeconds{e.start_utc.time_since_epoch()};
  e.end_local = core::LocalSeconds{e.end_utc.time_since_epoch()};
  e.has_end = true;
  return e;
}

class SearchIndexTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "summit-fts-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_path = m_dir / "summit.db";
    auto opened = EventStore::open(m_path);
    ASSERT_TRUE(opened) << opened.error().message;
    m_store = std::move(*opened);
    m_store->enable_group_commit([] {}); // committed by the test, as the loop does
  }
  void TearDown() override {
    m_store.reset();
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }

  std::int64_t add(const std::string &title, const std::string &location) {
    auto added = m_store->add(meeting(title, location));
    EXPECT_TRUE(added) << added.error().message;
    return added ? added->id : 0;
  }

  // What another connection (the worker's, a restarted daemon's) finds.
  std::vector<std::int64_t> matches(const std::string &words) {
    SQLite::Database db(m_path.string(), SQLite::OPEN_READONLY);
    SQLite::Statement s(db, "SELECT rowid FROM events_fts WHERE events_fts MATCH ? ORDER BY rowid");
    s.bind(1, words);
    std::vector<std::int64_t> ids;
    while (s.executeStep()) {
      ids.push_back(s.getColumn(0).getInt64());
    }
    return ids;
  }

  // FTS5's own check of the index against the events table (external
  // content): throws when an entry is missing, extra or stale.
  void expect_index_matches_events() {
    SQLite::Database db(m_path.string(), SQLite::OPEN_READWRITE);
    EXPECT_NO_THROW(db.exec("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')"));
  }

  fs::path m_dir;
  fs::path m_path;
  std::unique_ptr<EventStore> m_store;
};

TEST_F(SearchIndexTest, events_of_a_group_are_found_once_it_commits) {
  const auto first = add("Council of Heads of Government", "Minsk, Belarus");
  const auto second = add("Working group", "Minsk, Belarus");
  const auto third = add("Trade forum", "Almaty, Kazakhstan");
  ASSERT_TRUE(m_store->commit_group());
  EXPECT_EQ(matches("minsk"), (std::vector<std::int64_t>{first, second}));
  EXPECT_EQ(matches("almaty"), (std::vector<std::int64_t>{third}));
  expect_index_matches_events();
}

TEST_F(SearchIndexTest, a_search_in_the_open_group_finds_its_new_events) {
  add("Council of Heads of Government", "Minsk, Belarus");
  ListQuery query;
  query.range = core::TimeRange{core::SysSeconds::min(), core::SysSeconds::max()};
  query.search = "minsk";
  auto page = m_store->list(query);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->events().size(), 1U);
  EXPECT_EQ(page->events()[0].title, "Council of Heads of Government");
  ASSERT_TRUE(m_store->commit_group());
  expect_index_matches_events();
}

TEST_F(SearchIndexTest,
       an_event_changed_or_removed_before_its_group_commits_is_indexed_as_it_ends) {
  const auto kept = add("Summit", "Minsk, Belarus");
  ASSERT_TRUE(m_store->commit_group());
  // One group: a new event renamed, another new one removed, an indexed
  // one renamed and an indexed one removed.
  const auto renamed = add("Board", "Dushanbe, Tajikistan");
  const auto removed = add("Forum", "Bishkek, Kyrgyzstan");
  auto event = m_store->get(renamed);
  ASSERT_TRUE(event);
  event->location = "Tashkent, Uzbekistan";
  ASSERT_TRUE(m_store->update(*event));
  ASSERT_TRUE(m_store->remove(removed));
  auto old = m_store->get(kept);
  ASSERT_TRUE(old);
  old->location = "Baku, Azerbaijan";
  ASSERT_TRUE(m_store->update(*old));
  ASSERT_TRUE(m_store->commit_group());
  EXPECT_TRUE(matches("dushanbe").empty());
  EXPECT_EQ(matches("tashkent"), (std::vector<std::int64_t>{renamed}));
  EXPECT_TRUE(matches("bishkek").empty());
  EXPECT_TRUE(matches("minsk").empty());
  EXPECT_EQ(matches("baku"), (std::vector<std::int64_t>{kept}));
  ASSERT_TRUE(m_store->remove(kept));
  ASSERT_TRUE(m_store->commit_group());
  EXPECT_TRUE(matches("baku").empty());
  expect_index_matches_events();
}

TEST_F(SearchIndexTest, a_write_that_fails_in_a_group_leaves_no_index_entry) {
  const auto first = add("Summit", "Minsk, Belarus");
  auto clash = meeting("Summit again", "Yerevan, Armenia");
  clash.uid = "same@test";
  ASSERT_TRUE(m_store->add(clash));
  clash.title = "Other";
  clash.location = "Chisinau, Moldova";
  EXPECT_FALSE(m_store->add(clash)); // the uid is taken: rolled back alone
  ASSERT_TRUE(m_store->commit_group());
  EXPECT_EQ(matches("minsk"), (std::vector<std::int64_t>{first}));
  EXPECT_TRUE(matches("chisinau").empty());
  EXPECT_EQ(matches("yerevan").size(), 1U);
  expect_index_matches_events();
}

TEST_F(SearchIndexTest, a_whole_group_writes_one_segment) {
  for (int i = 0; i < 200; ++i) {
    add("Working group " + std::to_string(i), "Minsk, Belarus");
  }
  ASSERT_TRUE(m_store->commit_group());
  EXPECT_EQ(matches("minsk").size(), 200U);
  // FTS5 keeps one row of events_fts_data per leaf page plus the structure
  // and averages records; a segment per add (the old per-row trigger inside
  // each write's savepoint) left hundreds of leaves before merging.
  SQLite::Database db(m_path.string(), SQLite::OPEN_READONLY);
  const auto rows = db.execAndGet("SELECT count(*) FROM events_fts_data").getInt64();
  EXPECT_LE(rows, 6); // 13 with the old trigger (200 adds), 4 now
  expect_index_matches_events();
}

TEST_F(SearchIndexTest, events_another_program_inserted_are_indexed_when_the_store_opens) {
  add("Summit", "Minsk, Belarus");
  ASSERT_TRUE(m_store->commit_group());
  m_store.reset();
  {
    // As bench fills and reminder_bench.py write rows: no text index.
    SQLite::Database db(m_path.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO events (uid, title, precision, start_local, end_local, has_end, tz, "
            "start_utc, end_utc, location, status, owner_uid, created, updated) VALUES "
            "('filled@test', 'Filled', 'timed', '2027-01-01T10:00:00', '2027-01-01T10:00:00', 0, "
            "'UTC', 0, 0, 'Astana, Kazakhstan', 'confirmed', 0, 0, 0)");
  }
  EXPECT_TRUE(matches("astana").empty());
  auto opened = EventStore::open(m_path);
  ASSERT_TRUE(opened) << opened.error().message;
  m_store = std::move(*opened);
  EXPECT_EQ(matches("astana").size(), 1U);
  EXPECT_EQ(matches("minsk").size(), 1U);
  expect_index_matches_events();
}

TEST_F(SearchIndexTest, the_events_table_checks_its_columns_without_a_temporary_index) {
  // A CHECK `x IN (three constants)` builds a temporary index for each row
  // written (OpenEphemeral); schema 012 writes them as OR chains, and the
  // connection that migrated must see the new text.
  SQLite::Statement explain(
      m_store->database(),
      "EXPLAIN INSERT INTO events (uid, title, precision, start_local, end_local, has_end, tz, "
      "start_utc, end_utc, status, owner_uid, created, updated) VALUES ('x', 'x', 'timed', "
      "'2027-01-01T10:00:00', '2027-01-01T10:00:00', 0, 'UTC', 0, 0, 'confirmed', 0, 0, 0)");
  int ephemeral = 0;
  while (explain.executeStep()) {
    if (explain.getColumn(1).getString() == "OpenEphemeral") {
      ++ephemeral;
    }
  }
  EXPECT_EQ(ephemeral, 0);
  // The rule itself is unchanged.
  EXPECT_THROW(m_store->database().exec(
                   "INSERT INTO events (uid, title, precision, start_local, end_local, has_end, "
                   "tz, start_utc, end_utc, status, owner_uid, created, updated) VALUES ('y', "
                   "'y', 'weekly', '2027-01-01T10:00:00', '2027-01-01T10:00:00', 0, 'UTC', 0, 0, "
                   "'confirmed', 0, 0, 0)"),
               SQLite::Exception);
  EXPECT_THROW(m_store->database().exec(
                   "INSERT INTO events (uid, title, precision, start_local, end_local, has_end, "
                   "tz, start_utc, end_utc, status, owner_uid, created, updated) VALUES ('z', "
                   "'z', 'timed', '2027-01-01T10:00:00', '2027-01-01T10:00:00', 0, 'UTC', 0, 0, "
                   "'postponed', 0, 0, 0)"),
               SQLite::Exception);
}

} // namespace
} // namespace summit::store
