// Micro-benchmarks of the pure request path in core/ (issue 6): what every
// event.add costs before the store is reached. Run: build/release/bench/summit-core-bench
//
// Fixed instants and named zones only (STYLE.md, Time): nothing here reads
// the real clock or the machine's zone.

#include "core/event_params.hpp"
#include "core/rpc.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"

#include <benchmark/benchmark.h>
#include <date/date.h>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace summit;
using namespace date::literals;

const core::SysSeconds k_now =
    date::sys_days{2025_y / date::September / 26} + std::chrono::hours(7);

const date::time_zone *minsk() {
  static const date::time_zone *zone = date::locate_zone("Europe/Minsk");
  return zone;
}

void fail_on_error(benchmark::State &state, bool ok, std::string_view what) {
  if (!ok) {
    state.SkipWithError(std::string(what).c_str());
  }
}

// parse_when over the forms a person types: ISO, relative, everyday words.
void parse_when(benchmark::State &state, std::string_view text) {
  const date::time_zone *zone = minsk();
  for (auto _ : state) {
    auto when = core::parse_when(text, k_now, zone);
    benchmark::DoNotOptimize(when);
    if (!when) {
      fail_on_error(state, false, when.error().message);
      break;
    }
  }
}
BENCHMARK_CAPTURE(parse_when, iso_wall_time, std::string_view("2025-09-26T10:00"));
BENCHMARK_CAPTURE(parse_when, iso_offset, std::string_view("2025-09-26T10:00+03:00"));
BENCHMARK_CAPTURE(parse_when, month, std::string_view("2025-09"));
BENCHMARK_CAPTURE(parse_when, relative, std::string_view("in 3 days"));
BENCHMARK_CAPTURE(parse_when, everyday, std::string_view("next friday 14:30"));

// event_from_add_params: a typical add (explicit zone), and one whose zone is
// inferred from the location through the system gazetteer.
void event_from_add_params(benchmark::State &state, bool infer_zone) {
  static const core::ZoneGazetteer gazetteer = core::ZoneGazetteer::load_system();
  nlohmann::json params = {{"title", "Council of Heads of Government of the CIS"},
                           {"start", "2026-12-26T10:00"},
                           {"location", "Minsk, Belarus"},
                           {"tags", {"cis"}},
                           {"reminders", {"P7D", "P1D"}}};
  if (!infer_zone) {
    params["tz"] = "Europe/Minsk";
  }
  const core::EventInputContext ctx{k_now, &gazetteer, 1000};
  for (auto _ : state) {
    auto drafted = core::event_from_add_params(params, ctx);
    benchmark::DoNotOptimize(drafted);
    if (!drafted) {
      fail_on_error(state, false, drafted.error().message);
      break;
    }
  }
}
BENCHMARK_CAPTURE(event_from_add_params, explicit_tz, false);
BENCHMARK_CAPTURE(event_from_add_params, zone_from_location, true);

// decode_request: one wire line as the session hands it over.
void decode_request(benchmark::State &state, std::string_view line) {
  for (auto _ : state) {
    auto request = core::rpc::decode_request(line);
    benchmark::DoNotOptimize(request);
    if (!request) {
      fail_on_error(state, false, request.error().message);
      break;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(line.size()));
}
BENCHMARK_CAPTURE(decode_request, status,
                  std::string_view(R"({"jsonrpc":"2.0","id":9,"method":"daemon.status"})"));
BENCHMARK_CAPTURE(
    decode_request, event_add,
    std::string_view(
        R"({"jsonrpc":"2.0","id":1,"method":"event.add","params":{"title":"Council of Heads of Government of the CIS","start":"2026-12-26T10:00","tz":"Europe/Minsk","location":"Minsk, Belarus","tags":["cis"],"reminders":["P7D","P1D"]}})"));

// The whole pure part of an add: decode the line, then build the event.
void decode_and_draft_add(benchmark::State &state) {
  static const core::ZoneGazetteer gazetteer = core::ZoneGazetteer::load_system();
  const std::string_view line =
      R"({"jsonrpc":"2.0","id":1,"method":"event.add","params":{"title":"load c0 r0","start":"2027-03-14T09:30","tz":"Europe/Minsk"}})";
  const core::EventInputContext ctx{k_now, &gazetteer, 1000};
  for (auto _ : state) {
    auto request = core::rpc::decode_request(line);
    if (!request) {
      fail_on_error(state, false, request.error().message);
      break;
    }
    auto drafted = core::event_from_add_params(request->params, ctx);
    benchmark::DoNotOptimize(drafted);
  }
}
BENCHMARK(decode_and_draft_add);

} // namespace

BENCHMARK_MAIN();
