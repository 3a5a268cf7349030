#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

// The environment of a command run for a reminder: summitd's [[notify.exec]]
// hooks and `summit watch --exec` give their commands the same variables
// (docs/PROTOCOL.md, reminder.fired; README, hooks).
namespace summit::core {

struct HookVariable {
  const char *name;  // SUMMIT_TITLE
  const char *field; // its reminder.fired member: "title"
};

// In the order they are set.
inline constexpr std::array<HookVariable, 9> k_hook_variables{{
    {"SUMMIT_REMINDER_ID", "reminder_id"},
    {"SUMMIT_EVENT_ID", "event_id"},
    {"SUMMIT_TITLE", "title"},
    {"SUMMIT_START", "start"},
    {"SUMMIT_START_UTC", "start_utc"},
    {"SUMMIT_TZ", "tz"},
    {"SUMMIT_LOCATION", "location"},
    {"SUMMIT_REMINDER", "reminder"},
    {"SUMMIT_LATE_SECONDS", "late_seconds"},
}};

// `base` less any variable of k_hook_variables it holds, then each of them
// set to its value (in k_hook_variables' order; a value is cut at a NUL,
// which an environment cannot hold). Values are passed verbatim, never
// interpreted.
inline std::vector<std::string>
hook_environment(const std::vector<std::string> &base,
                 const std::array<std::string, k_hook_variables.size()> &values) {
  std::vector<std::string> environment;
  environment.reserve(base.size() + k_hook_variables.size());
  for (const std::string &entry : base) {
    const std::string_view name = std::string_view(entry).substr(0, entry.find('='));
    bool ours = false;
    for (const auto &variable : k_hook_variables) {
      ours = ours || name == variable.name;
    }
    if (!ours) {
      environment.push_back(entry);
    }
  }
  for (std::size_t i = 0; i < k_hook_variables.size(); ++i) {
    const std::string &value = values[i];
    environment.push_back(std::string(k_hook_variables[i].name) + "=" +
                          value.substr(0, value.find('\0')));
  }
  return environment;
}

} // namespace summit::core
