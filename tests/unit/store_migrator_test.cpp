// Opening a database file: migrations, and the files summitd must refuse
// without changing a byte.
#include "daemon/store/event_store.hpp"
#include "daemon/store/migrator.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace summit::store {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;

std::string file_bytes(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> folder_listing(const fs::path &dir) {
  std::vector<std::string> names;
  for (const auto &entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

int user_version(const fs::path &path) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA user_version").getInt();
}

bool has_message(const core::Error &error, const std::string &part) {
  return error.message.find(part) != std::string::npos;
}

// The real migrations plus test steps after them: the store needs the real
// schema, and step "3" only works after step "2". k_base + 1 and k_base + 2
// are the versions the steps get; the trail records them as 2 and 3.
const int k_base = embedded_migrations().back().version;
std::vector<Migration> with_steps(std::vector<Migration> extra) {
  std::vector<Migration> all = embedded_migrations();
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}
const Migration k_step2{k_base + 1, "900_trail.sql",
                        "CREATE TABLE trail (step INTEGER);"
                        "INSERT INTO trail VALUES (2);"};
const Migration k_step3{k_base + 2, "901_more.sql", "INSERT INTO trail VALUES (3);"};
const Migration k_broken3{k_base + 2, "901_broken.sql",
                          "CREATE TABLE half (x INTEGER);"
                          "INSERT INTO trail VALUES (3);"
                          "INSERT INTO no_such_table VALUES (1);"};

class OpenTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "summit-open-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_path = m_dir / "summit.db";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }

  std::vector<int> trail() {
    SQLite::Database db(m_path.string(), SQLite::OPEN_READONLY);
    SQLite::Statement s(db, "SELECT step FROM trail ORDER BY rowid");
    std::vector<int> steps;
    while (s.executeStep()) {
      steps.push_back(s.getColumn(0).getInt());
    }
    return steps;
  }

  fs::path m_dir;
  fs::path m_path;
};

TEST_F(OpenTest, a_new_file_gets_the_embedded_schema_in_wal_mode) {
  auto store = EventStore::open(m_path);
  ASSERT_TRUE(store) << store.error().message;
  const int newest = embedded_migrations().back().version;
  EXPECT_EQ((*store)->schema_version(), newest);
  auto &db = (*store)->database();
  EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), newest);
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(db.execAndGet("PRAGMA foreign_keys").getInt(), 1);
  EXPECT_EQ(db.execAndGet("PRAGMA synchronous").getInt(), 2); // FULL
  EXPECT_EQ(*(*store)->count(), 0);
}

TEST_F(OpenTest, missing_parent_folders_are_created_private) {
  const fs::path nested = m_dir / "data" / "summit" / "summit.db";
  auto store = EventStore::open(nested);
  ASSERT_TRUE(store) << store.error().message;
  for (const fs::path &dir : {m_dir / "data", m_dir / "data" / "summit"}) {
    EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms::owner_all) << dir;
  }
  EXPECT_TRUE(fs::exists(nested));
}

TEST_F(OpenTest, missing_folders_are_refused_when_they_are_not_to_be_created) {
  const fs::path nested = m_dir / "typo" / "summit.db";
  StoreOptions options;
  options.create_missing_folders = false;
  auto store = EventStore::open(nested, options);
  ASSERT_FALSE(store);
  EXPECT_TRUE(has_message(store.error(), "the folder '" + (m_dir / "typo").string() +
                                             "' of the database does not exist"))
      << store.error().message;
  EXPECT_FALSE(fs::exists(m_dir / "typo"));
}

TEST_F(OpenTest, a_new_file_and_its_wal_are_0600_whatever_the_umask) {
  for (const mode_t mask : {mode_t{022}, mode_t{0}, mode_t{0277}}) {
    const fs::path path = m_dir / ("umask" + std::to_string(mask) + ".db");
    const mode_t old = ::umask(mask);
    auto store = EventStore::open(path);
    ::umask(old);
    ASSERT_TRUE(store) << store.error().message;
    for (const fs::path &file :
         {path, fs::path(path.string() + "-wal"), fs::path(path.string() + "-shm")}) {
      ASSERT_TRUE(fs::exists(file)) << file;
      EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
                fs::perms::owner_read | fs::perms::owner_write)
          << file << " under umask " << mask;
    }
  }
}

TEST_F(OpenTest, a_new_file_that_could_not_be_set_up_is_not_left_behind_empty) {
  // A migration that fails at once: SQLite never wrote the file summitd made.
  const std::vector<Migration> broken{Migration{1, "001_broken.sql", "THIS IS NOT SQL;"}};
  StoreOptions options;
  options.migrations = &broken;
  auto store = EventStore::open(m_path, options);
  ASSERT_FALSE(store);
  if (fs::exists(m_path)) {
    EXPECT_GT(fs::file_size(m_path), 0U) << "an empty file would be refused at the next start";
  }
}

TEST_F(OpenTest, migrations_run_in_version_order_whatever_order_they_are_given) {
  std::vector<Migration> shuffled{k_step3};
  const auto &embedded = embedded_migrations();
  shuffled.insert(shuffled.end(), embedded.rbegin(), embedded.rend());
  shuffled.push_back(k_step2);
  auto store = EventStore::open(m_path, StoreOptions{&shuffled});
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->schema_version(), k_base + 2);
  store->reset();
  EXPECT_EQ(user_version(m_path), k_base + 2);
  EXPECT_EQ(trail(), (std::vector<int>{2, 3}));
}

TEST_F(OpenTest, reopening_applies_only_the_new_migrations) {
  const auto first = with_steps({k_step2});
  ASSERT_TRUE(EventStore::open(m_path, StoreOptions{&first}));
  EXPECT_EQ(user_version(m_path), k_base + 1);
  const auto second = with_steps({k_step2, k_step3});
  auto store = EventStore::open(m_path, StoreOptions{&second});
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->schema_version(), k_base + 2);
  store->reset();
  EXPECT_EQ(trail(), (std::vector<int>{2, 3}));
}

TEST_F(OpenTest, a_failing_migration_rolls_back_and_leaves_the_previous_version) {
  const auto broken = with_steps({k_step2, k_broken3});
  auto store = EventStore::open(m_path, StoreOptions{&broken});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::storage);
  EXPECT_TRUE(has_message(store.error(), "901_broken.sql")) << store.error().message;
  EXPECT_TRUE(has_message(store.error(), "no such table: no_such_table")) << store.error().message;
  EXPECT_TRUE(has_message(store.error(), "stays at schema version " + std::to_string(k_base + 1)))
      << store.error().message;

  EXPECT_EQ(user_version(m_path), k_base + 1);
  EXPECT_EQ(trail(), std::vector<int>{2});
  SQLite::Database db(m_path.string(), SQLite::OPEN_READONLY);
  EXPECT_FALSE(db.tableExists("half"));

  // Fixed, the step applies on the next start.
  const auto fixed = with_steps({k_step2, k_step3});
  ASSERT_TRUE(EventStore::open(m_path, StoreOptions{&fixed}));
  EXPECT_EQ(trail(), (std::vector<int>{2, 3}));
}

TEST_F(OpenTest, two_migrations_with_one_version_are_refused) {
  const auto twice = with_steps({k_step2, Migration{k_base + 1, "900_again.sql", "SELECT 1;"}});
  auto store = EventStore::open(m_path, StoreOptions{&twice});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::internal);
  EXPECT_FALSE(fs::exists(m_path));
}

TEST_F(OpenTest, a_newer_schema_is_refused_and_the_file_left_untouched) {
  {
    SQLite::Database db(m_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE events_v99 (id INTEGER PRIMARY KEY); "
            "INSERT INTO events_v99 VALUES (1); PRAGMA user_version = 99;");
  }
  const std::string before = file_bytes(m_path);
  const auto files_before = folder_listing(m_dir);

  auto store = EventStore::open(m_path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::storage);
  const std::string newest = std::to_string(embedded_migrations().back().version);
  EXPECT_TRUE(has_message(store.error(), "schema version is 99")) << store.error().message;
  EXPECT_TRUE(has_message(store.error(), "versions up to " + newest)) << store.error().message;
  EXPECT_TRUE(has_message(store.error(), "upgrade summitd")) << store.error().message;

  EXPECT_EQ(file_bytes(m_path), before); // still a rollback-journal file, same bytes
  EXPECT_EQ(folder_listing(m_dir), files_before);
}

// A newer summitd stopped with un-checkpointed writes in its WAL: closing our
// connection must not fold them into the main file.
TEST_F(OpenTest, a_newer_schema_with_a_pending_wal_is_left_untouched) {
  {
    SQLite::Database db(m_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x); PRAGMA wal_autocheckpoint = 0;");
    ASSERT_EQ(sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr),
              SQLITE_OK);
    db.exec("INSERT INTO t VALUES (1); PRAGMA user_version = 99;");
  }
  const fs::path wal = m_path.string() + "-wal";
  ASSERT_TRUE(fs::exists(wal));
  ASSERT_GT(fs::file_size(wal), 0u);
  const std::string before = file_bytes(m_path);
  const std::string wal_before = file_bytes(wal);

  auto store = EventStore::open(m_path);
  ASSERT_FALSE(store);
  EXPECT_TRUE(has_message(store.error(), "schema version is 99")) << store.error().message;
  EXPECT_EQ(file_bytes(m_path), before);
  EXPECT_EQ(file_bytes(wal), wal_before);
}

TEST_F(OpenTest, a_file_that_is_not_a_database_is_refused_untouched) {
  for (const std::string &content :
       {std::string("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n"), std::string(8192, '\x5a')}) {
    {
      std::ofstream out(m_path, std::ios::binary | std::ios::trunc);
      out << content;
    }
    auto store = EventStore::open(m_path);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::storage);
    EXPECT_TRUE(has_message(store.error(), "not a SQLite database")) << store.error().message;
    EXPECT_TRUE(has_message(store.error(), m_path.string())) << store.error().message;
    EXPECT_EQ(file_bytes(m_path), content);
    EXPECT_EQ(folder_listing(m_dir), std::vector<std::string>{"summit.db"});
  }
}

TEST_F(OpenTest, another_programs_database_is_refused_untouched) {
  {
    SQLite::Database db(m_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)");
  }
  const std::string before = file_bytes(m_path);
  auto store = EventStore::open(m_path);
  ASSERT_FALSE(store);
  EXPECT_TRUE(has_message(store.error(), "some other program")) << store.error().message;
  EXPECT_EQ(file_bytes(m_path), before);
}

TEST_F(OpenTest, an_unopenable_path_says_which_file) {
  fs::create_directory(m_path); // a folder where the file should be
  auto store = EventStore::open(m_path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::storage);
  EXPECT_TRUE(has_message(store.error(), m_path.string())) << store.error().message;
}

TEST(OrderedMigrations, sorts_by_version_and_rejects_version_zero) {
  auto ordered = ordered_migrations({Migration{3, "c", ""}, Migration{1, "a", ""}});
  ASSERT_TRUE(ordered);
  EXPECT_EQ(ordered->front().name, "a");
  EXPECT_FALSE(ordered_migrations({Migration{0, "zero", ""}}));
}

} // namespace
} // namespace summit::store
