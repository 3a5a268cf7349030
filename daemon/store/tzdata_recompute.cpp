#include "daemon/store/tzdata_recompute.hpp"

#include "core/event.hpp"
#include "core/text.hpp"
#include "daemon/store/event_rows.hpp"
#include "daemon/store/reminder_instances.hpp"
#include "daemon/store/reminder_planning.hpp"
#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace summit::store {

namespace {

// Events are read in batches of this many, so that the recompute never
// holds every event in memory and never updates the table under a live scan.
constexpr std::int64_t k_recompute_batch = 512;
constexpr const char *k_tzdata_key = "tzdata_version";

} // namespace

TzdataRecompute::TzdataRecompute(SQLite::Database &db)
    : m_get_meta(db, "SELECT value FROM meta WHERE key = :key"),
      m_set_meta(db, "INSERT INTO meta (key, value) VALUES (:key, :value) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value") {}

std::string TzdataRecompute::recorded_version() {
  Use s(m_get_meta);
  s->bind(":key", k_tzdata_key);
  if (!s->executeStep()) {
    return {};
  }
  return s->getColumn(0).getString();
}

std::vector<MovedEvent> TzdataRecompute::run(EventRows &rows, ReminderInstances *instances,
                                             const core::ReminderPlanOptions &plan,
                                             const std::string &version) {
  std::vector<MovedEvent> moved;
  std::int64_t after = 0;
  for (auto batch = rows.wall_times_after(after, k_recompute_batch); !batch.empty();
       batch = rows.wall_times_after(after, k_recompute_batch)) {
    after = batch.back().id;
    for (core::Event &event : batch) {
      if (event.recurrence) {
        if (auto full = rows.find(event.id)) {
          event = std::move(*full);
        }
      }
      const core::SysSeconds old_start = event.start_utc;
      const core::SysSeconds old_end = event.end_utc;
      if (auto derived = core::derive_instants(event); !derived) {
        // The zone left tzdata. Keeping the last good instants beats
        // refusing to start; the event stays listed where it was.
        spdlog::warn("event {} ('{}'): kept its times, could not recompute them: {}", event.id,
                     core::text::escape_controls(event.title),
                     core::text::escape_controls(derived.error().message));
        continue;
      }
      if (event.recurrence) {
        rows.update_series(event); // the overrides' instants and the span follow the rules
      }
      if (event.start_utc == old_start && event.end_utc == old_end && !event.recurrence) {
        continue;
      }
      rows.update_instants(event);
      if (event.start_utc != old_start) {
        moved.push_back(MovedEvent{event.id, event.title, event.tz, old_start, event.start_utc});
      }
      if (instances != nullptr && (event.start_utc != old_start || event.recurrence)) {
        // Its pending reminders move with it; fired ones stay in history.
        const auto positions = instances->pending_positions(event.id);
        if (!positions.empty()) {
          if (auto full = rows.find(event.id)) {
            plan_reminders(*instances, *full, {}, plan, &positions);
          }
        }
      }
    }
  }
  Use s(m_set_meta);
  s->bind(":key", k_tzdata_key);
  s->bind(":value", version);
  s->exec();
  return moved;
}

} // namespace summit::store
