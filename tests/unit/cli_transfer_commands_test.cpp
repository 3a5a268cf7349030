// `summit import` and `summit export` against a stand-in daemon.
#include "cli/commands/ics_upload.hpp"
#include "cli/commands/transfer_commands.hpp"
#include "cli_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace summit::cli;
using namespace summit::cli::test_support;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::Not;

namespace {

// A directory for test files, removed afterwards.
class ScratchDir {
public:
  ScratchDir() {
    char pattern[] = "/tmp/summit-cli-files-XXXXXX";
    m_path = ::mkdtemp(pattern);
  }
  ~ScratchDir() { std::filesystem::remove_all(m_path); }
  ScratchDir(const ScratchDir &) = delete;
  ScratchDir &operator=(const ScratchDir &) = delete;

  std::string write(const std::string &name, const std::string &content) const {
    const std::string path = m_path + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string read(const std::string &name) const {
    std::ifstream in(m_path + "/" + name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::vector<std::string> names() const {
    std::vector<std::string> found;
    for (const auto &entry : std::filesystem::directory_iterator(m_path)) {
      found.push_back(entry.path().filename().string());
    }
    return found;
  }
  const std::string &path() const { return m_path; }

private:
  std::string m_path;
};

// An iCalendar text of about `bytes` bytes, CRLF, with non-ASCII titles so
// that a cut inside a character would show.
std::string calendar_of(std::size_t bytes) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//summit//EN\r\n";
  for (int i = 0; text.size() < bytes; ++i) {
    text += "BEGIN:VEVENT\r\nUID:e" + std::to_string(i) +
            "@test\r\nDTSTAMP:20250901T000000Z\r\nSUMMARY:Совещание №" + std::to_string(i) +
            " — «Минск»\r\nDTSTART;TZID=Europe/Minsk:20251003T100000\r\nEND:VEVENT\r\n";
  }
  return text + "END:VCALENDAR\r\n";
}

const json k_import_result{
    {"added", 12},
    {"updated", 3},
    {"unchanged", 40},
    {"skipped",
     {{{"line", 88}, {"uid", "t1"}, {"summary", ""}, {"reason", "line 88: VTODO is not an event"}},
      {{"line", 120}, {"uid", "x@y"}, {"summary", "Old summit"}, {"reason", "start: no DTSTART"}}}},
    {"notes", {"line 40: Windows zone 'Belarus Standard Time' read as Europe/Minsk"}},
    {"dry_run", false}};

// An import daemon: begin gives upload 7, chunks are acknowledged, commit
// answers `commit`.
FakeDaemon::Handler importer(json commit = k_import_result) {
  return [commit](const json &request) {
    const std::string method = request["method"];
    if (method == "import.begin") {
      return result_of({{"import", 7}});
    }
    if (method == "import.chunk") {
      return result_of({{"import", 7}, {"received", 0}});
    }
    if (method == "import.abort") {
      return result_of({{"aborted", 7}});
    }
    return result_of(commit);
  };
}

std::string uploaded_text(const FakeDaemon &daemon) {
  std::string text;
  for (const json &request : daemon.requests()) {
    if (request["method"] == "import.chunk") {
      EXPECT_EQ(request["params"]["import"], 7);
      text += request["params"]["text"].get<std::string>();
    }
  }
  return text;
}

} // namespace

TEST(ImportCommand, a_large_file_goes_up_in_pieces_that_join_to_the_file_byte_for_byte) {
  ScratchDir dir;
  const std::string content = calendar_of(600 * 1024);
  const std::string path = dir.write("big.ics", content);
  FakeDaemon daemon(importer());
  RunContext context;
  context.vars["TZ"] = "Europe/London";
  auto outcome = run_summit({"import", path}, daemon.path(), context);
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_THAT(daemon.methods(), ElementsAre("import.begin", "import.chunk", "import.chunk",
                                            "import.chunk", "import.commit"));
  EXPECT_EQ(daemon.requests()[0]["params"], (json{{"tz", "Europe/London"}}));
  for (std::size_t i = 1; i <= 2; ++i) {
    EXPECT_LE(daemon.requests()[i]["params"]["text"].get<std::string>().size(), k_piece_bytes);
  }
  EXPECT_EQ(uploaded_text(daemon), content);
  // A fresh request key (32 hex digits) makes the commit safe to retry.
  json commit = daemon.requests()[4]["params"];
  EXPECT_THAT(commit.value("request_key", ""), testing::MatchesRegex("[0-9a-f]{32}"));
  commit.erase("request_key");
  EXPECT_EQ(commit, (json{{"import", 7}, {"dry_run", false}}));
  EXPECT_EQ(outcome.out, "Imported " + path +
                             ": 12 added, 3 updated, 40 unchanged, 2 skipped\n"
                             "  line 88: uid t1: VTODO is not an event\n"
                             "  line 120: \"Old summit\" (uid x@y): start: no DTSTART\n"
                             "Notes:\n"
                             "  line 40: Windows zone 'Belarus Standard Time' read as "
                             "Europe/Minsk\n");
  EXPECT_EQ(outcome.err, "") << "the notes are part of the report (issue 16)";
}

TEST(ImportCommand, the_zone_sent_is_the_viewers_and_tz_overrides_it) {
  ScratchDir dir;
  const std::string path = dir.write("a.ics", calendar_of(100));
  FakeDaemon daemon(importer());
  auto outcome = run_summit({"--tz", "Asia/Tokyo", "import", path}, daemon.path());
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(daemon.requests()[0]["params"]["tz"], "Asia/Tokyo");
}

TEST(ImportCommand, a_progress_bar_is_drawn_only_when_stderr_is_a_terminal) {
  ScratchDir dir;
  const std::string content = calendar_of(300 * 1024);
  const std::string path = dir.write("big.ics", content);
  {
    FakeDaemon daemon(importer());
    RunContext terminal;
    terminal.stderr_is_terminal = true;
    auto outcome = run_summit({"import", path}, daemon.path(), terminal);
    ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
    EXPECT_THAT(outcome.err, HasSubstr("\rUploading " + path + " [####"));
    EXPECT_THAT(outcome.err, HasSubstr("of " + format_bytes(content.size()) + " 100%\n"));
  }
  {
    FakeDaemon daemon(importer());
    auto outcome = run_summit({"import", path}, daemon.path());
    ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
    EXPECT_THAT(outcome.err, Not(HasSubstr("Uploading")));
    EXPECT_THAT(outcome.err, Not(HasSubstr("\r")));
  }
}

TEST(ImportCommand, standard_input_is_read_with_a_dash_and_a_dry_run_changes_nothing) {
  json dry = k_import_result;
  dry["dry_run"] = true;
  dry["skipped"] = json::array();
  dry["notes"] = json::array();
  FakeDaemon daemon(importer(dry));
  RunContext context;
  context.stdin_text = calendar_of(2000);
  auto outcome = run_summit({"import", "-", "--dry-run"}, daemon.path(), context);
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(uploaded_text(daemon), *context.stdin_text);
  EXPECT_EQ(daemon.requests().back()["params"], (json{{"import", 7}, {"dry_run", true}}));
  EXPECT_EQ(outcome.out, "Checked standard input (dry run, nothing changed): 12 added, 3 "
                         "updated, 40 unchanged, 0 skipped\n");
}

// summitd lists the first 200 skipped components and counts them all: the
// count is the daemon's, and the rest are summed up in one line.
TEST(ImportCommand, skipped_components_past_the_listed_ones_are_counted_in_one_line) {
  json many = k_import_result;
  many["skipped_count"] = 250000;
  FakeDaemon daemon(importer(many));
  ScratchDir dir;
  const std::string file = dir.path() + "/meetings.ics";
  std::ofstream(file) << calendar_of(500);
  auto outcome = run_summit({"import", file}, daemon.path());
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_THAT(outcome.out, HasSubstr(": 12 added, 3 updated, 40 unchanged, 250000 skipped\n"));
  EXPECT_THAT(outcome.out, HasSubstr("line 120: "));
  // The skipped list ends with the count; the notes follow it (issue 16).
  EXPECT_THAT(outcome.out, HasSubstr("  ... and 249998 more skipped (summitd lists the first 2)\n"
                                     "Notes:\n"));
}

TEST(ImportCommand, a_file_that_is_not_utf8_is_refused_naming_the_line_and_the_upload_dropped) {
  ScratchDir dir;
  const std::string path =
      dir.write("latin1.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Caf\xE9\r\n");
  FakeDaemon daemon(importer());
  auto outcome = run_summit({"import", path}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_usage);
  EXPECT_THAT(outcome.err, HasSubstr("is not UTF-8 text (line 3, byte 42)"));
  EXPECT_THAT(daemon.methods(), ElementsAre("import.begin", "import.abort"));
}

TEST(ImportCommand, a_missing_or_empty_file_is_a_usage_error) {
  auto missing = run_summit({"import", "/nonexistent/cal.ics"}, k_no_socket);
  EXPECT_EQ(missing.code, k_exit_usage);
  EXPECT_THAT(missing.err, HasSubstr("cannot read /nonexistent/cal.ics: No such file"));

  ScratchDir dir;
  const std::string path = dir.write("empty.ics", "");
  FakeDaemon daemon(importer());
  auto empty = run_summit({"import", path}, daemon.path());
  EXPECT_EQ(empty.code, k_exit_usage);
  EXPECT_THAT(empty.err, HasSubstr("is empty"));
}

TEST(ImportCommand, a_file_the_daemon_cannot_read_exits_1_with_its_message) {
  ScratchDir dir;
  const std::string path = dir.write("bad.ics", "BEGIN:VCALENDAR\r\n");
  FakeDaemon daemon([](const json &request) {
    if (request["method"] == "import.commit") {
      return error_of(-32602, "the file was not imported (nothing changed): line 1: "
                              "END:VCALENDAR is missing");
    }
    return importer()(request);
  });
  auto outcome = run_summit({"import", path}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_refused);
  EXPECT_EQ(outcome.err, "summit: the file was not imported (nothing changed): line 1: "
                         "END:VCALENDAR is missing\n");
}

namespace {

// Three pages of a calendar, CRLF, as calendar.export gives them.
const std::vector<std::string> k_pages{
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Минск\r\nEND:VEVENT\r\n",
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Minsk\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n"};

FakeDaemon::Handler exporter(int fail_on_page = -1) {
  return [fail_on_page](const json &request) {
    const json &params = request["params"];
    const int page = !params.contains("after") ? 0 : params["after"] == "c1" ? 1 : 2;
    if (page == fail_on_page) {
      return error_of(-32004, "could not export: database is locked");
    }
    const json next = page == 0 ? json("c1") : page == 1 ? json("c2") : json(nullptr);
    return result_of({{"ics", k_pages[page]}, {"count", page == 2 ? 0 : 1}, {"next", next}});
  };
}

std::string joined_pages() { return k_pages[0] + k_pages[1] + k_pages[2]; }

} // namespace

TEST(ExportCommand, pages_are_asked_for_in_turn_and_written_byte_for_byte) {
  FakeDaemon daemon(exporter());
  RunContext context;
  context.vars["TZ"] = "Europe/Minsk";
  auto outcome =
      run_summit({"export", "--from", "2025-09-01", "--to", "2025-12-31", "--tag", "cis"},
                 daemon.path(), context);
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(outcome.out, joined_pages());
  ASSERT_EQ(daemon.requests().size(), 3U);
  EXPECT_EQ(daemon.requests()[0]["method"], "calendar.export");
  // Days in the viewer's zone (UTC+3); --to's day is included.
  EXPECT_EQ(daemon.requests()[0]["params"], (json{{"from", "2025-08-31T21:00:00Z"},
                                                  {"to", "2025-12-31T21:00:00Z"},
                                                  {"tz", "Europe/Minsk"},
                                                  {"tag", "cis"}}));
  EXPECT_EQ(daemon.requests()[1]["params"]["after"], "c1");
  EXPECT_EQ(daemon.requests()[2]["params"]["after"], "c2");
  EXPECT_EQ(outcome.err, "");
}

TEST(ExportCommand, an_output_file_gets_the_whole_calendar_and_no_temporary_is_left) {
  ScratchDir dir;
  FakeDaemon daemon(exporter());
  auto outcome = run_summit({"export", "-o", dir.path() + "/cal.ics"}, daemon.path());
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(dir.read("cal.ics"), joined_pages());
  EXPECT_THAT(dir.names(), ElementsAre("cal.ics"));
  EXPECT_EQ(outcome.out, "Exported 2 events to " + dir.path() + "/cal.ics\n");
  EXPECT_EQ(daemon.requests()[0]["params"], (json{{"tz", "UTC"}}));
}

TEST(ExportCommand, a_failed_export_leaves_the_old_file_as_it_was) {
  ScratchDir dir;
  dir.write("cal.ics", "the previous export");
  FakeDaemon daemon(exporter(/*fail_on_page=*/1));
  auto outcome = run_summit({"export", "--output", dir.path() + "/cal.ics"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_refused);
  EXPECT_EQ(outcome.err, "summit: could not export: database is locked\n");
  EXPECT_EQ(dir.read("cal.ics"), "the previous export");
  EXPECT_THAT(dir.names(), ElementsAre("cal.ics"));
}
