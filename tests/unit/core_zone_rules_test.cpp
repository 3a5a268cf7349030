// zone_info() and to_local(): date's answers up to a zone file's last listed
// transition (2037 in Debian 12's files), the file's footer rule after it.

#include "core/time_format.hpp"
#include "core/zone_files.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace summit::core {
namespace {

using namespace date::literals;
using date::April, date::January, date::July, date::March, date::October;
using namespace std::chrono_literals;

const date::time_zone *zone(const char *name) {
  auto found = find_zone(name);
  EXPECT_TRUE(found) << name;
  return found ? *found : nullptr;
}

SysSeconds utc(date::year_month_day day, Seconds time_of_day = 0s) {
  return date::sys_days{day} + time_of_day;
}

LocalSeconds wall(date::year_month_day day, Seconds time_of_day) {
  return date::local_days{day} + time_of_day;
}

std::string file_text(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// ---- past the last listed transition ----

// What the workaround is for: date alone keeps the last listed offset (CET)
// for ever. If this fails, date has learnt to read footers and zone_info()
// could go back to asking it alone.
TEST(ZoneRules, date_alone_keeps_winter_time_after_2037) {
  const auto *berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin->get_info(utc(2040_y / July / 1)).offset, 1h);
}

TEST(ZoneRules, berlin_is_on_summer_time_in_july_2040) {
  const auto *berlin = zone("Europe/Berlin");
  const auto info = zone_info(utc(2040_y / July / 1), berlin);
  EXPECT_EQ(info.offset, 2h);
  EXPECT_EQ(info.abbrev, "CEST");
  EXPECT_NE(info.save, 0min);
  EXPECT_EQ(info.begin, utc(2040_y / March / 25, 1h));
  EXPECT_EQ(info.end, utc(2040_y / October / 28, 1h));
  EXPECT_EQ(format_iso_offset(utc(2040_y / July / 1, 8h), berlin), "2040-07-01T10:00:00+02:00");
  EXPECT_EQ(zone_abbrev(utc(2040_y / July / 1), berlin), "CEST");
  EXPECT_EQ(to_local(utc(2040_y / July / 1, 8h), berlin), wall(2040_y / July / 1, 10h));
  // And winter is still CET.
  const auto winter = zone_info(utc(2040_y / January / 15), berlin);
  EXPECT_EQ(winter.offset, 1h);
  EXPECT_EQ(winter.abbrev, "CET");
  EXPECT_EQ(winter.save, 0min);
}

TEST(ZoneRules, the_spring_gap_of_2040_moves_a_wall_time_forward) {
  const auto *berlin = zone("Europe/Berlin");
  const auto info = zone_info(wall(2040_y / March / 25, 2h + 30min), berlin);
  ASSERT_EQ(info.result, date::local_info::nonexistent);
  EXPECT_EQ(info.first.offset, 1h);
  EXPECT_EQ(info.second.offset, 2h);
  EXPECT_EQ(info.second.begin, utc(2040_y / March / 25, 1h));

  const auto r = resolve_local(wall(2040_y / March / 25, 2h + 30min), berlin);
  EXPECT_EQ(r.local, wall(2040_y / March / 25, 3h + 30min));
  EXPECT_EQ(r.utc, utc(2040_y / March / 25, 1h + 30min));
  EXPECT_EQ(r.note, "02:30 does not exist in Europe/Berlin on 2040-03-25 (clocks jumped forward "
                    "1h); moved to 03:30");
}

TEST(ZoneRules, the_autumn_overlap_of_2040_is_ambiguous) {
  const auto *berlin = zone("Europe/Berlin");
  const auto local = wall(2040_y / October / 28, 2h + 30min);
  const auto info = zone_info(local, berlin);
  ASSERT_EQ(info.result, date::local_info::ambiguous);
  EXPECT_EQ(info.first.abbrev, "CEST");
  EXPECT_EQ(info.second.abbrev, "CET");
  EXPECT_EQ(resolve_local(local, berlin).utc, utc(2040_y / October / 28, 30min));
  EXPECT_EQ(resolve_local(local, berlin, true).utc, utc(2040_y / October / 28, 1h + 30min));
  // An hour earlier the wall time is unique again, on summer time.
  const auto before = zone_info(wall(2040_y / October / 28, 1h + 30min), berlin);
  EXPECT_EQ(before.result, date::local_info::unique);
  EXPECT_EQ(before.first.offset, 2h);
}

// The last listed transition (October 2037) is where the rule takes over:
// the overlap there is the file's, the periods on either side are whole.
TEST(ZoneRules, the_rule_takes_over_seamlessly_at_the_last_listed_transition) {
  const auto *berlin = zone("Europe/Berlin");
  const auto last = utc(2037_y / October / 25, 1h);
  const auto before = zone_info(last - 1s, berlin);
  const auto after = zone_info(last, berlin);
  EXPECT_EQ(before.end, last);
  EXPECT_EQ(before.offset, 2h);
  EXPECT_EQ(after.begin, last);
  EXPECT_EQ(after.end, utc(2038_y / March / 28, 1h)); // date says 32767
  EXPECT_EQ(after.offset, 1h);
  const auto overlap = zone_info(wall(2037_y / October / 25, 2h + 30min), berlin);
  ASSERT_EQ(overlap.result, date::local_info::ambiguous);
  EXPECT_EQ(overlap.second.begin, last);
  EXPECT_EQ(overlap.second.end, utc(2038_y / March / 28, 1h));
}

TEST(ZoneRules, new_york_keeps_its_rules_in_2050) {
  const auto *new_york = zone("America/New_York");
  EXPECT_EQ(zone_info(utc(2050_y / July / 1), new_york).offset, -4h);
  EXPECT_EQ(zone_info(utc(2050_y / July / 1), new_york).abbrev, "EDT");
  EXPECT_EQ(zone_info(utc(2050_y / January / 1), new_york).abbrev, "EST");
  // Second Sunday of March, 02:00 EST.
  EXPECT_EQ(zone_info(utc(2050_y / July / 1), new_york).begin, utc(2050_y / March / 13, 7h));
  EXPECT_EQ(resolve_local(wall(2050_y / March / 13, 2h + 15min), new_york).local,
            wall(2050_y / March / 13, 3h + 15min));
  // First Sunday of November, 02:00 EDT: 01:30 happens twice.
  EXPECT_EQ(zone_info(wall(2050_y / date::November / 6, 1h + 30min), new_york).result,
            date::local_info::ambiguous);
}

TEST(ZoneRules, sydney_has_summer_time_around_new_year_in_2045) {
  const auto *sydney = zone("Australia/Sydney");
  const auto summer = zone_info(utc(2045_y / January / 15), sydney);
  EXPECT_EQ(summer.offset, 11h);
  EXPECT_EQ(summer.abbrev, "AEDT");
  EXPECT_EQ(summer.end, utc(2045_y / April / 1, 16h)); // Sun 2 Apr 03:00 AEDT
  const auto winter = zone_info(utc(2045_y / July / 1), sydney);
  EXPECT_EQ(winter.offset, 10h);
  EXPECT_EQ(winter.abbrev, "AEST");
  EXPECT_EQ(winter.end, utc(2045_y / date::September / 30, 16h)); // Sun 1 Oct 02:00 AEST
  // The gap in October, the overlap in April.
  EXPECT_EQ(zone_info(wall(2045_y / October / 1, 2h + 30min), sydney).result,
            date::local_info::nonexistent);
  EXPECT_EQ(zone_info(wall(2045_y / April / 2, 2h + 30min), sydney).result,
            date::local_info::ambiguous);
}

TEST(ZoneRules, zones_without_dst_after_their_last_transition_are_unchanged) {
  for (const char *name : {"Asia/Tokyo", "Europe/Minsk", "Asia/Kolkata", "UTC"}) {
    const auto *z = zone(name);
    for (const auto t :
         {utc(2040_y / July / 1), utc(2100_y / January / 1), utc(2399_y / July / 1)}) {
      const auto ours = zone_info(t, z);
      const auto dates = z->get_info(t);
      EXPECT_EQ(ours.offset, dates.offset) << name;
      EXPECT_EQ(ours.abbrev, dates.abbrev) << name;
      EXPECT_EQ(ours.begin, dates.begin) << name;
      EXPECT_EQ(ours.end, dates.end) << name;
    }
  }
  EXPECT_EQ(zone_info(utc(2040_y / July / 1), zone("Asia/Tokyo")).offset, 9h);
  EXPECT_EQ(zone_info(utc(2040_y / July / 1), zone("Europe/Minsk")).offset, 3h);
}

// Ireland's standard time is summer time (IST); winter (GMT) is its "DST",
// one hour back: "IST-1GMT0,M10.5.0,M3.5.0/1".
TEST(ZoneRules, dublin_with_negative_dst_changes_at_the_usual_instants) {
  const auto *dublin = zone("Europe/Dublin");
  const auto summer = zone_info(utc(2040_y / July / 1), dublin);
  EXPECT_EQ(summer.offset, 1h);
  EXPECT_EQ(summer.abbrev, "IST");
  EXPECT_EQ(summer.begin, utc(2040_y / March / 25, 1h));
  EXPECT_EQ(summer.end, utc(2040_y / October / 28, 1h));
  const auto winter = zone_info(utc(2040_y / January / 15), dublin);
  EXPECT_EQ(winter.offset, 0h);
  EXPECT_EQ(winter.abbrev, "GMT");
  // As the file marks it: GMT is the DST of this zone.
  EXPECT_NE(winter.save, 0min);
  EXPECT_EQ(zone_info(wall(2040_y / March / 25, 1h + 30min), dublin).result,
            date::local_info::nonexistent);
  EXPECT_EQ(zone_info(wall(2040_y / October / 28, 1h + 30min), dublin).result,
            date::local_info::ambiguous);
}

// Greenland's footer has a negative transition time ("M3.5.0/-1": 23:00 on
// the Saturday before), which Debian 12's ptz.h cannot read: date's answer
// (-02 for ever after 2037) stands, and nothing fails.
TEST(ZoneRules, a_footer_ptz_cannot_read_leaves_dates_answer) {
  const auto *nuuk = zone("America/Nuuk");
  const auto footer = read_zone_footer(nuuk);
  EXPECT_EQ(footer.text, "<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  EXPECT_EQ(footer.kind, ZoneFooter::Kind::unreadable);
  EXPECT_NE(footer.why.find("<-02>2<-01>,M3.5.0/-1,M10.5.0/0"), std::string::npos);
  const auto t = utc(2040_y / July / 1);
  EXPECT_EQ(zone_info(t, nuuk).offset, nuuk->get_info(t).offset);
  EXPECT_EQ(zone_info(t, nuuk).abbrev, "-02");
  EXPECT_EQ(zone_info(wall(2040_y / July / 1, 12h), nuuk).result, date::local_info::unique);
  EXPECT_EQ(resolve_local(wall(2040_y / July / 1, 12h), nuuk).utc, utc(2040_y / July / 1, 14h));
  // Before 2038 the file lists Nuuk's changes itself.
  EXPECT_EQ(zone_info(utc(2030_y / July / 1), nuuk).offset, -1h);
}

// ---- before the last listed transition: date's answers, unchanged ----

constexpr std::array<const char *, 30> k_sample_zones{
    "Europe/Berlin",     "Europe/Minsk",        "Europe/Moscow",
    "Europe/Dublin",     "Europe/London",       "Europe/Lisbon",
    "America/New_York",  "America/Nuuk",        "America/Santiago",
    "America/Sao_Paulo", "America/St_Johns",    "America/Havana",
    "America/Godthab",   "Asia/Tokyo",          "Asia/Kolkata",
    "Asia/Kathmandu",    "Asia/Tehran",         "Asia/Gaza",
    "Asia/Jerusalem",    "Africa/Cairo",        "Africa/Casablanca",
    "Australia/Sydney",  "Australia/Lord_Howe", "Pacific/Auckland",
    "Pacific/Chatham",   "Pacific/Apia",        "Antarctica/Troll",
    "Atlantic/Azores",   "Pacific/Easter",      "UTC"};

bool same(const date::sys_info &a, const date::sys_info &b) {
  return a.begin == b.begin && a.end == b.end && a.offset == b.offset && a.save == b.save &&
         a.abbrev == b.abbrev;
}

bool same(const date::local_info &a, const date::local_info &b) {
  return a.result == b.result && same(a.first, b.first) &&
         (a.result == date::local_info::unique || same(a.second, b.second));
}

TEST(ZoneRules, before_2037_every_answer_is_dates_own) {
  std::mt19937_64 rng{20370101};
  const auto from = utc(1900_y / January / 1).time_since_epoch().count();
  const auto to = utc(2037_y / January / 1).time_since_epoch().count();
  std::uniform_int_distribution<std::int64_t> anywhere(from, to - 1);
  std::size_t checked = 0;
  std::size_t differences = 0;
  for (const char *name : k_sample_zones) {
    const auto *z = zone(name);
    for (int i = 0; i < 2000; ++i) {
      const std::int64_t t = anywhere(rng);
      const SysSeconds instant{Seconds{t}};
      const LocalSeconds local{Seconds{t}};
      if (!same(zone_info(instant, z), z->get_info(instant))) {
        ADD_FAILURE() << name << " at " << format_iso_utc(instant) << ": instant differs";
        ++differences;
      }
      if (!same(zone_info(local, z), z->get_info(local))) {
        ADD_FAILURE() << name << " at " << format_iso_local(local) << ": wall time differs";
        ++differences;
      }
      if (to_local(instant, z) != z->to_local(instant)) {
        ADD_FAILURE() << name << " at " << format_iso_utc(instant) << ": to_local differs";
        ++differences;
      }
      if (differences > 10) {
        FAIL() << "more than 10 differences; stopped";
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 60'000U);
}

// summit reads the zone files itself (zone_rules.cpp, issue 17: date's
// own reading lists the whole database first). Every zone of the database,
// at and around each of its periods' bounds up to 2037 and at instants in
// between, in UTC and as wall time: the same answer as date's.
TEST(ZoneRules, every_zone_file_is_read_as_date_reads_it) {
  std::size_t zones = 0;
  std::size_t checked = 0;
  std::size_t differences = 0;
  const auto last = utc(2037_y / January / 1);
  for (const auto &z : date::get_tzdb().zones) {
    if (z.name() == "localtime") {
      continue;
    }
    ++zones;
    const auto *ours = zone(z.name().c_str());
    ASSERT_NE(ours, nullptr) << z.name();
    // summit's reader takes the file (it would leave a file it cannot read
    // to date, and this test would then compare date with itself).
    EXPECT_TRUE(keep_zone_file(ours, file_text(zoneinfo_dir() + "/" + z.name()))) << z.name();
    auto t = utc(1800_y / January / 1);
    for (int period = 0; period < 400 && t < last; ++period) {
      const auto theirs = z.get_info(t);
      for (const Seconds delta : {-86400s, -3601s, -1s, 0s, 1s, 1800s, 3600s, 86400s}) {
        const auto at = theirs.begin + delta;
        if (at < utc(1800_y / January / 1)) {
          continue;
        }
        const LocalSeconds wall_at{at.time_since_epoch()};
        ++checked;
        if (!same(zone_info(at, ours), z.get_info(at)) ||
            !same(zone_info(wall_at, ours), z.get_info(wall_at)) ||
            !same(zone_info(wall_at + theirs.offset, ours), z.get_info(wall_at + theirs.offset))) {
          ADD_FAILURE() << z.name() << " near " << format_iso_utc(at);
          if (++differences > 10) {
            FAIL() << "more than 10 differences; stopped";
          }
        }
      }
      t = theirs.end;
    }
  }
  EXPECT_GT(zones, 300U);
  EXPECT_GT(checked, 100'000U);
}

// Damaged zone files: the reader takes only a whole file and leaves anything
// else to date (which then reads the real file), without reading past the
// bytes it was given (the ASan build checks that).
TEST(ZoneRules, a_truncated_or_damaged_zone_file_is_left_to_date) {
  const auto *berlin = zone("Europe/Berlin");
  ASSERT_NE(berlin, nullptr);
  const std::string whole = file_text(zoneinfo_dir() + "/Europe/Berlin");
  ASSERT_GT(whole.size(), 100U);
  EXPECT_TRUE(keep_zone_file(berlin, whole));
  // Cut anywhere before the last data block ends: never taken.
  const auto footer_start = whole.rfind('\n', whole.size() - 2);
  for (std::size_t size = 0; size < footer_start; size += 7) {
    EXPECT_FALSE(keep_zone_file(berlin, whole.substr(0, size))) << size << " bytes";
  }
  // Counts far beyond the file: refused, not trusted.
  std::string huge = whole;
  for (std::size_t at = 20; at < 44; ++at) {
    huge[at] = '\x7f';
  }
  EXPECT_FALSE(keep_zone_file(berlin, huge));
  // Not TZif at all.
  EXPECT_FALSE(keep_zone_file(berlin, std::string(200, 'x')));
  // A file with leap seconds (right/, when tzdata ships it) is date's.
  const std::string right = file_text(zoneinfo_dir() + "/right/Europe/Berlin");
  if (!right.empty()) {
    EXPECT_FALSE(keep_zone_file(berlin, right));
  }
  // Whatever was offered, the zone still answers as date does.
  const auto t = utc(2025_y / July / 1);
  EXPECT_EQ(zone_info(t, berlin).offset, berlin->get_info(t).offset);
  EXPECT_EQ(zone_info(t, berlin).abbrev, "CEST");
}

// ---- the footer ----

TEST(ZoneRules, the_footer_is_the_last_line_of_a_version_2_file) {
  EXPECT_EQ(tzif_footer(file_text(zoneinfo_dir() + "/Europe/Berlin")),
            "CET-1CEST,M3.5.0,M10.5.0/3");
  EXPECT_EQ(tzif_footer(file_text(zoneinfo_dir() + "/Asia/Tokyo")), "JST-9");

  // A made-up file: header, some binary data with a newline in it, footer.
  std::string file = "TZif2" + std::string(39, '\0') + "\x01\n\x02" + "\n<+03>-3\n";
  EXPECT_EQ(tzif_footer(file), "<+03>-3");
  // Version 1 has no footer, whatever its last bytes are.
  file[4] = '\0';
  EXPECT_EQ(tzif_footer(file), "");
  // Empty footer; no final newline; not TZif; binary bytes where the footer is.
  EXPECT_EQ(tzif_footer("TZif2" + std::string(39, '\0') + "\n\n"), "");
  EXPECT_EQ(tzif_footer("TZif2" + std::string(39, '\0') + "\nCET-1"), "");
  EXPECT_EQ(tzif_footer("Xzif2" + std::string(39, '\0') + "\nJST-9\n"), "");
  EXPECT_EQ(tzif_footer("TZif2" + std::string(39, '\0') + "\n\x01\x02\n"), "");
  EXPECT_EQ(tzif_footer(""), "");
}

TEST(ZoneRules, posix_rules_are_read_by_ptz) {
  const auto berlin = PosixRule::parse("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(berlin) << berlin.error().message;
  EXPECT_TRUE(berlin->has_dst());
  const auto july = berlin->period_at(utc(2040_y / July / 1).time_since_epoch().count());
  EXPECT_EQ(july.offset, 7200);
  EXPECT_TRUE(july.dst);
  EXPECT_EQ(july.abbrev, "CEST");

  const auto quoted = PosixRule::parse("<+03>-3");
  ASSERT_TRUE(quoted) << quoted.error().message;
  EXPECT_FALSE(quoted->has_dst());
  EXPECT_EQ(quoted->period_at(0).offset, 3 * 3600);
  EXPECT_EQ(quoted->period_at(0).abbrev, "+03");

  const auto half_hour = PosixRule::parse("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
  ASSERT_TRUE(half_hour) << half_hour.error().message;
  EXPECT_EQ(half_hour->period_at(utc(2045_y / January / 1).time_since_epoch().count()).offset,
            11 * 3600);

  const auto negative_time = PosixRule::parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  ASSERT_FALSE(negative_time);
  EXPECT_EQ(negative_time.error().code, ErrorCode::invalid_params);
  EXPECT_EQ(negative_time.error().message.find('\x1b'), std::string::npos) << "no terminal codes";
  EXPECT_FALSE(PosixRule::parse(""));
  EXPECT_FALSE(PosixRule::parse("CET-1CEST,M3.5.0"));
}

// Tests run threads; the daemon does not. The first use of each zone past
// 2037 reads its file; many threads at once get the same answers.
TEST(ZoneRules, threads_asking_at_once_get_the_same_answers) {
  // Zones no test before this one asks about after 2037 (ctest runs each
  // test in a process of its own anyway).
  const std::array<const char *, 6> names{"Europe/Paris",  "America/Chicago", "Australia/Hobart",
                                          "Europe/Athens", "America/Halifax", "America/Denver"};
  std::vector<std::vector<Seconds>> seen(8);
  std::vector<std::thread> threads;
  threads.reserve(seen.size());
  for (auto &offsets : seen) {
    threads.emplace_back([&names, &offsets] {
      for (const char *name : names) {
        const auto *z = *find_zone(name);
        for (int year = 2038; year < 2060; ++year) {
          offsets.push_back(zone_info(utc(date::year{year} / July / 1), z).offset);
          offsets.push_back(zone_info(wall(date::year{year} / January / 1, 12h), z).first.offset);
        }
      }
    });
  }
  for (auto &thread : threads) {
    thread.join();
  }
  for (const auto &offsets : seen) {
    EXPECT_EQ(offsets, seen.front());
  }
  // Paris in July 2040 (the third year's first answer) is +02:00; Denver
  // in January 2059 (the last answer) -07:00.
  EXPECT_EQ(seen.front()[4], 2h);
  EXPECT_EQ(seen.front().back(), -7h);
}

// Every zone of the system database: reading its footer never fails, the
// rule never disagrees with the file at the last transition, and where
// ptz.h cannot read a footer date's answer stands. The counts are printed
// for the record (Debian 12, tzdata 2025b: 642 of 645 footers read; the
// three Greenland files with "M3.5.0/-1" are not).
TEST(ZoneRules, every_zone_in_the_database_has_a_footer_summit_can_use_or_keeps_dates_answer) {
  std::map<ZoneFooter::Kind, std::size_t> kinds;
  std::size_t zones = 0;
  std::vector<std::string> unreadable;
  const auto t = utc(2040_y / July / 1);
  for (const auto &z : date::get_tzdb().zones) {
    if (z.name() == "localtime") {
      continue;
    }
    const auto footer = read_zone_footer(&z);
    ++kinds[footer.kind];
    ++zones;
    EXPECT_NE(footer.kind, ZoneFooter::Kind::inconsistent) << z.name() << ": " << footer.why;
    if (footer.kind == ZoneFooter::Kind::rule) {
      // The rule's period at the last listed transition is the file's.
      const auto last = z.get_info(utc(9999_y / January / 1));
      EXPECT_EQ(footer.from, last.begin) << z.name();
      EXPECT_EQ(zone_info(footer.from, &z).offset, last.offset) << z.name();
      EXPECT_EQ(zone_info(footer.from, &z).abbrev, last.abbrev) << z.name();
      EXPECT_LT(zone_info(t, &z).end, utc(2042_y / January / 1)) << z.name();
    } else {
      EXPECT_EQ(zone_info(t, &z).offset, z.get_info(t).offset) << z.name();
      if (footer.kind == ZoneFooter::Kind::unreadable) {
        unreadable.push_back(std::string(z.name()) + " \"" + footer.text + "\"");
      }
    }
  }
  const auto count = [&](ZoneFooter::Kind k) { return kinds.contains(k) ? kinds.at(k) : 0; };
  std::string summary = fmt::format(
      "{} zones: {} footers with DST rules used after the last transition, {} with one offset, "
      "{} without a footer, {} ptz.h cannot read:",
      zones, count(ZoneFooter::Kind::rule), count(ZoneFooter::Kind::fixed),
      count(ZoneFooter::Kind::none), count(ZoneFooter::Kind::unreadable));
  for (const auto &name : unreadable) {
    summary += "\n  " + name;
  }
  std::printf("%s\n", summary.c_str());
  RecordProperty("footers", summary);
  EXPECT_GT(count(ZoneFooter::Kind::rule), 100U) << "Debian 12 has about 200 zones with DST";
}

} // namespace
} // namespace summit::core
