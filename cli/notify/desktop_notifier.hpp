#pragma once

#include <tl/expected.hpp>

#include <memory>
#include <string>

struct sd_bus;

namespace summit::cli {

// Desktop notifications over D-Bus: org.freedesktop.Notifications.Notify on
// the session bus (sd-bus from libsystemd), as `summit watch --notify` raises
// them.
class DesktopNotifier {
public:
  // Connects to the session bus and waits for the connection to be up, so
  // that "no session bus" is found now rather than at the first reminder.
  // Fails with a sentence for the user ("no D-Bus session bus
  // (DBUS_SESSION_BUS_ADDRESS unset?)" when there is none).
  static tl::expected<std::unique_ptr<DesktopNotifier>, std::string> connect();

  ~DesktopNotifier();
  DesktopNotifier(const DesktopNotifier &) = delete;
  DesktopNotifier &operator=(const DesktopNotifier &) = delete;

  // Calls Notify(app_name "summit", replaces_id 0, icon "appointment-soon",
  // summary, body, no actions, no hints, expire_timeout -1) and waits at
  // most a few seconds for the reply, so a wedged notification server
  // cannot hold up `summit watch` for long. Fails with the D-Bus error.
  tl::expected<void, std::string> notify(const std::string &summary, const std::string &body);

private:
  explicit DesktopNotifier(sd_bus *bus) : m_bus(bus) {}
  sd_bus *m_bus = nullptr;
};

} // namespace summit::cli
