#pragma once

#include "error.hpp"
#include "event.hpp"
#include "gazetteer.hpp"
#include "zones.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// What a client sends for an event, validated: event.add and event.update
// params become an Event or an error that names the field and the fix. The
// wire format itself (Event <-> JSON) is in event_json.hpp.
namespace summit::core {

// Repeat rules: turns what a client wrote into a canonical RRULE and checks
// a recurrence against its event. Implemented over libical in core/ical
// (ical::recurrence_rules()), which summit_core does not link, so that the
// CLI never loads libical; the daemon passes it in the context.
class RecurrenceRules {
public:
  virtual ~RecurrenceRules() = default;
  // The canonical RRULE value for `text` (an RRULE or a shortcut such as
  // "every 2 weeks until 2027-12-31") on `event`, whose precision, start
  // and tz are already set. The message says what is wrong.
  virtual Result<std::string> canonical_rule(std::string_view text, const Event &event,
                                             const date::time_zone *zone) const = 0;
  // Checks event.recurrence as a whole and fills its derived description.
  virtual Result<void> complete(Event &event, const date::time_zone *zone) const = 0;
};

// What the daemon knows when it turns request params into an event.
struct EventInputContext {
  SysSeconds now{};
  const Gazetteer *gazetteer = nullptr; // may be null: no inference
  std::uint32_t caller_uid = 0;
  // May be null: a request with a recurrence is then refused.
  const RecurrenceRules *recurrence_rules = nullptr;
};

// A valid event plus sentences for the user (zone inferred, DST gap moved...).
struct DraftedEvent {
  Event event;
  std::vector<std::string> notes;
};

// Builds a new event from event.add params (docs/PROTOCOL.md), validating
// every field, the recurrence (`repeat`, or `recurrence` with rrule, rdates,
// exdates, overrides) included: an error names the field and says how to fix it, e.g.
// "start: 2025-02-30 is not a date (February 2025 has 28 days)". Sets
// created/updated to ctx.now and owner_uid to ctx.caller_uid; id stays 0.
Result<DraftedEvent> event_from_add_params(const nlohmann::json &params,
                                           const EventInputContext &ctx);

// Applies event.update params (any subset of the add fields; null clears
// end/duration, location, description) to `current`. Changing start without
// end keeps the duration. Sets updated to ctx.now.
Result<DraftedEvent> event_apply_update_params(Event current, const nlohmann::json &params,
                                               const EventInputContext &ctx);

} // namespace summit::core
