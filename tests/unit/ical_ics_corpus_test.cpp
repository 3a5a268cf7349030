// parse_calendar over the shared corpus of real-world and test-suite files
// (shared/corpus/ics, read in place): no crash, no hang; valid files give
// every VEVENT the manifest counts; malformed ones are refused, or have
// what is wrong in them named by line.
#include "ical_ics_test_support.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace summit::ical {
namespace {

const std::filesystem::path k_corpus =
    std::filesystem::path(SUMMIT_SOURCE_DIR) / ".." / "shared" / "corpus" / "ics";

// Files the corpus calls malformed that summit imports whole, without a
// complaint, and why that is right.
const std::map<std::string, std::string> k_tolerated{
    {"ical.js/samples/blank_line_mid.ics", "a blank line, which libical skips too"},
    {"ical4j/invalid/CalendarDataFile.ics",
     "names folded away from their values: RFC 5545 folding allows it"},
    {"ical4j/invalid/core.ics", "VERSION:1.0 and a blank line around iCalendar 2.0 content"},
    {"ical4j/invalid/eli_courtwright.ics", "TZID=US/Eastern is a tzdata name: no VTIMEZONE needed"},
    {"ical4j/invalid/groupwise.ics", "the damage is in ATTENDEE and PRODID, which summit ignores"},
    {"ical4j/invalid/korganizer.ics", "a blank line"},
    {"ical4j/invalid/korganizer-lowercase.ics", "a blank line; names are case-insensitive"},
    {"ical4j/invalid/lastfm.ics", "an empty GEO, which summit ignores"},
    {"ical4j/invalid/sogo-geo-escaped-semicolon.ics", "a GEO, which summit ignores"},
    {"ical4j/invalid/talios.ics", "the prefixed TZID names Pacific/Auckland"},
    {"icalendar/calendars/broken_ical.ics", "an empty parameter before a readable value"},
    {"icalendar/calendars/parsing_error_in_UTC_offset.ics", "a VTIMEZONE that no event uses"},
    {"khal/event_dt_rrule_invalid_until.ics", "UNTIL mended to the start's kind (RFC 5545 3.3.10)"},
    {"khal/event_dt_rrule_invalid_until2.ics", "UNTIL mended to the start's kind"},
    {"khal/event_invalid_exdate.ics", "EXDATEs that remove nothing; the TZID is a tzdata name"},
    {"khal/invalid_tzoffset.ics", "the broken VTIMEZONE is Europe/Berlin, read from tzdata"},
};

struct Row {
  std::string path;
  std::size_t vevents = 0;
  std::string expected;
};

std::vector<Row> manifest() {
  std::vector<Row> rows;
  std::ifstream in(k_corpus / "MANIFEST.tsv");
  std::string line;
  std::getline(in, line); // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream cells_in(line);
    for (std::string cell; std::getline(cells_in, cell, '\t');) {
      cells.push_back(cell);
    }
    if (cells.size() == 7) {
      rows.push_back({cells[0], std::stoul(cells[5]), cells[6]});
    }
  }
  return rows;
}

// Lines as the manifest counts them (CRLF, LF and CR each end one).
std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
      start = i + 1;
    }
  }
  if (start < text.size()) {
    lines.push_back(text.substr(start));
  }
  return lines;
}

bool names_a_line(const std::string &message) {
  return message.rfind("line ", 0) == 0 || message.rfind("the text is empty", 0) == 0;
}

// Every VEVENT the parse saw: imported, folded into its series, or skipped
// (a skip on a BEGIN:VEVENT line).
std::size_t vevents_seen(const ParsedCalendar &calendar, const std::vector<std::string> &lines) {
  std::size_t seen = calendar.events.size();
  for (const auto &event : calendar.events) {
    if (event.params.contains("recurrence") && event.params["recurrence"].contains("overrides")) {
      seen += event.params["recurrence"]["overrides"].size();
    }
  }
  for (const auto &skip : calendar.skipped) {
    if (skip.line >= 1 && static_cast<std::size_t>(skip.line) <= lines.size() &&
        lines[skip.line - 1] == "BEGIN:VEVENT") {
      ++seen;
    }
  }
  return seen;
}

bool complains_by_line(const ParsedCalendar &calendar) {
  if (!calendar.skipped.empty()) {
    return true;
  }
  for (const auto &event : calendar.events) {
    for (const auto &note : event.notes) {
      if (names_a_line(note)) {
        return true;
      }
    }
  }
  return false;
}

TEST(IcsCorpus, every_file_is_read_in_time_and_judged_as_its_label_says) {
  if (!std::filesystem::exists(k_corpus / "MANIFEST.tsv")) {
    GTEST_SKIP() << "no corpus at " << k_corpus << " (shared/corpus/ics beside the project)";
  }
  const auto rows = manifest();
  ASSERT_GT(rows.size(), 300U);
  std::size_t valid = 0;
  std::size_t refused = 0;
  std::size_t imported = 0;
  for (const Row &row : rows) {
    SCOPED_TRACE(row.path);
    std::ifstream in(k_corpus / row.path, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << row.path;
    std::stringstream bytes;
    bytes << in.rdbuf();
    const std::string text = bytes.str();
    const auto started = std::chrono::steady_clock::now();
    const auto result = parse_calendar(text, ImportOptions{"Europe/Berlin"});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{10});
    if (!result) {
      ++refused;
      EXPECT_NE(row.expected, "valid") << result.error().message;
      EXPECT_TRUE(names_a_line(result.error().message)) << result.error().message;
      continue;
    }
    ++imported;
    const auto lines = lines_of(text);
    if (row.expected != "malformed") {
      valid += row.expected == "valid" ? 1 : 0;
      EXPECT_EQ(vevents_seen(*result, lines), row.vevents);
    } else if (k_tolerated.count(row.path) == 0) {
      EXPECT_TRUE(complains_by_line(*result))
          << "a malformed file was imported without a word about what is wrong in it";
    }
  }
  EXPECT_EQ(valid, 50U); // every file ical4j calls valid is imported
  std::cout << "corpus: " << rows.size() << " files, " << imported << " imported, " << refused
            << " refused\n";
}

TEST(IcsCorpus, the_tolerated_malformed_files_are_still_in_the_corpus) {
  if (!std::filesystem::exists(k_corpus / "MANIFEST.tsv")) {
    GTEST_SKIP() << "no corpus at " << k_corpus;
  }
  for (const auto &[path, why] : k_tolerated) {
    EXPECT_TRUE(std::filesystem::exists(k_corpus / path)) << path << " (" << why << ")";
  }
}

} // namespace
} // namespace summit::ical
