// Property: what summit writes as a time on the wire or the command line,
// it reads back as the same instant. Checked for 100,000 instants from
// 1970 to 2400 (summit takes years up to 2399) in 30 zones chosen for their
// awkward history, half of them right next to the zones' own transitions
// (as zone_info() gives them: the zone files' up to 2037, their footer
// rules' after; not a hand-kept list). Fixed seed: a failure names the zone
// and instant, and the same run reproduces it.

#include "core/event.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace summit::core {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;

constexpr std::uint64_t k_seed = 20250926;
constexpr std::size_t k_instants = 100'000;
constexpr std::size_t k_failures_shown = 10;

const SysSeconds k_from = date::sys_days{1970_y / date::January / 1};
const SysSeconds k_to = date::sys_days{2400_y / date::January / 1};
// Transitions before this are all probed; after it, where a footer rule
// repeats the same two changes every year, one in k_later_probe_share.
const SysSeconds k_probe_all_until = date::sys_days{2100_y / date::January / 1};
constexpr std::uint64_t k_later_probe_share = 4;

// Why each zone is here. 30 in all.
constexpr std::array<const char *, 30> k_zones{
    "Europe/Minsk",        // 2011: stayed on summer time for good (+03)
    "Europe/Moscow",       // 2011 permanent +04, 2014 back to +03
    "Pacific/Apia",        // skipped 2011-12-30 entirely (-10 -> +14)
    "America/New_York",    // ordinary US DST, rule changes 1974/1987/2007
    "Europe/Berlin",       // ordinary EU DST
    "Australia/Lord_Howe", // 30-minute DST
    "Asia/Kathmandu",      // +05:45, changed from +05:30 in 1986
    "Pacific/Chatham",     // +12:45 / +13:45
    "America/St_Johns",    // -03:30 with DST, a double-DST year (1988)
    "Africa/Casablanca",   // DST suspended for Ramadan; permanent +01 with negative DST
    "Asia/Tehran",         // +03:30, DST until 2022
    "America/Sao_Paulo",   // DST at midnight (00:00 does not exist), ended 2019
    "Europe/Dublin",       // negative DST: winter time is the "DST"
    "Antarctica/Troll",    // +00 / +02: a two-hour DST
    "America/Caracas",     // -04:00 -> -04:30 (2007) -> -04:00 (2016)
    "Asia/Pyongyang",      // +09 -> +08:30 (2015) -> +09 (2018)
    "Pacific/Kiritimati",  // +14, skipped 1994-12-31 (-10 -> +14)
    "Pacific/Kwajalein",   // skipped a day in 1993 (-12 -> +12)
    "America/Havana",      // DST starting and ending at midnight
    "Asia/Gaza",           // irregular DST, transitions at odd local times
    "America/Santiago",    // southern DST, transitions at 24:00
    "Pacific/Auckland",    // southern DST
    "Australia/Adelaide",  // +09:30 with DST
    "Asia/Almaty",         // +06 -> +05 on 2024-03-01
    "Africa/Cairo",        // DST dropped 2011, restored 2023
    "Europe/Lisbon",       // switched between WET and CET (1992-1996)
    "America/Nuuk",        // -03 -> -02 permanent (2023), DST at -01
    "Asia/Kolkata",        // +05:30, no DST since 1945
    "Africa/Monrovia",     // -00:44:30 until 1972: an offset with seconds
    "UTC",
};

// Collects failures; reports only the first few so a broken invariant does
// not bury the log under 100,000 lines.
class Failures {
public:
  void add(const date::time_zone *zone, SysSeconds t, const std::string &what) {
    ++m_count;
    if (m_count <= k_failures_shown) {
      ADD_FAILURE() << zone->name() << " at " << format_iso_utc(t) << " ("
                    << t.time_since_epoch().count() << "): " << what;
    }
  }
  std::size_t count() const { return m_count; }

private:
  std::size_t m_count = 0;
};

// The transitions of `zone` between k_from and k_to, as zone_info()
// reports them.
std::vector<SysSeconds> transitions(const date::time_zone *zone) {
  std::vector<SysSeconds> out;
  auto info = zone_info(k_from, zone);
  while (info.end < k_to) {
    const auto begin = date::floor<Seconds>(info.end);
    out.push_back(begin);
    info = zone_info(begin, zone);
  }
  return out;
}

// The instants to test in one zone: every transition before
// k_probe_all_until and a share of those after probed at -1h-1s, -1h, -1s,
// 0, +1s, +1h, +1h+1s; random instants within a day of a random
// transition; and instants spread evenly at random over 1970..2400.
// `probed` counts the probes.
std::vector<SysSeconds> instants_for(const date::time_zone *zone, std::size_t budget,
                                     std::mt19937_64 &rng, std::size_t &probed) {
  std::vector<SysSeconds> out;
  const auto edges = transitions(zone);
  constexpr std::array<Seconds, 7> k_probes{-1h - 1s, -1h, -1s, 0s, 1s, 1h, 1h + 1s};
  for (const auto edge : edges) {
    if (edge >= k_probe_all_until && rng() % k_later_probe_share != 0) {
      continue;
    }
    for (const auto probe : k_probes) {
      out.push_back(edge + probe);
    }
  }
  probed += out.size();
  std::uniform_int_distribution<std::int64_t> anywhere(k_from.time_since_epoch().count(),
                                                       k_to.time_since_epoch().count() - 1);
  std::uniform_int_distribution<std::int64_t> near(-86'400, 86'400);
  while (out.size() < budget) {
    if (!edges.empty() && out.size() % 2 == 0) {
      std::uniform_int_distribution<std::size_t> pick(0, edges.size() - 1);
      out.push_back(edges[pick(rng)] + Seconds{near(rng)});
    } else {
      out.push_back(SysSeconds{Seconds{anywhere(rng)}});
    }
  }
  return out;
}

// The wire/CLI forms: "2025-09-26T10:00:00+03:00" and "2025-09-26T07:00:00Z"
// both parse back to the instant they were written from. The "Z" form does
// not depend on the zone, so only `thorough` calls check it.
void check_instant_forms(const date::time_zone *zone, SysSeconds t, bool thorough,
                         Failures &failures) {
  const auto offset = zone_info(t, zone).offset;
  const auto with_offset = format_iso_offset(t, zone);
  const auto parsed = parse_iso(with_offset);
  if (!parsed) {
    failures.add(zone, t,
                 fmt::format("parse_iso('{}') failed: {}", with_offset, parsed.error().message));
  } else if (parsed->kind != When::Kind::instant || parsed->instant != t ||
             parsed->utc_offset != offset || parsed->local != to_local(t, zone)) {
    failures.add(zone, t,
                 fmt::format("'{}' read back as instant {} with offset {}s (zone offset {}s)",
                             with_offset, format_iso_utc(parsed->instant),
                             parsed->utc_offset ? parsed->utc_offset->count() : -1,
                             offset.count()));
  }

  if (!thorough) {
    return;
  }
  const auto in_utc = format_iso_utc(t);
  const auto parsed_utc = parse_iso(in_utc);
  if (!parsed_utc) {
    failures.add(zone, t,
                 fmt::format("parse_iso('{}') failed: {}", in_utc, parsed_utc.error().message));
  } else if (parsed_utc->kind != When::Kind::instant || parsed_utc->instant != t ||
             parsed_utc->utc_offset != 0s) {
    failures.add(zone, t,
                 fmt::format("'{}' read back as {}", in_utc, format_iso_utc(parsed_utc->instant)));
  }
}

// How a wall time read off an instant sits in its zone.
enum class Pass { unique, first, second };

// The event form: a wall time written without an offset plus the zone
// name, resolved as an event's start is. A wall time read off a real instant
// always exists; when it is ambiguous, start_later says which pass is meant.
// `thorough` adds the slower checks (later=true on a unique time, the whole
// Event path); the caller asks for them on a share of the instants.
Pass check_wall_time(const date::time_zone *zone, SysSeconds t, bool thorough, Failures &failures) {
  const auto local = to_local(t, zone);
  const auto text = format_iso_local(local);
  const auto parsed = parse_iso(text);
  if (!parsed || parsed->kind != When::Kind::wall_time || parsed->local != local) {
    failures.add(zone, t, fmt::format("wall time '{}' did not read back as itself", text));
    return Pass::unique;
  }

  const auto info = zone_info(local, zone);
  // Which pass through an overlap `t` is on, from the database: the second
  // if t's own period is the later of the two.
  const bool second_pass =
      info.result == date::local_info::ambiguous && zone_info(t, zone).begin == info.second.begin;
  switch (info.result) {
  case date::local_info::nonexistent:
    failures.add(zone, t, fmt::format("'{}' was read off a real instant yet is in a gap", text));
    return Pass::unique;
  case date::local_info::unique: {
    const auto r = resolve_local(parsed->local, zone);
    if (r.utc != t || r.local != local || r.later || !r.note.empty()) {
      failures.add(zone, t,
                   fmt::format("unique wall time '{}' resolved to {} (note '{}')", text,
                               format_iso_utc(r.utc), r.note));
    }
    // `later` means nothing outside an overlap.
    if (thorough && resolve_local(parsed->local, zone, true).utc != t) {
      failures.add(zone, t, fmt::format("unique wall time '{}' moved with later=true", text));
    }
    break;
  }
  case date::local_info::ambiguous: {
    const auto r = resolve_local(parsed->local, zone, second_pass);
    if (r.utc != t || r.local != local || r.later != second_pass || r.note.empty()) {
      failures.add(zone, t,
                   fmt::format("ambiguous wall time '{}' ({} pass) resolved to {} (note '{}')",
                               text, second_pass ? "second" : "first", format_iso_utc(r.utc),
                               r.note));
    }
    // The other pass is a different instant: the flag is what picks.
    if (resolve_local(parsed->local, zone, !second_pass).utc == t) {
      failures.add(zone, t, fmt::format("ambiguous '{}': both passes gave the same instant", text));
    }
    break;
  }
  }

  const auto pass = info.result == date::local_info::unique
                        ? Pass::unique
                        : (second_pass ? Pass::second : Pass::first);
  if (!thorough && pass == Pass::unique) {
    return pass;
  }
  // As an event stores it: wall time, zone name, start_later.
  Event event;
  event.tz = zone->name();
  event.start_local = parsed->local;
  event.end_local = parsed->local;
  event.start_later = second_pass;
  const auto derived = derive_instants(event);
  if (!derived) {
    failures.add(zone, t, "derive_instants failed: " + derived.error().message);
  } else if (event.start_utc != t) {
    failures.add(zone, t,
                 fmt::format("event at '{}' (start_later={}) starts at {}", text, second_pass,
                             format_iso_utc(event.start_utc)));
  }
  return pass;
}

TEST(TimeRoundtripProperty, every_written_time_reads_back_as_the_same_instant) {
  std::mt19937_64 rng{k_seed};
  Failures failures;
  std::size_t checked = 0;
  std::size_t near_transitions = 0;
  std::size_t first_pass = 0;
  std::size_t second_pass = 0;
  for (std::size_t i = 0; i < k_zones.size(); ++i) {
    const auto zone = find_zone(k_zones[i]);
    ASSERT_TRUE(zone) << zone.error().message;
    // Spread the budget so the total is exactly k_instants.
    const auto budget = k_instants / k_zones.size() + (i < k_instants % k_zones.size() ? 1 : 0);
    const auto instants = instants_for(*zone, budget, rng, near_transitions);
    for (const auto t : instants) {
      // One instant in eight gets the slower checks: enough for tens of
      // thousands of them, and the run stays within a few seconds under ASan.
      const bool thorough = checked % 8 == 0;
      check_instant_forms(*zone, t, thorough, failures);
      const auto pass = check_wall_time(*zone, t, thorough, failures);
      first_pass += pass == Pass::first ? 1 : 0;
      second_pass += pass == Pass::second ? 1 : 0;
      ++checked;
    }
  }
  // The test must reach what it claims to: enough instants, and the
  // awkward ones among them.
  EXPECT_GE(checked, k_instants);
  EXPECT_GT(near_transitions, 10'000U);
  EXPECT_GT(first_pass, 1'000U);
  EXPECT_GT(second_pass, 1'000U);
  EXPECT_EQ(failures.count(), 0U) << "first " << k_failures_shown << " shown above";
}

// Spot checks that pin down what the property relies on, so that a tz
// database without these transitions fails loudly rather than passing
// vacuously.
TEST(TimeRoundtripProperty, the_zones_have_the_history_the_test_relies_on) {
  const auto in = [](const char *name) { return *find_zone(name); };
  // Apia has no 2011-12-30.
  EXPECT_EQ(
      zone_info(date::local_days{2011_y / date::December / 30} + 12h, in("Pacific/Apia")).result,
      date::local_info::nonexistent);
  // Minsk: +03 in January 2012 (no winter time after 2011).
  EXPECT_EQ(zone_info(date::sys_days{2012_y / date::January / 15}, in("Europe/Minsk")).offset, 3h);
  // Monrovia kept local mean time, -00:44:30, until 1972.
  EXPECT_EQ(zone_info(date::sys_days{1971_y / date::June / 1}, in("Africa/Monrovia")).offset,
            -44min - 30s);
  // Lord Howe's DST is 30 minutes, in the zone file and in its footer rule.
  const auto lord_howe = in("Australia/Lord_Howe");
  for (const auto year : {2025_y, 2250_y}) {
    EXPECT_EQ(zone_info(date::sys_days{year / date::January / 15}, lord_howe).offset -
                  zone_info(date::sys_days{year / date::July / 15}, lord_howe).offset,
              30min);
  }
  // The zones with DST keep changing twice a year up to 2400.
  EXPECT_EQ(zone_info(date::sys_days{2399_y / date::July / 1}, in("Europe/Berlin")).offset, 2h);
  EXPECT_EQ(zone_info(date::sys_days{2399_y / date::January / 1}, in("Pacific/Auckland")).offset,
            13h);
}

// The case the property found: an offset with seconds must be written with
// them, or the text names an instant 30 seconds away.
TEST(TimeRoundtripProperty, an_offset_with_seconds_is_written_and_read_whole) {
  const auto monrovia = *find_zone("Africa/Monrovia");
  const SysSeconds noon = date::sys_days{1971_y / date::June / 1} + 12h;
  EXPECT_EQ(format_iso_offset(noon, monrovia), "1971-06-01T11:15:30-00:44:30");
  const auto back = parse_iso("1971-06-01T11:15:30-00:44:30");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->instant, noon);
  EXPECT_EQ(back->utc_offset, -44min - 30s);
  EXPECT_FALSE(parse_iso("1971-06-01T11:15:30-00:44:60"));
  // After 1972 Monrovia is on GMT, written as usual.
  EXPECT_EQ(format_iso_offset(date::sys_days{1972_y / date::June / 1} + 12h, monrovia),
            "1972-06-01T12:00:00+00:00");
}

} // namespace
} // namespace summit::core
