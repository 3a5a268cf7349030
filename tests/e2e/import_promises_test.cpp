// What docs/PROTOCOL.md (calendar.import) promises of an import, proven
// with the real summitd through import.begin/import.chunk/import.commit (the
// path `summit import` takes): components that cannot be used are skipped,
// each with its line and reason, and the rest imported; a file that cannot
// be read changes nothing; a dry run changes nothing.
#include "support/raw_client.hpp"
#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;

namespace {

// CRLF line ends, as RFC 5545 wants; line numbers below count these lines.
std::string crlf(const std::string &text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Three events; the second (lines 11-17) ends before it starts.
const std::string k_one_bad = crlf("BEGIN:VCALENDAR\n"                            // 1
                                   "VERSION:2.0\n"                                // 2
                                   "PRODID:-//summit tests//EN\n"                 // 3
                                   "BEGIN:VEVENT\n"                               // 4
                                   "UID:ok-1@example.org\n"                       // 5
                                   "DTSTAMP:20261101T000000Z\n"                   // 6
                                   "SUMMARY:CIS summit\n"                         // 7
                                   "DTSTART;TZID=Europe/Minsk:20301226T100000\n"  // 8
                                   "DTEND;TZID=Europe/Minsk:20301226T130000\n"    // 9
                                   "END:VEVENT\n"                                 // 10
                                   "BEGIN:VEVENT\n"                               // 11
                                   "UID:bad-1@example.org\n"                      // 12
                                   "DTSTAMP:20261101T000000Z\n"                   // 13
                                   "SUMMARY:Ends before it starts\n"              // 14
                                   "DTSTART;TZID=Europe/Minsk:20301227T100000\n"  // 15
                                   "DTEND;TZID=Europe/Minsk:20301227T090000\n"    // 16
                                   "END:VEVENT\n"                                 // 17
                                   "BEGIN:VEVENT\n"                               // 18
                                   "UID:ok-2@example.org\n"                       // 19
                                   "DTSTAMP:20261101T000000Z\n"                   // 20
                                   "SUMMARY:Working group\n"                      // 21
                                   "DTSTART;TZID=Asia/Dushanbe:20301228T093000\n" // 22
                                   "DTEND;TZID=Asia/Dushanbe:20301228T103000\n"   // 23
                                   "END:VEVENT\n"                                 // 24
                                   "END:VCALENDAR\n");                            // 25

// Two good events, then a line that is no content line (line 12): the file
// cannot be read.
const std::string k_unreadable = crlf("BEGIN:VCALENDAR\n"                           // 1
                                      "VERSION:2.0\n"                               // 2
                                      "PRODID:-//summit tests//EN\n"                // 3
                                      "BEGIN:VEVENT\n"                              // 4
                                      "UID:fine-1@example.org\n"                    // 5
                                      "DTSTAMP:20261101T000000Z\n"                  // 6
                                      "SUMMARY:Would be added\n"                    // 7
                                      "DTSTART;TZID=Europe/Minsk:20301229T100000\n" // 8
                                      "END:VEVENT\n"                                // 9
                                      "BEGIN:VEVENT\n"                              // 10
                                      "UID:fine-2@example.org\n"                    // 11
                                      "this line is no property\n"                  // 12
                                      "SUMMARY:Would be added too\n"                // 13
                                      "DTSTART;TZID=Europe/Minsk:20301230T100000\n" // 14
                                      "END:VEVENT\n"                                // 15
                                      "END:VCALENDAR\n");                           // 16

class ImportPromises : public SummitTest {
protected:
  // import.begin, one import.chunk, import.commit on one connection: the
  // commit's reply.
  json commit(const std::string &ics, bool dry_run = false) {
    RawClient client(socket());
    EXPECT_TRUE(client.connected());
    const json begun = client.call("import.begin", {{"tz", "Europe/London"}}, 1);
    EXPECT_TRUE(begun.contains("result")) << begun.dump();
    const json upload = begun["result"]["import"];
    const json chunk = client.call("import.chunk", {{"import", upload}, {"text", ics}}, 2);
    EXPECT_TRUE(chunk.contains("result")) << chunk.dump();
    EXPECT_EQ(chunk["result"].value("received", 0U), ics.size()) << chunk.dump();
    return client.call("import.commit", {{"import", upload}, {"dry_run", dry_run}}, 3);
  }

  // The calendar as `summit --json list` shows it, and the event count of
  // `summit --json status`: what a user would look at.
  std::string calendar() const { return all_events().dump(); }
  int event_count() const {
    const ProcessResult status = summit({"--json", "status"});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    const json parsed = json::parse(status.out, nullptr, /*allow_exceptions=*/false);
    return parsed.is_object() ? parsed.value("events", -1) : -1;
  }
  std::set<std::string> uids() const {
    std::set<std::string> found;
    for (const json &event : all_events()) {
      found.insert(event.value("uid", ""));
    }
    return found;
  }
};

} // namespace

TEST_F(ImportPromises, one_invalid_component_is_skipped_by_line_and_the_rest_imported) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  const std::string before = calendar();
  ASSERT_EQ(event_count(), 2);

  // A dry run says what would happen and changes nothing.
  const json dry = commit(k_one_bad, /*dry_run=*/true);
  ASSERT_TRUE(dry.contains("result")) << dry.dump();
  EXPECT_EQ(dry["result"]["dry_run"], true);
  EXPECT_EQ(dry["result"]["added"], 2);
  EXPECT_EQ(calendar(), before) << "a dry run changed the calendar";

  const json reply = commit(k_one_bad);
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  const json &result = reply["result"];
  EXPECT_EQ(result["added"], 2);
  EXPECT_EQ(result["updated"], 0);
  EXPECT_EQ(result["unchanged"], 0);
  EXPECT_EQ(result["dry_run"], false);
  ASSERT_EQ(result["skipped"].size(), 1U) << result.dump();
  const json &skipped = result["skipped"][0];
  EXPECT_EQ(skipped["line"], 11) << "the skip names the BEGIN:VEVENT line of the bad component";
  EXPECT_EQ(skipped["uid"], "bad-1@example.org");
  EXPECT_EQ(skipped["summary"], "Ends before it starts");
  EXPECT_THAT(skipped["reason"].get<std::string>(), HasSubstr("line 16"));
  EXPECT_THAT(skipped["reason"].get<std::string>(), HasSubstr("DTEND"));

  // The two good ones are in the calendar, the bad one is not.
  EXPECT_EQ(event_count(), 4);
  const auto present = uids();
  EXPECT_EQ(present.count("ok-1@example.org"), 1U);
  EXPECT_EQ(present.count("ok-2@example.org"), 1U);
  EXPECT_EQ(present.count("bad-1@example.org"), 0U);

  // And the CLI says the same to a user.
  const std::string path = dir() / "one-bad.ics";
  std::ofstream(path, std::ios::binary) << k_one_bad;
  const ProcessResult again = summit({"--tz", "Europe/London", "import", path});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr(": 0 added, 0 updated, 2 unchanged, 1 skipped\n"));
  EXPECT_THAT(again.out, HasSubstr("line 11: \"Ends before it starts\" (uid bad-1@example.org)"));
}

TEST_F(ImportPromises, a_file_that_cannot_be_read_changes_nothing) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  const std::string before = calendar();

  const json reply = commit(k_unreadable);
  ASSERT_TRUE(reply.contains("error")) << reply.dump();
  EXPECT_EQ(reply["error"]["code"], -32602);
  EXPECT_THAT(reply["error"]["message"].get<std::string>(), HasSubstr("line 12"));
  EXPECT_EQ(calendar(), before) << "a refused file changed the calendar";
  EXPECT_EQ(event_count(), 2);

  const std::string path = dir() / "unreadable.ics";
  std::ofstream(path, std::ios::binary) << k_unreadable;
  const ProcessResult cli = summit({"--tz", "Europe/London", "import", path});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_THAT(cli.err, HasSubstr("line 12"));
  EXPECT_EQ(calendar(), before);
}
