// Retries are safe (issue 13): `summit add` and `summit import` send a
// request key, and a request that repeats one returns the first result
// instead of writing again, through the real summit and summitd.
#include "support/summit_fixture.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <fstream>
#include <string>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;

namespace {

class RequestKeys : public SummitTest {};

// The digits right after `prefix` in `text` ("" when there are none).
std::string digits_after(const std::string &text, const std::string &prefix) {
  const auto at = text.find(prefix);
  if (at == std::string::npos) {
    return "";
  }
  std::string digits;
  for (auto i = at + prefix.size();
       i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0; ++i) {
    digits += text[i];
  }
  return digits;
}

// "Added event 3: ..." -> "3"
std::string added_id(const std::string &out) { return digits_after(out, "Added event "); }

// The key the "no reply in time" message names.
std::string key_in(const std::string &message) {
  const std::string prefix = "--request-key ";
  const auto at = message.find(prefix);
  if (at == std::string::npos) {
    return "";
  }
  std::string key;
  for (auto i = at + prefix.size();
       i < message.size() && std::isxdigit(static_cast<unsigned char>(message[i])) != 0; ++i) {
    key += message[i];
  }
  return key;
}

} // namespace

TEST_F(RequestKeys, an_add_repeated_with_its_key_after_a_restart_adds_once) {
  const std::vector<std::string> add{"add",           "Dentist",  "--at", "2030-01-02 10:00",
                                     "--request-key", "dentist-1"};
  const ProcessResult first = summit(add);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string id = added_id(first.out);
  ASSERT_FALSE(id.empty()) << first.out;

  ASSERT_EQ(stop_daemon(), 0);
  ASSERT_NO_FATAL_FAILURE(start_daemon());

  const ProcessResult again = summit(add);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(added_id(again.out), id) << again.out;
  EXPECT_EQ(all_events().size(), 1u);

  // Without --request-key each run is a new change.
  const ProcessResult other = summit({"add", "Dentist", "--at", "2030-01-02 10:00"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(added_id(other.out), id);
  EXPECT_EQ(all_events().size(), 2u);
}

// The case: a stopped daemon takes the request into its socket
// buffer and applies it when it resumes. The CLI gives up (SUMMIT_TIMEOUT)
// saying so and naming its key; a retry with that key adds nothing more.
TEST_F(RequestKeys, an_add_to_a_stopped_daemon_names_its_key_and_a_retry_adds_once) {
  ASSERT_EQ(stop_daemon(), 0);
  auto daemon = spawn_daemon(socket(), database(), dir() / "stopped.log");
  ASSERT_TRUE(wait_until_serving(socket(), *daemon));
  daemon->signal(SIGSTOP);

  std::vector<std::string> env = cli_environment();
  env.push_back("SUMMIT_TIMEOUT=1");
  const ProcessResult unanswered =
      run_process(k_summit, {"add", "Dentist", "--at", "2030-01-02 10:00"}, env);
  daemon->signal(SIGCONT);
  EXPECT_EQ(unanswered.exit_code, 3) << unanswered.err;
  EXPECT_THAT(unanswered.err, HasSubstr("may still be applied"));
  EXPECT_THAT(unanswered.err, HasSubstr("summit list"));
  EXPECT_EQ(std::count(unanswered.err.begin(), unanswered.err.end(), '\n'), 1) << unanswered.err;
  const std::string key = key_in(unanswered.err);
  ASSERT_EQ(key.size(), 32u) << unanswered.err;

  const ProcessResult retry =
      summit({"add", "Dentist", "--at", "2030-01-02 10:00", "--request-key", key});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  const json events = all_events();
  ASSERT_EQ(events.size(), 1u) << events.dump();
  EXPECT_EQ(std::to_string(events[0]["id"].get<std::int64_t>()), added_id(retry.out));
}

TEST_F(RequestKeys, an_import_repeated_with_its_key_writes_once) {
  const std::string path = dir() / "two.ics";
  std::ofstream(path, std::ios::binary)
      << "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//summit e2e//EN\r\n"
         "BEGIN:VEVENT\r\nUID:a@e2e\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300102T100000Z\r\n"
         "SUMMARY:A\r\nEND:VEVENT\r\n"
         "BEGIN:VEVENT\r\nUID:b@e2e\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300103T100000Z\r\n"
         "SUMMARY:B\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  const ProcessResult first = summit({"import", path, "--request-key", "imp-1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("2 added"));
  // Someone removes an event; a retry of the same import must not bring it
  // back: it is the same change, already applied.
  const json events = all_events();
  ASSERT_EQ(events.size(), 2u);
  ASSERT_EQ(summit({"rm", std::to_string(events[0]["id"].get<std::int64_t>())}).exit_code, 0);

  const ProcessResult again = summit({"import", path, "--request-key", "imp-1"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, first.out);
  EXPECT_EQ(all_events().size(), 1u);
}

// 20,000 events go up, are parsed off the loop and written in chunks of at
// most 500 (the daemon's log counts them), and all of them land.
TEST_F(RequestKeys, a_big_import_lands_whole_in_several_chunks) {
  constexpr int k_events = 20000;
  const std::string path = dir() / "big.ics";
  {
    std::ofstream out(path, std::ios::binary);
    out << "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//summit e2e//EN\r\n";
    for (int i = 0; i < k_events; ++i) {
      out << fmt::format("BEGIN:VEVENT\r\nUID:big-{}@e2e\r\nDTSTAMP:20300101T000000Z\r\n"
                         "DTSTART:20300102T100000Z\r\nSUMMARY:Event {}\r\nEND:VEVENT\r\n",
                         i, i);
    }
    out << "END:VCALENDAR\r\n";
  }
  // What this checks is that every event lands, not how fast: under
  // ThreadSanitizer, or on a loaded machine, the import may take longer
  // than the CLI's default 30 s wait, so both waits are raised.
  auto environment = cli_environment("UTC");
  environment.push_back("SUMMIT_TIMEOUT=100");
  const ProcessResult imported =
      run_process(k_summit, {"import", path}, environment, std::chrono::seconds(100));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr(fmt::format("{} added", k_events)));

  // "imported an iCalendar file for uid 1000 in 43 chunks: 20000 added, ..."
  const std::string log = daemon_log();
  const std::string chunks = digits_after(log, "imported an iCalendar file for uid " +
                                                   std::to_string(::getuid()) + " in ");
  ASSERT_FALSE(chunks.empty()) << log;
  EXPECT_GE(std::stoi(chunks), k_events / 500);
  EXPECT_NE(log.find(" chunks: 20000 added"), std::string::npos) << log;

  const ProcessResult status = summit({"--json", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(json::parse(status.out).value("events", json()), k_events) << status.out;
}
