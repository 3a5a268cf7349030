// calendar.import / import.commit off the loop and in chunks, and request
// keys on event.add and the imports (issue 13).
#include "core/rpc.hpp"
#include "daemon/server/calendar_handlers.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/server/status_handler.hpp"
#include "daemon/store/event_store.hpp"
#include "server_test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace summit;
using nlohmann::json;

namespace {

constexpr std::uint32_t k_alice = 4242;
constexpr std::uint32_t k_bob = 4343;

core::SysSeconds june_first() {
  return date::sys_days{date::year{2025} / 6 / 1} + std::chrono::hours{12};
}

// `count` events with UIDs ev-0@test ... in one iCalendar text.
std::string calendar_of(int count, int first = 0) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//summit tests//EN\r\n";
  for (int i = first; i < first + count; ++i) {
    text += fmt::format("BEGIN:VEVENT\r\nUID:ev-{}@test\r\nDTSTAMP:20250101T000000Z\r\n"
                        "DTSTART:20250901T100000Z\r\nSUMMARY:Event {}\r\nEND:VEVENT\r\n",
                        i, i);
  }
  return text + "END:VCALENDAR\r\n";
}

// A connection that hands each reply line to `on_reply`.
class RecordingConnection final : public server::Connection {
public:
  RecordingConnection(server::Peer peer, std::function<void(const json &)> on_reply)
      : m_peer(peer), m_on_reply(std::move(on_reply)) {}
  std::size_t notify(std::string, std::size_t) override { return 0; }
  void reply(std::string line) override { m_on_reply(json::parse(line)); }
  bool closed() const override { return false; }
  const server::Peer &peer() const override { return m_peer; }

private:
  server::Peer m_peer;
  std::function<void(const json &)> m_on_reply;
};

class StoreGroup final : public server::CommitGroup {
public:
  explicit StoreGroup(store::EventStore &store) : m_store(store) {}
  bool open() const override { return m_store.group_open(); }
  std::uint64_t writes() const override { return m_store.writes(); }

private:
  store::EventStore &m_store;
};

std::string request(int id, const std::string &method, const json &params) {
  const auto line = core::rpc::to_line(core::rpc::make_request(id, method, params));
  return line.substr(0, line.size() - 1);
}

class CalendarHandlersTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto store = store::EventStore::open(m_dir.path() / "summit.db");
    ASSERT_TRUE(store) << store.error().message;
    m_store = std::move(*store);
  }

  // The handlers with `options`, registered with the event and status
  // methods.
  void make_handlers(server::CalendarHandlerOptions options) {
    m_calendar = std::make_unique<server::CalendarHandlers>(*m_store, std::move(options));
    m_calendar->register_with(m_dispatcher);
    m_events = std::make_unique<server::EventHandlers>(*m_store, nullptr);
    m_events->register_with(m_dispatcher);
    server::DaemonInfo info{"/tmp/x.sock", "/tmp/x.db", "user", "2026f", june_first()};
    m_status = std::make_unique<server::StatusHandler>(*m_store, info);
    m_status->register_with(m_dispatcher);
  }

  // A call on a connection of `uid` whose reply comes at once or later;
  // the reply, or null while none has come.
  std::shared_ptr<json> send(const std::string &method, const json &params,
                             std::uint32_t uid = k_alice) {
    auto reply = std::make_shared<json>();
    auto connection = std::make_shared<RecordingConnection>(
        server::Peer{uid, 1}, [reply](const json &line) { *reply = line; });
    m_connections.push_back(connection);
    if (auto line = m_dispatcher.handle_line(request(++m_next_id, method, params),
                                             server::Peer{uid, 1}, connection)) {
      *reply = json::parse(*line);
    }
    return reply;
  }

  std::int64_t count() {
    auto counted = m_store->count();
    EXPECT_TRUE(counted);
    return counted ? *counted : -1;
  }

  test::TempDir m_dir;
  std::unique_ptr<store::EventStore> m_store;
  core::SysSeconds m_now = june_first();
  server::Dispatcher m_dispatcher{[this] { return m_now; }};
  std::unique_ptr<server::CalendarHandlers> m_calendar;
  std::unique_ptr<server::EventHandlers> m_events;
  std::unique_ptr<server::StatusHandler> m_status;
  std::vector<std::shared_ptr<server::Connection>> m_connections;
  int m_next_id = 0;
};

} // namespace

// The daemon's arrangement: parsing on a pool of one thread, the chunks and
// the group commit on the loop. The status request is sent from the hook
// after the first chunk, so it is queued on the loop before the second
// chunk: it must be answered before the import, which must still land whole.
TEST_F(CalendarHandlersTest, a_big_import_is_written_in_chunks_and_others_are_answered_between) {
  constexpr int k_events = 20000;
  boost::asio::io_context io;
  boost::asio::thread_pool pool(1);
  auto busy = boost::asio::make_work_guard(io);
  StoreGroup group(*m_store);
  m_store->enable_group_commit(
      [&] { boost::asio::post(io, [&] { m_dispatcher.release(m_store->commit_group()); }); });
  m_dispatcher.set_commit_group(&group);

  std::vector<std::string> order;
  json import_reply;
  json status_reply;
  std::size_t chunks = 0;
  auto importer =
      std::make_shared<RecordingConnection>(server::Peer{k_alice, 1}, [&](const json &line) {
        order.push_back("import");
        import_reply = line;
        busy.reset();
      });
  auto other = std::make_shared<RecordingConnection>(server::Peer{k_bob, 2}, [&](const json &line) {
    order.push_back("status");
    status_reply = line;
  });

  server::CalendarHandlerOptions options;
  options.chunk_events = 500;
  options.run_on_workers = [&](std::function<void()> job) {
    boost::asio::post(pool, std::move(job));
  };
  options.run_on_loop = [&](std::function<void()> job) { boost::asio::post(io, std::move(job)); };
  options.on_chunk = [&](std::size_t chunk) {
    chunks = chunk;
    if (chunk == 1) {
      boost::asio::post(io, [&] {
        if (auto line = m_dispatcher.handle_line(request(2, "daemon.status", json::object()),
                                                 other->peer(), other)) {
          other->reply(*line);
        }
      });
    }
  };
  make_handlers(std::move(options));

  boost::asio::post(io, [&] {
    EXPECT_FALSE(m_dispatcher.handle_line(
        request(1, "calendar.import", {{"ics", calendar_of(k_events)}, {"tz", "UTC"}}),
        importer->peer(), importer));
  });
  io.run();
  pool.join();

  ASSERT_EQ(order, (std::vector<std::string>{"status", "import"}));
  EXPECT_TRUE(status_reply.contains("result")) << status_reply.dump();
  ASSERT_TRUE(import_reply.contains("result")) << import_reply.dump();
  EXPECT_EQ(import_reply["id"], 1);
  EXPECT_EQ(import_reply["result"]["added"], k_events);
  EXPECT_EQ(import_reply["result"]["skipped"], json::array());
  EXPECT_GE(chunks, static_cast<std::size_t>(k_events / 500));
  EXPECT_EQ(count(), k_events);
  EXPECT_EQ(m_calendar->imports_in_progress(), 0u);
}

// Issue 13: an import is read a batch at a time (500 events), so that what
// it holds does not grow with the file (two batches at most: issue 17 reads
// the next while the loop writes one). 1,200 events: three trips to the
// worker; run one after another, each finds the batches before written.
TEST_F(CalendarHandlersTest, a_large_import_is_read_and_written_a_batch_at_a_time) {
  std::deque<std::function<void()>> workers;
  std::deque<std::function<void()>> loop;
  server::CalendarHandlerOptions options;
  options.run_on_workers = [&](std::function<void()> job) { workers.push_back(std::move(job)); };
  options.run_on_loop = [&](std::function<void()> job) { loop.push_back(std::move(job)); };
  make_handlers(std::move(options));
  auto reply = send("calendar.import", {{"ics", calendar_of(1200)}, {"tz", "UTC"}});
  std::vector<int> written_before_each_read;
  while (!workers.empty()) {
    if (reply->is_null()) { // then only the heap trim after a large import
      written_before_each_read.push_back(count());
    }
    auto read = std::move(workers.front());
    workers.pop_front();
    read();
    while (!loop.empty()) {
      auto next = std::move(loop.front());
      loop.pop_front();
      next();
    }
  }
  EXPECT_EQ(written_before_each_read, (std::vector<int>{0, 500, 1000}));
  ASSERT_TRUE(reply->contains("result")) << reply->dump();
  EXPECT_EQ((*reply)["result"]["added"], 1200);
  EXPECT_EQ(count(), 1200);
  EXPECT_EQ(m_calendar->imports_in_progress(), 0u);
}

// Issue 17: the worker reads the next batch while the loop writes the one
// in hand; it is written when both are done, in the file's order, and the
// skipped components of every batch are reported.
TEST_F(CalendarHandlersTest, the_next_batch_is_read_while_the_loop_writes_one) {
  std::deque<std::function<void()>> workers;
  std::deque<std::function<void()>> loop;
  server::CalendarHandlerOptions options;
  options.run_on_workers = [&](std::function<void()> job) { workers.push_back(std::move(job)); };
  options.run_on_loop = [&](std::function<void()> job) { loop.push_back(std::move(job)); };
  options.chunk_events = 100;
  make_handlers(std::move(options));
  std::string ics = calendar_of(1200);
  // A component that cannot be read (no DTSTART), in the last batch.
  const std::string broken = "BEGIN:VEVENT\r\nUID:broken@test\r\nSUMMARY:Broken\r\nEND:VEVENT\r\n";
  ics.insert(ics.rfind("END:VCALENDAR"), broken);
  auto reply = send("calendar.import", {{"ics", ics}, {"tz", "UTC"}});
  ASSERT_EQ(workers.size(), 1U);
  auto first = std::move(workers.front());
  workers.pop_front();
  first(); // the first batch is read
  ASSERT_EQ(loop.size(), 1U);
  auto adopt_first = std::move(loop.front());
  loop.pop_front();
  adopt_first(); // the loop takes it and writes its first chunk
  ASSERT_EQ(workers.size(), 1U) << "the second batch is not being read yet";
  EXPECT_LT(count(), 500);
  auto second = std::move(workers.front());
  workers.pop_front();
  second(); // read while the first is still being written
  while (!workers.empty() || !loop.empty()) {
    while (!loop.empty()) {
      auto next = std::move(loop.front());
      loop.pop_front();
      next();
    }
    if (!workers.empty()) {
      auto read = std::move(workers.front());
      workers.pop_front();
      read();
    }
  }
  ASSERT_TRUE(reply->contains("result")) << reply->dump();
  EXPECT_EQ((*reply)["result"]["added"], 1200);
  EXPECT_EQ((*reply)["result"]["skipped_count"], 1);
  EXPECT_EQ(count(), 1200);
  EXPECT_EQ(m_calendar->imports_in_progress(), 0u);
}

TEST_F(CalendarHandlersTest, a_file_that_cannot_be_read_changes_nothing) {
  make_handlers({});
  auto reply =
      send("calendar.import", {{"ics", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"}, {"tz", "UTC"}});
  ASSERT_TRUE(reply->contains("error")) << reply->dump();
  EXPECT_NE((*reply)["error"]["message"].get<std::string>().find("nothing changed"),
            std::string::npos)
      << reply->dump();
  EXPECT_EQ(count(), 0);
}

// Parses that wait for a worker count against the bound: past it, a busy
// error at once, and nothing changes.
TEST_F(CalendarHandlersTest, imports_past_the_bound_are_refused_as_busy) {
  std::vector<std::function<void()>> waiting;
  server::CalendarHandlerOptions options;
  options.max_imports = 1;
  options.run_on_workers = [&](std::function<void()> job) { waiting.push_back(std::move(job)); };
  make_handlers(std::move(options));

  auto first = send("calendar.import", {{"ics", calendar_of(3)}, {"tz", "UTC"}});
  EXPECT_TRUE(first->is_null()); // parsing, not answered yet
  auto second = send("calendar.import", {{"ics", calendar_of(3, 10)}, {"tz", "UTC"}});
  ASSERT_TRUE(second->contains("error")) << second->dump();
  EXPECT_EQ((*second)["error"]["code"], core::rpc::k_unavailable);
  EXPECT_NE((*second)["error"]["message"].get<std::string>().find("try again"), std::string::npos);

  ASSERT_EQ(waiting.size(), 1u);
  waiting.front()();
  ASSERT_TRUE(first->contains("result")) << first->dump();
  EXPECT_EQ((*first)["result"]["added"], 3);
  EXPECT_EQ(count(), 3);
  // The slot is free again.
  auto third = send("calendar.import", {{"ics", calendar_of(3, 10)}, {"tz", "UTC"}});
  ASSERT_EQ(waiting.size(), 2u);
  waiting.back()();
  ASSERT_TRUE(third->contains("result")) << third->dump();
  EXPECT_EQ(count(), 6);
}

TEST_F(CalendarHandlersTest, a_repeated_add_key_returns_the_first_event_and_adds_once) {
  make_handlers({});
  const json dentist{
      {"title", "Dentist"}, {"start", "2025-09-26T10:00"}, {"tz", "UTC"}, {"request_key", "k-1"}};
  auto first = send("event.add", dentist);
  ASSERT_TRUE(first->contains("result")) << first->dump();
  const auto id = (*first)["result"]["event"]["id"];

  json changed = dentist;
  changed["title"] = "Dentist (again)";
  auto again = send("event.add", changed);
  ASSERT_TRUE(again->contains("result")) << again->dump();
  EXPECT_EQ((*again)["result"]["event"]["id"], id);
  EXPECT_EQ((*again)["result"]["event"]["title"], "Dentist");
  EXPECT_EQ(count(), 1);

  // Keys are per user: Bob's k-1 is his own.
  auto bobs = send("event.add", dentist, k_bob);
  ASSERT_TRUE(bobs->contains("result")) << bobs->dump();
  EXPECT_NE((*bobs)["result"]["event"]["id"], id);
  EXPECT_EQ(count(), 2);

  // Without a key, every add adds.
  json plain = dentist;
  plain.erase("request_key");
  send("event.add", plain);
  EXPECT_EQ(count(), 3);
}

TEST_F(CalendarHandlersTest, a_key_expires_after_a_day) {
  make_handlers({});
  const json dentist{
      {"title", "Dentist"}, {"start", "2025-09-26T10:00"}, {"tz", "UTC"}, {"request_key", "k-1"}};
  send("event.add", dentist);
  m_now += std::chrono::hours{23};
  send("event.add", dentist);
  EXPECT_EQ(count(), 1);
  m_now += std::chrono::hours{2}; // 25 h after the first
  send("event.add", dentist);
  EXPECT_EQ(count(), 2);
}

TEST_F(CalendarHandlersTest, a_bad_or_reused_key_is_refused_naming_it) {
  make_handlers({});
  const json dentist{{"title", "Dentist"}, {"start", "2025-09-26T10:00"}, {"tz", "UTC"}};
  for (const json &bad : {json("has space"), json(""), json(std::string(65, 'a')), json(12)}) {
    json params = dentist;
    params["request_key"] = bad;
    auto reply = send("event.add", params);
    ASSERT_TRUE(reply->contains("error")) << reply->dump();
    EXPECT_EQ((*reply)["error"]["data"]["field"], "request_key") << reply->dump();
  }
  EXPECT_EQ(count(), 0);

  auto imported =
      send("calendar.import", {{"ics", calendar_of(1)}, {"tz", "UTC"}, {"request_key", "k-2"}});
  ASSERT_TRUE(imported->contains("result")) << imported->dump();
  json params = dentist;
  params["request_key"] = "k-2";
  auto reused = send("event.add", params);
  ASSERT_TRUE(reused->contains("error")) << reused->dump();
  EXPECT_NE((*reused)["error"]["message"].get<std::string>().find("already used for"),
            std::string::npos)
      << reused->dump();
  EXPECT_EQ(count(), 1);
}

TEST_F(CalendarHandlersTest, a_repeated_import_key_returns_the_first_summary_and_writes_once) {
  make_handlers({});
  auto first =
      send("calendar.import", {{"ics", calendar_of(2)}, {"tz", "UTC"}, {"request_key", "imp-1"}});
  ASSERT_TRUE(first->contains("result")) << first->dump();
  EXPECT_EQ((*first)["result"]["added"], 2);

  // The same key with more events: the first summary, nothing written.
  auto again =
      send("calendar.import", {{"ics", calendar_of(5)}, {"tz", "UTC"}, {"request_key", "imp-1"}});
  ASSERT_TRUE(again->contains("result")) << again->dump();
  EXPECT_EQ((*again)["result"], (*first)["result"]);
  EXPECT_EQ(count(), 2);

  // A dry run writes nothing: a key there is a mistake.
  auto dry =
      send("calendar.import",
           {{"ics", calendar_of(5)}, {"tz", "UTC"}, {"dry_run", true}, {"request_key", "imp-2"}});
  ASSERT_TRUE(dry->contains("error")) << dry->dump();
}

TEST_F(CalendarHandlersTest, a_retry_while_the_first_import_runs_is_told_to_wait) {
  std::vector<std::function<void()>> waiting;
  server::CalendarHandlerOptions options;
  options.run_on_workers = [&](std::function<void()> job) { waiting.push_back(std::move(job)); };
  make_handlers(std::move(options));
  const json params{{"ics", calendar_of(2)}, {"tz", "UTC"}, {"request_key", "imp-1"}};

  auto first = send("calendar.import", params);
  auto retry = send("calendar.import", params);
  ASSERT_TRUE(retry->contains("error")) << retry->dump();
  EXPECT_EQ((*retry)["error"]["code"], core::rpc::k_unavailable);
  ASSERT_EQ(waiting.size(), 1u);
  waiting.front()();
  ASSERT_TRUE(first->contains("result")) << first->dump();

  auto later = send("calendar.import", params);
  EXPECT_EQ(waiting.size(), 1u); // answered from the key: not parsed again
  ASSERT_TRUE(later->contains("result")) << later->dump();
  EXPECT_EQ((*later)["result"], (*first)["result"]);
  EXPECT_EQ(count(), 2);
}

// A storage failure in a later chunk (a trigger stands in for a full disk
// at event 700): the chunks before it stay written, the error says how many
// and that importing again completes it, and importing again does.
TEST_F(CalendarHandlersTest,
       a_failure_between_chunks_says_how_many_were_written_and_a_reimport_completes) {
  std::deque<std::function<void()>> loop;
  server::CalendarHandlerOptions options;
  options.run_on_loop = [&](std::function<void()> job) { loop.push_back(std::move(job)); };
  make_handlers(std::move(options));
  auto run_loop = [&] {
    while (!loop.empty()) {
      auto next = std::move(loop.front());
      loop.pop_front();
      next();
    }
  };
  m_store->database().exec("CREATE TRIGGER full_disk BEFORE INSERT ON events "
                           "WHEN NEW.uid = 'ev-700@test' "
                           "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
  const json params{{"ics", calendar_of(1000)}, {"tz", "UTC"}};
  auto failed = send("calendar.import", params);
  run_loop();
  ASSERT_TRUE(failed->contains("error")) << failed->dump();
  const std::string message = (*failed)["error"]["message"];
  EXPECT_EQ((*failed)["error"]["code"], core::rpc::k_storage);
  const auto at = message.find("after writing ");
  ASSERT_NE(at, std::string::npos) << message;
  EXPECT_NE(message.find(" of the file's 1000 events"), std::string::npos) << message;
  EXPECT_NE(message.find("importing the same file again completes it"), std::string::npos);
  const int written = std::stoi(message.substr(at + std::strlen("after writing ")));
  EXPECT_GT(written, 0);
  EXPECT_LE(written, 700);
  EXPECT_EQ(count(), written);

  m_store->database().exec("DROP TRIGGER full_disk");
  auto again = send("calendar.import", params);
  run_loop();
  ASSERT_TRUE(again->contains("result")) << again->dump();
  EXPECT_EQ((*again)["result"]["added"], 1000 - written);
  EXPECT_EQ((*again)["result"]["unchanged"], written);
  EXPECT_EQ(count(), 1000);
}

// Issue 17: an import's chunks write the text index every 4,000 events
// and at the last chunk, not at each chunk. Between chunks the index lags
// the events by at most that many (plus one chunk); when the import
// answers, every event is found by a text search and FTS5 finds its index
// sound.
TEST_F(CalendarHandlersTest, an_import_writes_the_text_index_every_few_thousand_events) {
  std::deque<std::function<void()>> loop;
  server::CalendarHandlerOptions options;
  options.run_on_loop = [&](std::function<void()> job) { loop.push_back(std::move(job)); };
  options.chunk_events = 100;
  std::int64_t most_behind = 0;
  std::size_t chunks = 0;
  options.on_chunk = [&](std::size_t) {
    ++chunks;
    auto &db = m_store->database();
    const std::int64_t behind =
        db.execAndGet("SELECT coalesce(max(id), 0) FROM events").getInt64() -
        db.execAndGet("SELECT id FROM events_fts_indexed WHERE only = 1").getInt64();
    most_behind = std::max(most_behind, behind);
  };
  make_handlers(std::move(options));
  auto reply = send("calendar.import", {{"ics", calendar_of(9000)}, {"tz", "UTC"}});
  while (!loop.empty()) {
    auto next = std::move(loop.front());
    loop.pop_front();
    next();
  }
  ASSERT_TRUE(reply->contains("result")) << reply->dump();
  EXPECT_EQ((*reply)["result"]["added"], 9000);
  EXPECT_GE(chunks, 90u);
  EXPECT_GT(most_behind, 100) << "the index was written at every chunk";
  EXPECT_LE(most_behind, 4000 + 100);
  auto &db = m_store->database();
  EXPECT_EQ(db.execAndGet("SELECT id FROM events_fts_indexed WHERE only = 1").getInt64(),
            db.execAndGet("SELECT max(id) FROM events").getInt64());
  EXPECT_EQ(
      db.execAndGet("SELECT count(*) FROM events_fts WHERE events_fts MATCH 'event'").getInt(),
      9000);
  db.exec("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')");
}

// Issue 17: a chunk's events are written without a savepoint each. An
// event that fails after its row went in (here its tag, at event 700: a
// trigger stands in for a full disk) takes its whole chunk with it: no
// event without its tags or reminders is ever kept, the count the error
// names is what the calendar holds, and importing again completes it.
TEST_F(CalendarHandlersTest, an_event_failing_half_written_takes_its_whole_chunk_back) {
  std::deque<std::function<void()>> loop;
  server::CalendarHandlerOptions options;
  options.run_on_loop = [&](std::function<void()> job) { loop.push_back(std::move(job)); };
  options.chunk_events = 100;
  make_handlers(std::move(options));
  auto run_loop = [&] {
    while (!loop.empty()) {
      auto next = std::move(loop.front());
      loop.pop_front();
      next();
    }
  };
  std::string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//summit tests//EN\r\n";
  for (int i = 0; i < 1000; ++i) {
    ics += fmt::format("BEGIN:VEVENT\r\nUID:ev-{}@test\r\nDTSTAMP:20250101T000000Z\r\n"
                       "DTSTART:20250901T100000Z\r\nSUMMARY:Event {}\r\nCATEGORIES:work\r\n"
                       "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:R\r\nTRIGGER:-PT1H\r\n"
                       "END:VALARM\r\nEND:VEVENT\r\n",
                       i, i);
  }
  ics += "END:VCALENDAR\r\n";
  m_store->database().exec("CREATE TRIGGER full_disk BEFORE INSERT ON event_tags "
                           "WHEN NEW.event_id = (SELECT id FROM events WHERE uid = 'ev-700@test') "
                           "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
  const json params{{"ics", ics}, {"tz", "UTC"}};
  auto failed = send("calendar.import", params);
  run_loop();
  ASSERT_TRUE(failed->contains("error")) << failed->dump();
  const std::string message = (*failed)["error"]["message"];
  const auto at = message.find("after writing ");
  ASSERT_NE(at, std::string::npos) << message;
  const int written = std::stoi(message.substr(at + std::strlen("after writing ")));
  EXPECT_GT(written, 0);
  EXPECT_LE(written, 700) << "the chunks before event 700's";
  EXPECT_EQ(count(), written);
  auto &db = m_store->database();
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM events WHERE uid = 'ev-700@test'").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM event_tags").getInt(), written);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM reminders").getInt(), written);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM reminder_instances WHERE event_id NOT IN "
                          "(SELECT id FROM events)")
                .getInt(),
            0);

  // What the chunks wrote is searchable although the index was left to a
  // later chunk that never came.
  EXPECT_EQ(db.execAndGet("SELECT id FROM events_fts_indexed WHERE only = 1").getInt64(),
            db.execAndGet("SELECT max(id) FROM events").getInt64());
  EXPECT_EQ(
      db.execAndGet("SELECT count(*) FROM events_fts WHERE events_fts MATCH 'event'").getInt(),
      written);

  db.exec("DROP TRIGGER full_disk");
  auto again = send("calendar.import", params);
  run_loop();
  ASSERT_TRUE(again->contains("result")) << again->dump();
  EXPECT_EQ((*again)["result"]["added"], 1000 - written);
  EXPECT_EQ((*again)["result"]["unchanged"], written);
  EXPECT_EQ(count(), 1000);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM event_tags").getInt(), 1000);
}

namespace {

// SQLite's write lock is not fair: an import that writes chunk after chunk
// could keep the reminder outbox (another connection, the firing thread)
// waiting for a gap. While the outbox marks an urgent write, the import's
// next chunk waits its turn on the loop, writing nothing; then it goes on.
TEST_F(CalendarHandlersTest, an_imports_chunks_wait_while_the_reminder_outbox_wants_the_lock) {
  store::StoreOptions shared;
  shared.shared_file = std::make_shared<store::SharedFile>();
  m_store.reset();
  auto requests = store::EventStore::open(m_dir.path() / "summit.db", shared);
  ASSERT_TRUE(requests) << requests.error().message;
  m_store = std::move(*requests);
  store::StoreOptions outbox_options = shared;
  outbox_options.writes_back_removed_file = false;
  auto outbox = store::EventStore::open(m_dir.path() / "summit.db", outbox_options);
  ASSERT_TRUE(outbox) << outbox.error().message;

  std::deque<std::function<void()>> loop;
  server::CalendarHandlerOptions options;
  options.chunk_events = 10;
  options.run_on_loop = [&](std::function<void()> job) { loop.push_back(std::move(job)); };
  make_handlers(std::move(options));
  auto turns = [&](int n) {
    for (int i = 0; i < n && !loop.empty(); ++i) {
      auto job = std::move(loop.front());
      loop.pop_front();
      job();
    }
  };

  auto reply = send("calendar.import", {{"ics", calendar_of(30)}, {"tz", "UTC"}});
  {
    const store::EventStore::UrgentWrite urgent(**outbox);
    turns(50);
    EXPECT_EQ(count(), 0) << "a chunk was written while the outbox wanted the lock";
    EXPECT_TRUE(reply->is_null());
    EXPECT_FALSE(loop.empty()) << "the import gave up instead of waiting its turn";
  }
  turns(50);
  ASSERT_TRUE(reply->contains("result")) << reply->dump();
  EXPECT_EQ((*reply)["result"]["added"], 30);
  EXPECT_EQ(count(), 30);
}

// The firing thread can take the write lock while the loop's next chunk
// waits for it: once the chunk has the lock it checks again and, while what
// was taken is not yet announced to subscribers, writes nothing and waits
// its turn behind the announcement; then the import goes on to the end.
TEST_F(CalendarHandlersTest, a_chunk_that_gets_the_lock_after_reminders_were_taken_waits_for_them) {
  std::deque<std::function<void()>> loop;
  bool announcing = false;
  int checks = 0;
  server::CalendarHandlerOptions options;
  options.chunk_events = 10;
  options.run_on_loop = [&](std::function<void()> job) { loop.push_back(std::move(job)); };
  options.hold_writes = [&] {
    if (++checks == 1) {
      announcing = true; // the firing thread takes due reminders right after this check
      return false;
    }
    return announcing;
  };
  make_handlers(std::move(options));
  auto turns = [&](int n) {
    for (int i = 0; i < n && !loop.empty(); ++i) {
      auto job = std::move(loop.front());
      loop.pop_front();
      job();
    }
  };

  auto reply = send("calendar.import", {{"ics", calendar_of(30)}, {"tz", "UTC"}});
  turns(50);
  EXPECT_GE(checks, 2) << "the chunk did not check again once it held the lock";
  EXPECT_EQ(count(), 0) << "a chunk was written before the taken reminders were announced";
  EXPECT_TRUE(reply->is_null());
  EXPECT_FALSE(loop.empty()) << "the import gave up instead of waiting its turn";

  announcing = false;
  turns(50);
  ASSERT_TRUE(reply->contains("result")) << reply->dump();
  EXPECT_EQ((*reply)["result"]["added"], 30);
  EXPECT_EQ(count(), 30);
}

// A reply lists the first 200 skipped components and counts them all: a file
// of 500,000 empty VEVENTs made a 39 MB reply (931 MB of summitd at its
// peak). The events of the file are imported all the same.
TEST_F(CalendarHandlersTest, a_reply_lists_the_first_200_skipped_components_and_counts_all) {
  make_handlers({});
  std::string body;
  for (int i = 0; i < 250; ++i) {
    body += fmt::format("BEGIN:VTODO\r\nUID:t{}\r\nEND:VTODO\r\n", i);
  }
  body += "BEGIN:VEVENT\r\nUID:e@test\r\nSUMMARY:Council\r\nDTSTART:20300101T100000Z\r\n"
          "END:VEVENT\r\n";
  const std::string ics =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n";
  auto reply = send("calendar.import", {{"ics", ics}, {"tz", "UTC"}});
  ASSERT_TRUE(reply->contains("result")) << reply->dump();
  const json &result = (*reply)["result"];
  EXPECT_EQ(result["added"], 1);
  EXPECT_EQ(result["skipped_count"], 250);
  ASSERT_EQ(result["skipped"].size(), 200U);
  EXPECT_EQ(result["skipped"][0]["uid"], "t0");
  EXPECT_EQ(result["skipped"][199]["uid"], "t199");
  EXPECT_EQ(count(), 1);
}

} // namespace
