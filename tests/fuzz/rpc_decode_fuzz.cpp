// Fuzz target: one line from a client, as the daemon's request path sees it.
//
// The bytes go to rpc::decode_request. A line that decodes has its params
// validated as event.add and as event.update (against a few fixed stored
// events: timed, all-day, month, and a timed one on the second pass through
// a DST overlap) and read as a snooze duration; whatever the outcome, the
// reply is built and written with rpc::to_line. A failure to decode is
// answered with its error reply, written the same way. Nothing may crash,
// throw or trip ASan/UBSan.
//
// Everything is fixed: `now` is 2025-06-01T12:00:00Z, the caller is uid 1000
// and the zone gazetteer is built from a few tzdata rows below, never from
// the host's tables, clock or zone.
//
// One property beyond "no crash" is checked, because the header promises it:
// event_from_json reads back the event_to_json of any event that validation
// accepted, with the same times, zone and title (the CLI relies on it).

#include "core/event_json.hpp"
#include "core/event_params.hpp"
#include "core/rpc.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"
#include "fuzz_check.hpp"

#include <date/date.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using nlohmann::json;
using summit::fuzz::check;
namespace core = summit::core;
namespace rpc = summit::core::rpc;

constexpr std::string_view k_zone1970_tab = "BY\t+5354+02734\tEurope/Minsk\n"
                                            "TJ\t+3835+06848\tAsia/Dushanbe\n"
                                            "DE,DK,NO,SE,SJ\t+5230+01322\tEurope/Berlin\n"
                                            "US\t+404251-0740023\tAmerica/New_York\tEastern\n"
                                            "US\t+340308-1181434\tAmerica/Los_Angeles\tPacific\n"
                                            "KZ\t+4315+07657\tAsia/Almaty\tmost of Kazakhstan\n"
                                            "KZ\t+5113+07126\tAsia/Qostanay\tQostanay\n"
                                            "NP\t+2743+08519\tAsia/Kathmandu\n";
constexpr std::string_view k_zone_tab = "BY\t+5354+02734\tEurope/Minsk\n"
                                        "TJ\t+3835+06848\tAsia/Dushanbe\n"
                                        "DE\t+5230+01322\tEurope/Berlin\n"
                                        "US\t+404251-0740023\tAmerica/New_York\n"
                                        "US\t+340308-1181434\tAmerica/Los_Angeles\n"
                                        "KZ\t+4315+07657\tAsia/Almaty\n"
                                        "KZ\t+5113+07126\tAsia/Qostanay\n"
                                        "NP\t+2743+08519\tAsia/Kathmandu\n";
constexpr std::string_view k_iso3166_tab = "BY\tBelarus\n"
                                           "TJ\tTajikistan\n"
                                           "DE\tGermany\n"
                                           "US\tUnited States\n"
                                           "KZ\tKazakhstan\n"
                                           "NP\tNepal\n";

core::Event stored_event(const json &params, const core::EventInputContext &context,
                         std::int64_t id) {
  auto drafted = core::event_from_add_params(params, context);
  // A fixture the product refuses is a bug in this file, not a finding.
  check(drafted.has_value(), "fixture event refused by event_from_add_params", params.dump());
  drafted->event.id = id;
  return drafted->event;
}

// Built once, in place (the context points at the gazetteer beside it).
struct Fixture {
  core::ZoneGazetteer gazetteer;
  core::EventInputContext context;
  std::vector<core::Event> stored; // what event.update may find in the store

  Fixture()
      : gazetteer(core::ZoneGazetteer::parse(k_zone1970_tab, k_zone_tab, k_iso3166_tab)),
        context{date::sys_days{date::year{2025} / 6 / 1} + std::chrono::hours{12}, &gazetteer,
                1000} {
    stored.push_back(stored_event({{"title", "Standup"},
                                   {"start", "2025-09-15T10:00"},
                                   {"duration", "PT30M"},
                                   {"tz", "Europe/Minsk"},
                                   {"tags", {"work"}},
                                   {"reminders", {"PT15M", {{"at", "2025-09-15T06:00:00Z"}}}},
                                   {"uid", "standup@example.org"}},
                                  context, 1));
    stored.push_back(stored_event({{"title", "Holiday"},
                                   {"start", "2025-12-24"},
                                   {"end", "2025-12-27"},
                                   {"tz", "Europe/Berlin"}},
                                  context, 2));
    // No tz: the gazetteer infers Asia/Dushanbe from the location.
    stored.push_back(stored_event(
        {{"title", "Conference"}, {"start", "2025-09"}, {"location", "Dushanbe"}}, context, 3));
    // 01:30 happens twice in New York on 2025-11-02; -05:00 is the second.
    stored.push_back(stored_event({{"title", "Night shift"},
                                   {"start", "2025-11-02T01:30-05:00"},
                                   {"end", "2025-11-02T01:50-05:00"},
                                   {"tz", "America/New_York"}},
                                  context, 4));
    check(stored.back().start_later, "fixture: the overlap event is not the later one", "");
  }
  Fixture(const Fixture &) = delete;
  Fixture &operator=(const Fixture &) = delete;
};

const Fixture &fixture() {
  static const Fixture f;
  return f;
}

// A reply written as the daemon writes it; to_line must not throw whatever
// bytes the strings carry.
void write_reply(const json &reply) {
  const auto line = rpc::to_line(reply);
  check(!line.empty() && line.back() == '\n', "to_line: not one newline-terminated line", line);
  check(line.find('\n') == line.size() - 1, "to_line: a line break inside the line", line);
}

void check_json_round_trip(const core::Event &event, std::string_view input) {
  const auto back = core::event_from_json(core::event_to_json(event));
  check(back.has_value(), "event_from_json refused event_to_json of a valid event", input);
  check(back->title == event.title && back->tz == event.tz && back->precision == event.precision &&
            back->start_local == event.start_local && back->end_local == event.end_local &&
            back->start_utc == event.start_utc && back->end_utc == event.end_utc,
        "event_from_json(event_to_json(e)) differs from e", input);
}

void reply_with(const json &id, const core::Result<core::DraftedEvent> &drafted,
                std::string_view input) {
  if (!drafted) {
    check(!drafted.error().message.empty(), "a validation failure without a message", input);
    write_reply(rpc::make_error(id, drafted.error()));
    return;
  }
  check_json_round_trip(drafted->event, input);
  write_reply(rpc::make_result(
      id, {{"event", core::event_to_json(drafted->event)}, {"notes", drafted->notes}}));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char *>(data), size);
  const Fixture &f = fixture();

  const auto request = rpc::decode_request(input);
  if (!request) {
    check(request.error().code < 0, "decode error with a non-negative code", input);
    write_reply(rpc::make_error(request.error().id, request.error().code, request.error().message));
    return 0;
  }
  check(!request->method.empty(), "decoded a request without a method", input);
  check(request->params.is_object(), "decoded params that are not an object", input);

  reply_with(request->id, core::event_from_add_params(request->params, f.context), input);
  for (const auto &current : f.stored) {
    reply_with(request->id, core::event_apply_update_params(current, request->params, f.context),
               input);
  }
  // reminder.snooze reads its duration with parse_duration.
  if (const auto duration = request->params.find("duration");
      duration != request->params.end() && duration->is_string()) {
    (void)core::parse_duration(duration->get_ref<const std::string &>());
  }
  return 0;
}
