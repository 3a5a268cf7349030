#pragma once

#include "error.hpp"
#include "event.hpp"
#include "zones.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace summit::core {

// The wire format (docs/PROTOCOL.md): events as JSON, and the recurrence in
// the form the store keeps too. Validation of what a client sends is in
// event_params.hpp.

// A wall time written as its precision shows it: "2025-09-26T10:00:00",
// "2025-09-26" (all day) or "2025-09" (month).
std::string wire_form(Precision precision, LocalSeconds t);

// The event object of docs/PROTOCOL.md.
nlohmann::json event_to_json(const Event &event);
// The inverse, for clients (the CLI reads replies with it).
Result<Event> event_from_json(const nlohmann::json &json);

// The event object's `recurrence` member (null for an event that does not
// repeat); the store keeps it in this form.
nlohmann::json recurrence_to_json(const Event &event);
// The same with the event's zone already found (null: no zone, the
// overrides' offsets are left out).
nlohmann::json recurrence_json(const Event &event, const date::time_zone *zone);
// The inverse, for what recurrence_to_json wrote. Throws
// nlohmann::json::exception or std::invalid_argument on malformed input.
Recurrence recurrence_from_json(const nlohmann::json &json);

} // namespace summit::core
