// export_calendar: what other calendars read in the text.
#include "core/ical/ics_export.hpp"
#include "ical_ics_test_support.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace summit::ical {
namespace {

using core::Event;
using nlohmann::json;

const core::SysSeconds k_now{date::sys_days{date::year{2025} / 9 / 1} + std::chrono::hours{8}};

Event make(const json &params) {
  auto drafted = core::event_from_add_params(params, testing::input_context());
  EXPECT_TRUE(drafted.has_value()) << (drafted ? "" : drafted.error().message);
  return drafted ? drafted->event : Event{};
}

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end = text.find("\r\n"); end != std::string::npos;
       end = text.find("\r\n", start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  EXPECT_EQ(start, text.size()) << "the text does not end with CRLF";
  return lines;
}

bool has_line(const std::string &text, const std::string &line) {
  const auto lines = lines_of(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

const std::string &sample() {
  static const std::string text = export_calendar(
      {make(json::parse(R"({"uid": "cis@summit", "title": "Council, vote; plan",
           "start": "2025-09-26T10:00", "end": "2025-09-26T12:00", "tz": "Europe/Minsk",
           "tags": ["cis", "minsk"], "reminders": ["P1D", {"at": "2025-09-25T09:00:00Z"}],
           "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=4",
             "exdates": ["2025-10-10T10:00"],
             "overrides": [{"occurrence": "2025-10-03T10:00", "start": "2025-10-03T14:00"}]}})")),
       make(json::parse(R"({"uid": "point@summit", "title": "Deadline",
           "start": "2025-10-01T17:00", "tz": "Asia/Dushanbe"})")),
       make(json::parse(R"({"uid": "day@summit", "title": "Holiday", "start": "2025-11-07",
           "tz": "Europe/Minsk"})")),
       make(json::parse(R"({"uid": "month@summit", "title": "Next summit", "start": "2026-05",
           "tz": "Europe/Minsk"})"))},
      k_now);
  return text;
}

TEST(IcsExport, times_carry_the_iana_zone_and_each_zone_used_has_a_vtimezone_by_that_name) {
  const std::string &text = sample();
  EXPECT_TRUE(has_line(text, "DTSTART;TZID=Europe/Minsk:20250926T100000"));
  EXPECT_TRUE(has_line(text, "DTEND;TZID=Europe/Minsk:20250926T120000"));
  EXPECT_TRUE(has_line(text, "TZID:Europe/Minsk"));
  EXPECT_TRUE(has_line(text, "TZID:Asia/Dushanbe"));
  EXPECT_EQ(text.find("freeassociation"), std::string::npos);
  EXPECT_TRUE(has_line(text, "DTSTAMP:20250901T080000Z"));
  EXPECT_TRUE(has_line(text, "BEGIN:VCALENDAR"));
  EXPECT_TRUE(has_line(text, "VERSION:2.0"));
  EXPECT_EQ(text.substr(text.size() - 15), "END:VCALENDAR\r\n");
}

TEST(IcsExport, a_point_in_time_has_no_dtend_and_an_all_day_event_uses_dates) {
  const std::string &text = sample();
  const auto point = text.find("UID:point@summit");
  const auto point_end = text.find("END:VEVENT", point);
  EXPECT_EQ(text.substr(point, point_end - point).find("DTEND"), std::string::npos);
  EXPECT_TRUE(has_line(text, "DTSTART;VALUE=DATE:20251107"));
  EXPECT_TRUE(has_line(text, "X-SUMMIT-TZID:Europe/Minsk"));
}

TEST(IcsExport, a_month_is_a_tentative_all_day_event_over_the_month) {
  const std::string &text = sample();
  EXPECT_TRUE(has_line(text, "DTSTART;VALUE=DATE:20260501"));
  EXPECT_TRUE(has_line(text, "DTEND;VALUE=DATE:20260601"));
  EXPECT_TRUE(has_line(text, "STATUS:TENTATIVE"));
  EXPECT_TRUE(has_line(text, "X-SUMMIT-PRECISION:MONTH"));
}

// Issue 16: a floating event is written floating (RFC 5545 3.3.5 form #1):
// no TZID, no Z, no X-SUMMIT-TZID, and no VTIMEZONE for it.
TEST(IcsExport, a_floating_event_has_times_without_zone_and_no_vtimezone) {
  const std::string text = export_calendar(
      {make(json::parse(R"({"uid": "f@summit", "title": "Dentist", "start": "2025-09-26T10:00",
           "end": "2025-09-26T11:00", "tz": "floating"})")),
       make(json::parse(R"({"uid": "d@summit", "title": "Holiday", "start": "2025-11-07",
           "tz": "floating"})"))},
      k_now);
  EXPECT_TRUE(has_line(text, "DTSTART:20250926T100000")) << text;
  EXPECT_TRUE(has_line(text, "DTEND:20250926T110000")) << text;
  EXPECT_TRUE(has_line(text, "DTSTART;VALUE=DATE:20251107")) << text;
  EXPECT_EQ(text.find("X-SUMMIT-TZID"), std::string::npos) << text;
  EXPECT_EQ(text.find("VTIMEZONE"), std::string::npos) << text;
  EXPECT_EQ(text.find("floating"), std::string::npos) << text;
}

TEST(IcsExport, a_floating_series_ends_at_a_floating_until) {
  const std::string text = export_calendar(
      {make(json::parse(R"({"uid": "c@summit", "title": "Class", "start": "2025-09-29T18:00",
           "tz": "floating", "recurrence": {"rrule": "FREQ=DAILY;UNTIL=20251003T180000Z"}})"))},
      k_now);
  // The tests' floating zone is UTC: 18:00Z is 18:00 there.
  EXPECT_TRUE(has_line(text, "RRULE:FREQ=DAILY;UNTIL=20251003T180000")) << text;
}

TEST(IcsExport, text_is_escaped_and_each_reminder_is_a_display_alarm) {
  const std::string &text = sample();
  EXPECT_TRUE(has_line(text, "SUMMARY:Council\\, vote\\; plan"));
  EXPECT_TRUE(has_line(text, "CATEGORIES:cis"));
  EXPECT_TRUE(has_line(text, "CATEGORIES:minsk"));
  EXPECT_TRUE(has_line(text, "ACTION:DISPLAY"));
  EXPECT_TRUE(has_line(text, "DESCRIPTION:Council\\, vote\\; plan"));
  EXPECT_TRUE(has_line(text, "TRIGGER:-P1D"));
  EXPECT_TRUE(has_line(text, "TRIGGER;VALUE=DATE-TIME:20250925T090000Z"));
}

TEST(IcsExport, the_rule_dates_and_changed_occurrences_are_written) {
  const std::string &text = sample();
  EXPECT_TRUE(has_line(text, "RRULE:FREQ=WEEKLY;COUNT=4"));
  EXPECT_TRUE(has_line(text, "EXDATE;TZID=Europe/Minsk:20251010T100000"));
  EXPECT_TRUE(has_line(text, "RECURRENCE-ID;TZID=Europe/Minsk:20251003T100000"));
  EXPECT_TRUE(has_line(text, "DTSTART;TZID=Europe/Minsk:20251003T140000"));
  std::size_t uids = 0;
  for (const auto &line : lines_of(text)) {
    uids += line == "UID:cis@summit" ? 1 : 0;
  }
  EXPECT_EQ(uids, 2U);
}

// RFC 5545 3.1: lines of at most 75 octets, folded with CRLF + space; and
// never inside a UTF-8 sequence (libical 3.0.16 folds at character
// boundaries on its own; this holds it to that).
TEST(IcsExport, long_unicode_lines_are_folded_at_75_octets_between_characters) {
  std::string title;
  std::string description;
  for (int i = 0; i < 40; ++i) {
    title += "Совет 会议😀é";
    description += i % 3 == 0 ? "ЖЖЖЖЖЖЖЖЖЖ" : "会議会議会議 😀😀, ";
  }
  const std::string text = export_calendar({make(json{{"title", title},
                                                      {"description", description},
                                                      {"start", "2025-09-26T10:00"},
                                                      {"tz", "Europe/Minsk"},
                                                      {"uid", "fold@summit"}})},
                                           k_now);
  EXPECT_EQ(text.find('\n', 0) - 1, text.find('\r', 0));
  std::size_t folded = 0;
  for (const auto &line : lines_of(text)) {
    EXPECT_LE(line.size(), 75U) << line;
    EXPECT_EQ(line.find('\r'), std::string::npos);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    const std::size_t first = !line.empty() && line[0] == ' ' ? 1 : 0;
    folded += first;
    if (line.size() > first) {
      EXPECT_NE(static_cast<unsigned char>(line[first]) & 0xC0, 0x80) << "starts mid-character";
      std::size_t lead = line.size() - 1;
      while (lead > first && (static_cast<unsigned char>(line[lead]) & 0xC0) == 0x80) {
        --lead;
      }
      const auto byte = static_cast<unsigned char>(line[lead]);
      const std::size_t need = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
      EXPECT_EQ(line.size() - lead, need) << "ends mid-character";
    }
  }
  EXPECT_GT(folded, 20U);
}

// A quick check that a real reader accepts the export; the end-to-end
// tests against python3-icalendar and khal live elsewhere.
TEST(IcsExport, python_icalendar_reads_the_export) {
  // Debian's python3 (the one python3-icalendar installs into), not
  // whatever python3 comes first on PATH.
  const std::string python =
      std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  if (std::system((python + " -c 'import icalendar' >/dev/null 2>&1").c_str()) != 0) {
    GTEST_SKIP() << "python3-icalendar is not installed (scripts/packages.txt lists it)";
  }
  const auto path = std::filesystem::temp_directory_path() /
                    ("summit-ics-export-" + std::to_string(::getpid()) + ".ics");
  std::ofstream(path, std::ios::binary) << sample();
  const std::string script = "import icalendar,sys\n"
                             "cal=icalendar.Calendar.from_ical(open(sys.argv[1],'rb').read())\n"
                             "ev=[c for c in cal.walk('VEVENT')]\n"
                             "tz=[str(c['TZID']) for c in cal.walk('VTIMEZONE')]\n"
                             "s=ev[0].decoded('DTSTART')\n"
                             "print(len(ev), ','.join(sorted(tz)), s.isoformat(), s.utcoffset())\n";
  FILE *pipe =
      ::popen((python + " - " + path.string() + " <<'EOF'\n" + script + "EOF\n").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    output += buffer;
  }
  EXPECT_EQ(::pclose(pipe), 0) << output;
  std::filesystem::remove(path);
  EXPECT_EQ(output, "5 Asia/Dushanbe,Europe/Minsk 2025-09-26T10:00:00+03:00 3:00:00\n");
}

} // namespace
} // namespace summit::ical
