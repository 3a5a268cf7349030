#pragma once

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace summit::cli {

// What a person asked of a reminder by acting on its desktop notification:
// the summitd request that does it, and what to say about it.
struct ReminderAction {
  std::string key;         // the action: "snooze" or "done"
  std::string_view method; // reminder.snooze or reminder.ack
  nlohmann::json params;   // the request's params
  std::int64_t reminder_id = 0;
  std::string title; // the event's title, as the reminder carried it
};

// The reminders behind the notifications `summit watch --notify` raised with
// actions ("Snooze 10 min", "Done"), by the id the notification server gave
// each. No D-Bus here: the notifier reports ids and action keys, this maps
// them to requests. Remembers the most recent `capacity` notifications, so
// that a server that never says a notification closed costs bounded memory.
class NotificationActions {
public:
  static constexpr std::string_view k_snooze = "snooze";
  static constexpr std::string_view k_done = "done";
  static constexpr std::string_view k_snooze_duration = "10m";

  explicit NotificationActions(std::size_t capacity = 1024) : m_capacity(capacity) {}

  // Notify's `actions` array: pairs of key and label,
  // {"snooze", "Snooze 10 min", "done", "Done"}.
  static std::vector<std::string> notify_actions();

  // Notification `id` shows the reminder.fired `params`.
  void remember(std::uint32_t id, const nlohmann::json &params);
  // The server closed notification `id`: no action can come from it.
  void forget(std::uint32_t id);

  // The request for action `key` on notification `id`, which is then
  // forgotten (a second click does not snooze twice); nothing for an id this
  // watch did not raise (or forgot) or a key it did not offer ("default").
  std::optional<ReminderAction> take(std::uint32_t id, std::string_view key);

  // The line that says what was done, for the request's `result`:
  // `snoozed "Title" until 14:10` (the new due time in `viewer`'s zone),
  // `acknowledged "Title"`. The title is made printable.
  static std::string done_line(const ReminderAction &action, const nlohmann::json &result,
                               const date::time_zone *viewer);
  // The line when summitd refused or could not be asked:
  // `could not snooze "Title" (reminder 12): MESSAGE`, as it came (the
  // watch makes every message printable as it says it).
  static std::string failed_line(const ReminderAction &action, const std::string &message);

  [[nodiscard]] std::size_t size() const { return m_reminders.size(); }

private:
  struct Shown {
    std::int64_t reminder_id = 0;
    std::string title;
    std::uint64_t serial = 0; // which remember() put it there
  };
  std::size_t m_capacity;
  std::uint64_t m_serial = 0;
  std::map<std::uint32_t, Shown> m_reminders;
  // (id, serial), oldest first; an entry whose serial no longer matches was
  // forgotten (or the id reused) and is skipped.
  std::deque<std::pair<std::uint32_t, std::uint64_t>> m_order;
};

} // namespace summit::cli
