// Fuzz target: the time parsers of core/time_parse.hpp on arbitrary bytes.
//
// Every input goes to parse_iso, parse_when (at a fixed instant, in
// Europe/Minsk: never the host's clock or zone) and parse_duration. None may
// crash, throw or trip ASan/UBSan. What they accept is then formatted with
// core/time_format.hpp and read back, and the properties the headers promise
// are checked:
// - an ISO form read by parse_iso is one of the forms format_iso_* writes,
//   so writing the value and reading it again gives the same value (for
//   years 0000-9999, the only ones the four-digit forms can hold);
// - an instant written with an offset is the wall time minus that offset;
// - the same for parse_when, whose answer for a formatted ISO text cannot
//   depend on `now`;
// - a duration is never negative, and both duration formats read back to
//   the same number of seconds.

#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "fuzz_check.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using summit::core::LocalSeconds;
using summit::core::Seconds;
using summit::core::SysSeconds;
using summit::core::When;
using summit::fuzz::check;

// 2025-06-01T12:00:00Z.
const SysSeconds k_now = date::sys_days{date::year{2025} / 6 / 1} + std::chrono::hours{12};

const date::time_zone *minsk() {
  static const date::time_zone *zone = date::locate_zone("Europe/Minsk");
  return zone;
}

bool four_digit_year(LocalSeconds t) {
  const auto year = int(date::year_month_day{date::floor<date::days>(t)}.year());
  return year >= 0 && year <= 9999;
}

// The ISO text format_iso_* writes for a non-instant value of `kind`.
std::string format_local(When::Kind kind, LocalSeconds t) {
  switch (kind) {
  case When::Kind::month:
    return summit::core::format_iso_month(t);
  case When::Kind::date:
    return summit::core::format_iso_date(t);
  case When::Kind::wall_time:
  case When::Kind::instant:
    break;
  }
  return summit::core::format_iso_local(t);
}

// Exercises every formatter on a value; none may crash whatever the year.
void format_all(const When &when) {
  using namespace summit::core;
  (void)format_iso_local(when.local);
  (void)format_iso_date(when.local);
  (void)format_iso_month(when.local);
  (void)format_human_datetime(when.local);
  (void)format_human_date(when.local);
  (void)format_month_tba(when.local);
  if (when.kind == When::Kind::instant) {
    (void)format_iso_utc(when.instant);
    (void)format_iso_offset(when.instant, minsk());
    (void)zone_abbrev(when.instant, minsk());
  }
}

void check_iso(std::string_view input) {
  const auto when = summit::core::parse_iso(input);
  if (!when) {
    check(!when.error().message.empty(), "parse_iso: a failure without a message", input);
    return;
  }
  format_all(*when);
  if (when->kind == When::Kind::instant) {
    check(when->utc_offset.has_value(), "parse_iso: an instant without its offset", input);
    check(when->instant.time_since_epoch() == when->local.time_since_epoch() - *when->utc_offset,
          "parse_iso: instant is not the wall time minus the offset", input);
    const LocalSeconds utc_wall{when->instant.time_since_epoch()};
    if (four_digit_year(utc_wall)) {
      const auto text = summit::core::format_iso_utc(when->instant);
      const auto again = summit::core::parse_iso(text);
      check(again && again->kind == When::Kind::instant && again->instant == when->instant,
            "parse_iso(format_iso_utc(instant)) is not the same instant", input);
    }
    return;
  }
  check(!when->utc_offset.has_value(), "parse_iso: an offset on a wall time, date or month", input);
  // parse_iso only reads four-digit years, so the written form always fits.
  const auto text = format_local(when->kind, when->local);
  const auto again = summit::core::parse_iso(text);
  check(again && again->kind == when->kind && again->local == when->local,
        "parse_iso(format_iso_*(value)) is not the same value", input);
}

void check_when(std::string_view input) {
  const auto when = summit::core::parse_when(input, k_now, minsk());
  if (!when) {
    check(!when.error().message.empty(), "parse_when: a failure without a message", input);
    return;
  }
  format_all(*when);
  std::string text;
  if (when->kind == When::Kind::instant) {
    if (!four_digit_year(LocalSeconds{when->instant.time_since_epoch()})) {
      return;
    }
    text = summit::core::format_iso_utc(when->instant);
  } else {
    if (!four_digit_year(when->local)) {
      return;
    }
    text = format_local(when->kind, when->local);
  }
  // An ISO text means the same at any `now`: read it a day later.
  const auto again = summit::core::parse_when(text, k_now + date::days{1}, minsk());
  check(again.has_value(), "parse_when cannot read back its own formatted value", input);
  check(again->kind == when->kind, "parse_when read back a different kind", input);
  if (when->kind == When::Kind::instant) {
    check(again->instant == when->instant, "parse_when read back a different instant", input);
  } else {
    check(again->local == when->local, "parse_when read back a different wall time", input);
  }
}

void check_duration(std::string_view input) {
  const auto duration = summit::core::parse_duration(input);
  if (!duration) {
    check(!duration.error().message.empty(), "parse_duration: a failure without a message", input);
    return;
  }
  check(*duration >= Seconds{0}, "parse_duration returned a negative duration", input);
  const auto iso = summit::core::parse_duration(summit::core::format_duration_iso(*duration));
  check(iso && *iso == *duration, "parse_duration(format_duration_iso(d)) != d", input);
  const auto short_form =
      summit::core::parse_duration(summit::core::format_duration_short(*duration));
  check(short_form && *short_form == *duration, "parse_duration(format_duration_short(d)) != d",
        input);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char *>(data), size);
  check_iso(input);
  check_when(input);
  check_duration(input);
  return 0;
}
