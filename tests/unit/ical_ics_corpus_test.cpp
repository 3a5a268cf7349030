// parse_calendar over the shared corpus of real-world and test-suite files
// (shared/corpus/ics, read in place): no crash, no hang. Every file's
// outcome is stated here: the ones in k_refused are refused naming the
// line given; every other file is imported, and then a file the corpus
// does not call malformed gives every VEVENT its manifest counts (an
// independent count of BEGIN:VEVENT lines), and a malformed one names what
// is wrong in it by line, or is in k_tolerated saying why that is right.
#include "ical_ics_test_support.hpp"

#include <gmock/gmock.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace summit::ical {
namespace {

// shared/corpus/ics beside the main checkout; SUMMIT_CORPUS names another
// place (a git worktree elsewhere).
const std::filesystem::path k_corpus = [] {
  const char *given = std::getenv("SUMMIT_CORPUS");
  return given != nullptr && *given != '\0'
             ? std::filesystem::path(given)
             : std::filesystem::path(SUMMIT_SOURCE_DIR) / ".." / "shared" / "corpus" / "ics";
}();

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

struct Refusal {
  int line;        // the line the refusal names
  std::string why; // what is wrong with the file, as a reader of it sees
};

// The files summit refuses whole. Most of the "valid?" ones are fragments
// from other projects' test suites (a VEVENT or VTIMEZONE without a
// VCALENDAR around it), which a user could not have exported from a
// calendar; the rest are broken.
const std::map<std::string, Refusal> k_refused{
    {"icalendar/fuzzing/Index_Error.ics", {1, "starts with binary garbage, not BEGIN:VCALENDAR"}},
    {"icalendar/fuzzing/Type_Error.ics", {5, "a line that is no property (binary garbage)"}},
    {"libical/crash.ics", {4, "a NUL byte"}},
    {"libical/issue252.ics", {6, "a NUL byte"}},
    {"libical/issue253.ics", {7, "a NUL byte"}},
    {"libical/malloc.ics", {2, "a NUL byte"}},
    {"ical4j/invalid/13-MoonPhase.ics", {213, "cut short: no END:VEVENT"}},
    {"ical4j/invalid/bhav23-2.ics", {38, "a line that is no property (a fold without its space)"}},
    {"ical4j/invalid/overlaps.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"ical4j/invalid/smallcluster.ics", {2, "a VCALENDAR inside a VCALENDAR"}},
    {"icalendar/alarms/rfc_5545_absolute_alarm_example.ics",
     {1, "starts with BEGIN:VALARM, not BEGIN:VCALENDAR"}},
    {"icalendar/availabilities/rfc_7953_1.ics",
     {1, "starts with BEGIN:VAVAILABILITY, not BEGIN:VCALENDAR"}},
    {"icalendar/calendars/big_bad_calendar.ics", {1, "cut short: no END:VCALENDAR"}},
    {"icalendar/calendars/fuzz_testcase_0_char_in_component_name.ics", {1, "a NUL byte"}},
    {"icalendar/calendars/fuzz_testcase_invalid_month.ics",
     {1, "starts with BEGIN:V, not BEGIN:VCALENDAR"}},
    {"icalendar/calendars/fuzz_testcase_vtimezone_lone_cr.ics", {3, "a line that is no property"}},
    {"icalendar/calendars/issue_104_broken_calendar.ics", {13, "a line that is no property"}},
    {"icalendar/calendars/issue_168_input.ics", {6, "a line that is no property"}},
    {"icalendar/calendars/issue_178_component_with_invalid_name_represented.ics",
     {1, "starts with BEGIN:MYCOMP, not BEGIN:VCALENDAR"}},
    {"icalendar/calendars/issue_178_custom_component_contains_other.ics",
     {1, "starts with BEGIN:MYCOMPTOO, not BEGIN:VCALENDAR"}},
    {"icalendar/calendars/issue_348_exception_parsing_value.ics",
     {8, "a line that is no property"}},
    {"icalendar/calendars/issue_82_expected_output.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/calendars/multiple_calendar_components.ics",
     {4, "a continuation line with nothing to continue"}},
    {"icalendar/calendars/pr_480_summary_with_colon.ics", {1, "cut short: no END:VCALENDAR"}},
    {"icalendar/calendars/small_bad_calendar.ics", {1, "cut short: no END:VCALENDAR"}},
    {"icalendar/calendars/timezone_rdate.ics", {53, "a line that is no property"}},
    {"icalendar/calendars/timezone_same_start_and_offset.ics",
     {23, "a misspelt END (END:VCALENDARD)"}},
    {"icalendar/events/event_with_escaped_character1.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/event_with_escaped_characters.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/event_with_recurrence.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/event_with_recurrence_exdates_on_different_lines.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/event_with_unicode_fields.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_100_transformed_doctests_into_unittests.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_101_icalendar_chokes_on_umlauts_in_organizer.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_104_mark_events_broken.ics", {9, "a line that is no property"}},
    {"icalendar/events/issue_112_missing_tzinfo_on_exdate.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_156_RDATE_with_PERIOD_list.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_157_removes_trailing_semicolon.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_184_broken_representation_of_period.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_355_url_escaping.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_355_url_escaping_empty_param.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_464_invalid_rdate.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_53_description_parsed_properly.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_64_event_with_non_ascii_summary.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/issue_70_rrule_causes_attribute_error.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/rfc_7265_request_status.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/events/rfc_9074_example_1.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/freebusy/example.ics", {1, "starts with BEGIN:VFREEBUSY, not BEGIN:VCALENDAR"}},
    {"icalendar/fuzzing/issue_100_transformed_doctests_into_unittests.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"icalendar/journals/example.ics", {1, "starts with BEGIN:VJOURNAL, not BEGIN:VCALENDAR"}},
    {"icalendar/timezones/issue_237_brazilia_standard.ics",
     {1, "starts with BEGIN:VTIMEZONE, not BEGIN:VCALENDAR"}},
    {"icalendar/timezones/issue_55_parse_error_on_utc_offset_with_seconds.ics",
     {1, "starts with BEGIN:VTIMEZONE, not BEGIN:VCALENDAR"}},
    {"icalendar/todos/example.ics", {1, "starts with BEGIN:VTODO, not BEGIN:VCALENDAR"}},
    {"khal/event_d.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_d_no_value.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_d_rr.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_d_same_start_end.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_dt_duration.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_dt_floating.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_dt_rd.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_dt_rr.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_dt_rrule_until_before_start.ics",
     {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_dt_two_tz.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_no_dst.ics", {2, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"khal/event_rrule_no_occurence.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"libical/2445.ics", {11, "a component after END:VCALENDAR"}},
    {"libical/8.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"libical/caltime.ics", {6, "a line that is no property"}},
    {"libical/get_char_test.ics", {5, "a line that is no property"}},
    {"libical/issue250.ics", {1, "a line that is no property"}},
    {"libical/issue251.ics", {7, "an unknown component (BEGIN:VJOURJAL)"}},
    {"libical/issue339.ics", {12, "a line that is no property"}},
    {"libical/overlaps.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"libical/recur-errors.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"libical/smallcluster.ics", {2, "a VCALENDAR inside a VCALENDAR"}},
    {"libical/spanlist.ics", {1, "starts with BEGIN:VEVENT, not BEGIN:VCALENDAR"}},
    {"libical/stresstest.ics", {28, "a line that is no property"}},
    {"libical/zday.ics", {30, "a NUL byte"}},
    {"recurring-ical-events/issue_201_test_matrix.ics", {11, "a misspelt END (END:VTOOD)"}},
    {"vobject/timezones.ics", {1, "starts with BEGIN:VTIMEZONE, not BEGIN:VCALENDAR"}},
    {"vobject/tz_us_eastern.ics", {1, "starts with BEGIN:VTIMEZONE, not BEGIN:VCALENDAR"}},
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
// An override that only gives an RDATE period its own end: no VEVENT.
bool period_only(const nlohmann::json &recurrence, const nlohmann::json &item) {
  const auto rdates = recurrence.value("rdates", nlohmann::json::array());
  if (std::find(rdates.begin(), rdates.end(), item["occurrence"]) == rdates.end()) {
    return false;
  }
  for (const auto &[key, value] : item.items()) {
    if (key != "occurrence" && key != "end" && key != "duration") {
      return false;
    }
  }
  return true;
}

std::size_t vevents_seen(const ParsedCalendar &calendar, const std::vector<std::string> &lines) {
  const auto at_a_vevent = [&](int line) {
    return line >= 1 && static_cast<std::size_t>(line) <= lines.size() &&
           lines[line - 1] == "BEGIN:VEVENT";
  };
  std::size_t seen = calendar.events.size();
  for (const auto &event : calendar.events) {
    if (event.params.contains("recurrence") && event.params["recurrence"].contains("overrides")) {
      for (const auto &item : event.params["recurrence"]["overrides"]) {
        seen += period_only(event.params["recurrence"], item) ? 0 : 1;
      }
    }
    // A stale change of an occurrence, left out with a note on its BEGIN line.
    for (const auto &note : event.notes) {
      if (note.find("(RECURRENCE-ID) was left out") != std::string::npos &&
          at_a_vevent(std::atoi(note.c_str() + std::string_view("line ").size()))) {
        ++seen;
      }
    }
  }
  for (const auto &skip : calendar.skipped) {
    if (at_a_vevent(skip.line)) {
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
    if (const auto refusal = k_refused.find(row.path); refusal != k_refused.end()) {
      const auto &[line, why] = refusal->second;
      EXPECT_FALSE(result) << "should be refused at line " << line << " (" << why << ")";
      if (!result) {
        ++refused;
        EXPECT_THAT(result.error().message,
                    ::testing::StartsWith("line " + std::to_string(line) + ":"))
            << "refused, as expected (" << why << "), but naming another line";
      }
      continue;
    }
    if (!result) {
      ADD_FAILURE() << "refused, but k_refused does not expect it: " << result.error().message;
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
  EXPECT_EQ(refused, k_refused.size());
  EXPECT_EQ(imported + refused, rows.size());
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
  for (const auto &[path, refusal] : k_refused) {
    EXPECT_TRUE(std::filesystem::exists(k_corpus / path)) << path << " (" << refusal.why << ")";
  }
}

} // namespace
} // namespace summit::ical
