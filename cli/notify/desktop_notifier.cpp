#include "cli/notify/desktop_notifier.hpp"

#include "sys/shared_library.hpp"

#include <fmt/format.h>

#include <systemd/sd-bus.h>
#include <time.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace summit::cli {

namespace {

// How long a call to the notification server (GetCapabilities, Notify) may
// take before watch gives up on it.
constexpr std::uint64_t k_call_timeout_usec = 3'000'000;

constexpr const char *k_service = "org.freedesktop.Notifications";
constexpr const char *k_path = "/org/freedesktop/Notifications";
constexpr const char *k_interface = "org.freedesktop.Notifications";
// Every signal of the interface, from whoever sends it: which sender counts
// is decided per signal (on_signal), since the server may be replaced.
constexpr const char *k_signals = "type='signal',path='/org/freedesktop/Notifications',"
                                  "interface='org.freedesktop.Notifications'";

std::string errno_text(int negative_errno) { return std::strerror(-negative_errno); }

// The sd-bus calls we make, from libsystemd loaded when --notify first needs
// it: every other summit command would otherwise pay for loading libsystemd
// and the six libraries it pulls in at every start.
struct SdBus {
  decltype(&sd_bus_open_user) open_user = nullptr;
  decltype(&sd_bus_get_unique_name) get_unique_name = nullptr;
  decltype(&sd_bus_flush_close_unref) flush_close_unref = nullptr;
  decltype(&sd_bus_message_new_method_call) message_new_method_call = nullptr;
  decltype(&sd_bus_message_append) message_append = nullptr;
  decltype(&sd_bus_message_append_strv) message_append_strv = nullptr;
  decltype(&sd_bus_message_unref) message_unref = nullptr;
  decltype(&sd_bus_message_read) message_read = nullptr;
  decltype(&sd_bus_message_enter_container) message_enter_container = nullptr;
  decltype(&sd_bus_message_exit_container) message_exit_container = nullptr;
  decltype(&sd_bus_message_get_sender) message_get_sender = nullptr;
  decltype(&sd_bus_message_is_signal) message_is_signal = nullptr;
  decltype(&sd_bus_message_is_method_error) message_is_method_error = nullptr;
  decltype(&sd_bus_call) call = nullptr;
  decltype(&sd_bus_add_match_async) add_match_async = nullptr;
  decltype(&sd_bus_process) process = nullptr;
  decltype(&sd_bus_get_fd) get_fd = nullptr;
  decltype(&sd_bus_get_events) get_events = nullptr;
  decltype(&sd_bus_get_timeout) get_timeout = nullptr;
  decltype(&sd_bus_is_open) is_open = nullptr;
  decltype(&sd_bus_error_is_set) error_is_set = nullptr;
  decltype(&sd_bus_error_free) error_free = nullptr;
};

// Loaded once; the library stays loaded. Fails with a sentence for the user.
tl::expected<const SdBus *, std::string> sd_bus_library() {
  static const tl::expected<SdBus, std::string> loaded = []() -> tl::expected<SdBus, std::string> {
    auto library = sys::SharedLibrary::open("libsystemd.so.0");
    if (!library) {
      return tl::unexpected(fmt::format("cannot load libsystemd.so.0 for D-Bus ({}); install "
                                        "the libsystemd0 package",
                                        library.error()));
    }
    SdBus bus;
    library->find(bus.open_user, "sd_bus_open_user");
    library->find(bus.get_unique_name, "sd_bus_get_unique_name");
    library->find(bus.flush_close_unref, "sd_bus_flush_close_unref");
    library->find(bus.message_new_method_call, "sd_bus_message_new_method_call");
    library->find(bus.message_append, "sd_bus_message_append");
    library->find(bus.message_append_strv, "sd_bus_message_append_strv");
    library->find(bus.message_unref, "sd_bus_message_unref");
    library->find(bus.message_read, "sd_bus_message_read");
    library->find(bus.message_enter_container, "sd_bus_message_enter_container");
    library->find(bus.message_exit_container, "sd_bus_message_exit_container");
    library->find(bus.message_get_sender, "sd_bus_message_get_sender");
    library->find(bus.message_is_signal, "sd_bus_message_is_signal");
    library->find(bus.message_is_method_error, "sd_bus_message_is_method_error");
    library->find(bus.call, "sd_bus_call");
    library->find(bus.add_match_async, "sd_bus_add_match_async");
    library->find(bus.process, "sd_bus_process");
    library->find(bus.get_fd, "sd_bus_get_fd");
    library->find(bus.get_events, "sd_bus_get_events");
    library->find(bus.get_timeout, "sd_bus_get_timeout");
    library->find(bus.is_open, "sd_bus_is_open");
    library->find(bus.error_is_set, "sd_bus_error_is_set");
    library->find(bus.error_free, "sd_bus_error_free");
    const char *missing = library->missing();
    if (missing != nullptr) {
      return tl::unexpected(
          fmt::format("libsystemd.so.0 has no {}; it is too old for --notify", missing));
    }
    return bus;
  }();
  if (!loaded) {
    return tl::unexpected(loaded.error());
  }
  return &*loaded;
}

// Only ever called once connect() has loaded the library.
const SdBus &sd_bus_loaded() { return **sd_bus_library(); }

// A method call to the notification server, waiting at most
// k_call_timeout_usec; `build` appends the arguments. The reply (to unref)
// or the error as a sentence.
template <typename Build>
tl::expected<sd_bus_message *, std::string> call_server(sd_bus *bus, const char *member,
                                                        Build build) {
  const SdBus &sd = sd_bus_loaded();
  sd_bus_message *call = nullptr;
  int r = sd.message_new_method_call(bus, &call, k_service, k_path, k_interface, member);
  if (r >= 0) {
    r = build(sd, call);
  }
  if (r < 0) {
    sd.message_unref(call);
    return tl::unexpected(fmt::format("cannot build the {} call: {}", member, errno_text(r)));
  }
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = nullptr;
  r = sd.call(bus, call, k_call_timeout_usec, &error, &reply);
  std::string message;
  if (r < 0) {
    message = sd.error_is_set(&error) != 0
                  ? fmt::format("{}: {}", error.name, error.message != nullptr ? error.message : "")
                  : errno_text(r);
  }
  sd.error_free(&error);
  sd.message_unref(call);
  if (r < 0) {
    sd.message_unref(reply);
    return tl::unexpected(fmt::format("{} failed: {}", member, message));
  }
  return reply;
}

} // namespace

tl::expected<std::unique_ptr<DesktopNotifier>, std::string> DesktopNotifier::connect() {
  auto library = sd_bus_library();
  if (!library) {
    return tl::unexpected(library.error());
  }
  const SdBus &sd = **library;
  const char *address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  auto no_bus = [address](int error) {
    if (address == nullptr || *address == '\0') {
      return std::string("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset?)");
    }
    return fmt::format("no D-Bus session bus at {} ({})", address, errno_text(error));
  };
  sd_bus *bus = nullptr;
  if (const int opened = sd.open_user(&bus); opened < 0) {
    return tl::unexpected(no_bus(opened));
  }
  // sd_bus_open_user connects lazily; asking for our unique name waits
  // until the bus has accepted us (or failed to).
  const char *unique_name = nullptr;
  if (const int ready = sd.get_unique_name(bus, &unique_name); ready < 0) {
    sd.flush_close_unref(bus);
    return tl::unexpected(no_bus(ready));
  }
  std::unique_ptr<DesktopNotifier> notifier(new DesktopNotifier(bus));
  if (notifier->ask_for_actions()) {
    notifier->m_actions = notifier->listen_for_signals().has_value();
  }
  return notifier;
}

DesktopNotifier::~DesktopNotifier() {
  // Only ever made by connect(), which loaded the library.
  if (auto library = sd_bus_library()) {
    (*library)->flush_close_unref(m_bus);
  }
}

void DesktopNotifier::learn_server(sd_bus_message *reply) {
  if (const char *sender = sd_bus_loaded().message_get_sender(reply); sender != nullptr) {
    m_server = sender;
  }
}

bool DesktopNotifier::ask_for_actions() {
  const SdBus &sd = sd_bus_loaded();
  auto reply = call_server(m_bus, "GetCapabilities", [](const SdBus &, sd_bus_message *) {
    return 0; // no arguments
  });
  if (!reply) {
    return false; // no server yet, or one that does not answer: no actions
  }
  learn_server(*reply);
  bool actions = false;
  int r = sd.message_enter_container(*reply, 'a', "s");
  while (r > 0) {
    const char *capability = nullptr;
    r = sd.message_read(*reply, "s", &capability);
    if (r > 0 && std::strcmp(capability, "actions") == 0) {
      actions = true;
    }
  }
  sd.message_unref(*reply);
  return actions;
}

tl::expected<void, std::string> DesktopNotifier::listen_for_signals() {
  // Asynchronous, so that a wedged bus cannot hold the watch up here. The
  // bus applies the match before it forwards our next call (one
  // connection's messages keep their order), so no signal about a
  // notification we raise after this can be missed.
  auto on_signal = [](sd_bus_message *message, void *self, sd_bus_error *) {
    static_cast<DesktopNotifier *>(self)->take_signal(message);
    return 0;
  };
  auto installed = [](sd_bus_message *reply, void *self, sd_bus_error *) {
    if (sd_bus_loaded().message_is_method_error(reply, nullptr) > 0) {
      static_cast<DesktopNotifier *>(self)->m_actions = false; // buttons that do nothing: none
    }
    return 0;
  };
  const int r =
      sd_bus_loaded().add_match_async(m_bus, nullptr, k_signals, on_signal, installed, this);
  if (r < 0) {
    return tl::unexpected(errno_text(r));
  }
  return {};
}

void DesktopNotifier::take_signal(sd_bus_message *message) {
  const SdBus &sd = sd_bus_loaded();
  const char *sender = sd.message_get_sender(message);
  if (sender == nullptr || m_server.empty() || m_server != sender) {
    return; // not from the notification server we talk to
  }
  NotificationEvent event;
  if (sd.message_is_signal(message, k_interface, "ActionInvoked") > 0) {
    const char *key = nullptr;
    if (sd.message_read(message, "us", &event.id, &key) <= 0 || key == nullptr) {
      return;
    }
    event.kind = NotificationEvent::Kind::action_invoked;
    event.action_key = key;
  } else if (sd.message_is_signal(message, k_interface, "NotificationClosed") > 0) {
    std::uint32_t reason = 0;
    if (sd.message_read(message, "uu", &event.id, &reason) <= 0) {
      return;
    }
    event.kind = NotificationEvent::Kind::closed;
  } else {
    return;
  }
  m_events.push_back(std::move(event));
}

tl::expected<std::uint32_t, std::string>
DesktopNotifier::notify(const std::string &summary, const std::string &body,
                        const std::vector<std::string> &actions) {
  std::vector<char *> action_list; // sd_bus_message_append_strv: NULL-terminated
  if (m_actions) {
    for (const std::string &action : actions) {
      action_list.push_back(const_cast<char *>(action.c_str())); // only read
    }
  }
  action_list.push_back(nullptr);
  auto reply = call_server(m_bus, "Notify", [&](const SdBus &sd, sd_bus_message *call) {
    // app_name, replaces_id, app_icon, summary, body, actions, hints (none),
    // expire_timeout (-1: the server's default).
    int r = sd.message_append(call, "susss", "summit", std::uint32_t{0}, "appointment-soon",
                              summary.c_str(), body.c_str());
    if (r >= 0) {
      r = sd.message_append_strv(call, action_list.data());
    }
    if (r >= 0) {
      r = sd.message_append(call, "a{sv}i", 0, std::int32_t{-1});
    }
    return r;
  });
  if (!reply) {
    return tl::unexpected(reply.error());
  }
  learn_server(*reply);
  std::uint32_t id = 0;
  const int r = sd_bus_loaded().message_read(*reply, "u", &id);
  sd_bus_loaded().message_unref(*reply);
  if (r <= 0) {
    return tl::unexpected(std::string("Notify answered without a notification id"));
  }
  return id;
}

pollfd DesktopNotifier::poll_entry() const {
  const SdBus &sd = sd_bus_loaded();
  const int events = sd.get_events(m_bus);
  return pollfd{sd.get_fd(m_bus), static_cast<short>(events > 0 ? events : POLLIN), 0};
}

int DesktopNotifier::poll_timeout_ms() const {
  std::uint64_t due_usec = UINT64_MAX; // CLOCK_MONOTONIC
  if (sd_bus_loaded().get_timeout(m_bus, &due_usec) <= 0 || due_usec == UINT64_MAX) {
    return -1;
  }
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const std::uint64_t now_usec = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 +
                                 static_cast<std::uint64_t>(now.tv_nsec) / 1'000;
  if (due_usec <= now_usec) {
    return 0;
  }
  const std::uint64_t left_ms = (due_usec - now_usec + 999) / 1'000;
  return left_ms > 60'000 ? 60'000 : static_cast<int>(left_ms);
}

tl::expected<std::vector<NotificationEvent>, std::string> DesktopNotifier::process() {
  for (;;) {
    const int r = sd_bus_loaded().process(m_bus, nullptr);
    if (r < 0) {
      return tl::unexpected(fmt::format("the session bus connection was lost ({})", errno_text(r)));
    }
    if (r == 0) {
      break;
    }
  }
  // A bus that hung up is closed by sd_bus_process, which may still have
  // returned > 0 for it (the local Disconnected signal). What came before
  // is handed over first; the next call fails.
  if (m_events.empty() && sd_bus_loaded().is_open(m_bus) <= 0) {
    return tl::unexpected(std::string("the session bus connection was lost (it hung up)"));
  }
  return std::exchange(m_events, {});
}

} // namespace summit::cli
