#pragma once

#include <tl/expected.hpp>

#include <poll.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct sd_bus;
struct sd_bus_message;

namespace summit::cli {

// What the notification server said about a notification: the user chose
// one of its actions (ActionInvoked), or it went away (NotificationClosed).
struct NotificationEvent {
  enum class Kind { action_invoked, closed };
  Kind kind = Kind::closed;
  std::uint32_t id = 0;   // the id Notify returned
  std::string action_key; // action_invoked only
};

// Desktop notifications over D-Bus: org.freedesktop.Notifications.Notify on
// the session bus (sd-bus from libsystemd), as `summit watch --notify` raises
// them, and the server's ActionInvoked and NotificationClosed signals when
// it supports actions.
class DesktopNotifier {
public:
  // Connects to the session bus and waits for the connection to be up, so
  // that "no session bus" is found now rather than at the first reminder.
  // Then asks the server's capabilities once (GetCapabilities, at most a
  // few seconds); when they include "actions", listens for its
  // ActionInvoked and NotificationClosed signals. No server, or one that
  // does not answer, means no actions. Fails with a sentence for the user
  // ("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset?)" when there is
  // none).
  static tl::expected<std::unique_ptr<DesktopNotifier>, std::string> connect();

  ~DesktopNotifier();
  DesktopNotifier(const DesktopNotifier &) = delete;
  DesktopNotifier &operator=(const DesktopNotifier &) = delete;

  // Whether the server said it shows actions: notify() then sends them.
  [[nodiscard]] bool supports_actions() const { return m_actions; }

  // Calls Notify(app_name "summit", replaces_id 0, icon "appointment-soon",
  // summary, body, `actions` (key, label, key, label...; sent only when
  // supports_actions()), no hints, expire_timeout -1) and waits at most a
  // few seconds for the reply, so a wedged notification server cannot hold
  // up `summit watch` for long. The notification's id; fails with the D-Bus
  // error.
  tl::expected<std::uint32_t, std::string> notify(const std::string &summary,
                                                  const std::string &body,
                                                  const std::vector<std::string> &actions = {});

  // What to poll() for, so that a loop can wait on the bus beside its other
  // descriptors, and how long at most (milliseconds, -1: no limit) before
  // process() is due anyway.
  [[nodiscard]] pollfd poll_entry() const;
  [[nodiscard]] int poll_timeout_ms() const;

  // Reads and dispatches what the bus has, without waiting, and returns the
  // signals about notifications received since the last call, in order:
  // only those sent by the server that answered our calls (a signal from
  // any other connection is dropped). Fails when the bus connection is gone;
  // the notifier is then of no further use.
  tl::expected<std::vector<NotificationEvent>, std::string> process();

private:
  explicit DesktopNotifier(sd_bus *bus) : m_bus(bus) {}
  // GetCapabilities: whether "actions" is among them; learns the server.
  bool ask_for_actions();
  tl::expected<void, std::string> listen_for_signals();
  // Keeps an ActionInvoked or NotificationClosed from the server for process().
  void take_signal(sd_bus_message *message);
  // The unique name that sent `reply` becomes the server signals must come from.
  void learn_server(sd_bus_message *reply);

  sd_bus *m_bus = nullptr;
  bool m_actions = false;
  std::string m_server; // the unique name (":1.42") of the notification server
  std::vector<NotificationEvent> m_events;
};

} // namespace summit::cli
