// Request keys in the store (schema 005): found per uid until they expire,
// pruned as new ones are recorded, and a database at schema 4 upgrades.
#include "daemon/store/event_store.hpp"
#include "daemon/store/migrator.hpp"

#include <SQLiteCpp/Database.h>
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

const core::SysSeconds k_monday = sys_days{2025_y / September / 22} + 9h;

core::Event lunch() {
  core::Event e;
  e.title = "Lunch";
  e.precision = core::Precision::timed;
  e.tz = "UTC";
  e.start_local = core::LocalSeconds{(k_monday + 3h).time_since_epoch()};
  e.end_local = e.start_local;
  e.start_utc = k_monday + 3h;
  e.end_utc = e.start_utc;
  e.created = k_monday;
  e.updated = k_monday;
  return e;
}

class RequestKeysTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "summit-keys-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_path = m_dir / "summit.db";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  fs::path m_dir;
  fs::path m_path;
};

TEST_F(RequestKeysTest, a_key_is_found_for_its_uid_until_it_expires) {
  auto store = EventStore::open(m_path);
  ASSERT_TRUE(store) << store.error().message;
  auto &s = **store;
  ASSERT_TRUE(s.record_request(1000, "k-1", "event.add", R"({"event":{"id":1}})", k_monday,
                               k_monday - 24h));

  auto found = s.find_request(1000, "k-1", k_monday - 24h);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->method, "event.add");
  EXPECT_EQ((*found)->result, R"({"event":{"id":1}})");
  // Another user's key of the same name is another key.
  auto other = s.find_request(1001, "k-1", k_monday - 24h);
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);
  // Recorded before `since`: expired.
  auto expired = s.find_request(1000, "k-1", k_monday + 1s);
  ASSERT_TRUE(expired);
  EXPECT_FALSE(*expired);
}

TEST_F(RequestKeysTest, recording_a_key_prunes_the_expired_ones) {
  auto store = EventStore::open(m_path);
  ASSERT_TRUE(store) << store.error().message;
  auto &s = **store;
  ASSERT_TRUE(s.record_request(1000, "old", "event.add", "{}", k_monday, k_monday - 24h));
  ASSERT_TRUE(s.record_request(1000, "recent", "event.add", "{}", k_monday + 20h, k_monday - 4h));
  const auto later = k_monday + 25h;
  ASSERT_TRUE(s.record_request(1000, "new", "event.add", "{}", later, later - 24h));
  SQLite::Database db(m_path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement keys(db, "SELECT key FROM request_keys ORDER BY key");
  std::vector<std::string> left;
  while (keys.executeStep()) {
    left.push_back(keys.getColumn(0).getString());
  }
  EXPECT_EQ(left, (std::vector<std::string>{"new", "recent"}));
}

// A key commits or rolls back with the write it belongs to.
TEST_F(RequestKeysTest, a_key_is_written_in_the_transaction_of_its_change) {
  auto store = EventStore::open(m_path);
  ASSERT_TRUE(store) << store.error().message;
  auto &s = **store;
  auto failed = s.write_together([&]() -> core::Result<void> {
    if (auto added = s.add(lunch()); !added) {
      return tl::unexpected(added.error());
    }
    if (auto recorded = s.record_request(1000, "k-1", "event.add", "{}", k_monday, k_monday - 24h);
        !recorded) {
      return recorded;
    }
    return core::fail(core::ErrorCode::storage, "disk full (simulated)");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(*s.count(), 0);
  auto found = s.find_request(1000, "k-1", k_monday - 24h);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TEST_F(RequestKeysTest, a_database_at_schema_4_upgrades_and_keeps_its_events) {
  std::vector<Migration> up_to_4;
  for (const auto &migration : embedded_migrations()) {
    if (migration.version <= 4) {
      up_to_4.push_back(migration);
    }
  }
  ASSERT_EQ(up_to_4.size(), 4u);
  {
    // Today's store prepares its statements for today's schema (its INSERT
    // takes the id from schema 7's event_id_floor) and cannot open a file
    // at 4, so the file a schema-4 summitd left is made here: the schema
    // by the migrations up to 4, the event as a row of that schema.
    SQLite::Database db(m_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    auto version = apply_migrations(db, up_to_4);
    ASSERT_TRUE(version) << version.error().message;
    EXPECT_EQ(*version, 4);
    db.exec("INSERT INTO events (uid, title, precision, start_local, end_local, has_end, tz, "
            "start_utc, end_utc, status, owner_uid, created, updated) VALUES ('lunch@test', "
            "'Lunch', 'timed', '2025-09-22T12:00:00', '2025-09-22T13:00:00', 1, "
            "'Europe/Minsk', 1758531600, 1758535200, 'confirmed', 1000, 0, 0)");
  }
  auto store = EventStore::open(m_path);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_GE((*store)->schema_version(), 5);
  EXPECT_EQ(*(*store)->count(), 1);
  ASSERT_TRUE((*store)->record_request(1000, "k-1", "event.add", "{}", k_monday, k_monday - 24h));
  auto found = (*store)->find_request(1000, "k-1", k_monday - 24h);
  ASSERT_TRUE(found && *found);
}

} // namespace
} // namespace summit::store
