#include "daemon/server/reminder_handlers.hpp"

#include "core/event_json.hpp"
#include "core/param_reader.hpp"
#include "core/protocol.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/reminder_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>

namespace summit::server {
namespace {

constexpr std::int64_t k_default_missed_limit = 100;
constexpr std::int64_t k_max_missed_limit = 10000;
// A snooze longer than this is a typo, not a plan.
constexpr core::Seconds k_max_snooze = date::days{366};

// `reminder_id`: required, a positive integer.
core::Result<std::int64_t> required_reminder_id(core::ParamReader &reader) {
  auto id = reader.optional_integer("reminder_id", 1, std::numeric_limits<std::int64_t>::max());
  if (!id) {
    return tl::unexpected(id.error());
  }
  if (!*id) {
    return core::fail_field("reminder_id", "is required (the id a reminder.fired notification "
                                           "or `summit status` gives)");
  }
  return **id;
}

std::string reminder_text(const core::Reminder &reminder) {
  if (reminder.before) {
    return core::format_duration_iso(*reminder.before);
  }
  return reminder.at ? core::format_iso_utc(*reminder.at) : std::string();
}

} // namespace

ReminderHandlers::ReminderHandlers(store::EventStore &events, store::ReminderStore &reminders,
                                   core::ReminderPlanOptions plan, std::function<void()> on_change)
    : m_events(events), m_reminders(reminders), m_plan(plan), m_on_change(std::move(on_change)) {}

void ReminderHandlers::register_with(Dispatcher &dispatcher) {
  dispatcher.add(core::protocol::reminder_snooze,
                 [this](const auto &p, const auto &c) { return snooze(p, c); });
  dispatcher.add(core::protocol::reminder_ack,
                 [this](const auto &p, const auto &c) { return ack(p, c); });
  dispatcher.add(core::protocol::reminder_missed,
                 [this](const auto &p, const auto &c) { return missed(p, c); });
  dispatcher.add(core::protocol::event_explain,
                 [this](const auto &p, const auto &c) { return explain(p, c); });
}

core::Result<std::int64_t> ReminderHandlers::owned_event_of(std::int64_t reminder_id,
                                                            const CallContext &context) {
  auto event_id = m_reminders.event_of(reminder_id);
  if (!event_id) {
    return tl::unexpected(event_id.error());
  }
  auto event = m_events.get(*event_id);
  if (!event) {
    if (event.error().code == core::ErrorCode::not_found) {
      return core::fail(core::ErrorCode::not_found,
                        fmt::format("reminder {} belongs to event {}, which was removed",
                                    reminder_id, *event_id));
    }
    return tl::unexpected(event.error());
  }
  if (auto allowed = check_owner(*event, context); !allowed) {
    return tl::unexpected(allowed.error());
  }
  return *event_id;
}

HandlerResult ReminderHandlers::snooze(const nlohmann::json &params, const CallContext &context) {
  core::ParamReader reader(params);
  auto reminder_id = required_reminder_id(reader);
  if (!reminder_id) {
    return tl::unexpected(reminder_id.error());
  }
  auto text = reader.optional_string("duration");
  if (!text) {
    return tl::unexpected(text.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  if (!*text) {
    return core::fail_field("duration", "is required (how long to snooze, such as \"15m\", "
                                        "\"2h\" or \"PT30M\")");
  }
  auto duration = core::parse_duration(**text);
  if (!duration) {
    return core::fail_field("duration", duration.error().message);
  }
  if (*duration <= core::Seconds{0} || *duration > k_max_snooze) {
    return core::fail_field("duration",
                            fmt::format("must be more than 0s and at most {}, not '{}'",
                                        core::format_duration_short(k_max_snooze), **text));
  }
  if (auto owned = owned_event_of(*reminder_id, context); !owned) {
    return tl::unexpected(owned.error());
  }
  auto snoozed = m_reminders.snooze(*reminder_id, *duration, context.now);
  if (!snoozed) {
    return tl::unexpected(snoozed.error());
  }
  if (m_on_change) {
    m_on_change();
  }
  return nlohmann::json{{"reminder_id", *snoozed},
                        {"due", core::format_iso_utc(context.now + *duration)}};
}

HandlerResult ReminderHandlers::ack(const nlohmann::json &params, const CallContext &context) {
  core::ParamReader reader(params);
  auto reminder_id = required_reminder_id(reader);
  if (!reminder_id) {
    return tl::unexpected(reminder_id.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  if (auto owned = owned_event_of(*reminder_id, context); !owned) {
    return tl::unexpected(owned.error());
  }
  if (auto acked = m_reminders.ack(*reminder_id, context.now); !acked) {
    return tl::unexpected(acked.error());
  }
  return nlohmann::json{{"acked", *reminder_id}};
}

HandlerResult ReminderHandlers::missed(const nlohmann::json &params, const CallContext &) {
  core::ParamReader reader(params);
  auto limit = reader.optional_integer("limit", 1, k_max_missed_limit);
  if (!limit) {
    return tl::unexpected(limit.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  auto found =
      m_reminders.missed(static_cast<std::size_t>(limit->value_or(k_default_missed_limit)));
  if (!found) {
    return tl::unexpected(found.error());
  }
  auto list = nlohmann::json::array();
  for (const auto &item : *found) {
    const auto &firing = item.firing;
    list.push_back({{"reminder_id", firing.reminder_id},
                    {"event_id", firing.event_id},
                    {"title", firing.title},
                    {"start", firing.start_local},
                    {"tz", firing.tz},
                    {"reminder", firing.reminder},
                    {"due", core::format_iso_utc(firing.due)},
                    {"fired_at", core::format_iso_utc(firing.fired_at)}});
  }
  return nlohmann::json{{"missed", std::move(list)}};
}

HandlerResult ReminderHandlers::explain(const nlohmann::json &params, const CallContext &context) {
  auto event = event_named_by_id(params, m_events);
  if (!event) {
    return tl::unexpected(event.error());
  }
  auto pending = m_reminders.pending_for_event(event->id);
  if (!pending) {
    return tl::unexpected(pending.error());
  }
  const auto zone_found = core::find_zone(event->tz);
  const date::time_zone *zone = zone_found ? *zone_found : nullptr;

  // Which of the event's reminders each pending instance is: the one planned
  // for the same instant; an instance matching none is a snooze.
  const auto plan = core::plan_reminders(*event, zone, m_plan);
  auto reminders = nlohmann::json::array();
  auto until = std::max(event->start_utc, context.now);
  for (const auto &[reminder_id, due] : *pending) {
    const auto planned =
        std::find_if(plan.begin(), plan.end(), [due = due](const auto &p) { return p.due == due; });
    nlohmann::json item{{"reminder_id", reminder_id},
                        {"reminder", planned == plan.end()
                                         ? std::string("snooze")
                                         : reminder_text(event->reminders[planned->index])},
                        {"due", core::format_iso_utc(due)}};
    if (zone != nullptr) {
      item["due_local"] = core::format_iso_offset(due, zone);
    }
    reminders.push_back(std::move(item));
    until = std::max(until, due);
  }
  auto changes = nlohmann::json::array();
  if (zone != nullptr) {
    for (const auto &change : core::zone_changes_between(context.now, until, zone)) {
      changes.push_back(
          {{"at", core::format_iso_utc(change.at)}, {"description", change.description}});
    }
  }
  return nlohmann::json{{"event", core::event_to_json(*event)},
                        {"reminders", std::move(reminders)},
                        {"zone_changes", std::move(changes)}};
}

} // namespace summit::server
