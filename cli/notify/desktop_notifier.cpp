#include "cli/notify/desktop_notifier.hpp"

#include "sys/shared_library.hpp"

#include <fmt/format.h>

#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>

namespace summit::cli {

namespace {

// How long a Notify call may take before watch gives up on it.
constexpr std::uint64_t k_call_timeout_usec = 3'000'000;

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
  decltype(&sd_bus_message_unref) message_unref = nullptr;
  decltype(&sd_bus_call) call = nullptr;
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
    library->find(bus.message_unref, "sd_bus_message_unref");
    library->find(bus.call, "sd_bus_call");
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
  return std::unique_ptr<DesktopNotifier>(new DesktopNotifier(bus));
}

DesktopNotifier::~DesktopNotifier() {
  // Only ever made by connect(), which loaded the library.
  if (auto library = sd_bus_library()) {
    (*library)->flush_close_unref(m_bus);
  }
}

tl::expected<void, std::string> DesktopNotifier::notify(const std::string &summary,
                                                        const std::string &body) {
  const SdBus &sd = **sd_bus_library(); // connect() succeeded, so it is loaded
  sd_bus_message *call = nullptr;
  int r = sd.message_new_method_call(m_bus, &call, "org.freedesktop.Notifications",
                                     "/org/freedesktop/Notifications",
                                     "org.freedesktop.Notifications", "Notify");
  if (r >= 0) {
    // app_name, replaces_id, app_icon, summary, body, actions (none), hints
    // (none), expire_timeout (-1: the server's default).
    r = sd.message_append(call, "susssasa{sv}i", "summit", std::uint32_t{0}, "appointment-soon",
                          summary.c_str(), body.c_str(), 0, 0, std::int32_t{-1});
  }
  if (r < 0) {
    sd.message_unref(call);
    return tl::unexpected(fmt::format("cannot build the Notify call: {}", errno_text(r)));
  }
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = nullptr;
  r = sd.call(m_bus, call, k_call_timeout_usec, &error, &reply);
  std::string message;
  if (r < 0) {
    message = sd.error_is_set(&error) != 0
                  ? fmt::format("{}: {}", error.name, error.message != nullptr ? error.message : "")
                  : errno_text(r);
  }
  sd.error_free(&error);
  sd.message_unref(reply);
  sd.message_unref(call);
  if (r < 0) {
    return tl::unexpected("Notify failed: " + message);
  }
  return {};
}

} // namespace summit::cli
