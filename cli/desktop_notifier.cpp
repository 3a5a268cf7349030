#include "cli/desktop_notifier.hpp"

#include <fmt/format.h>

#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace summit::cli {

namespace {

// How long a Notify call may take before watch gives up on it.
constexpr std::uint64_t k_call_timeout_usec = 3'000'000;

std::string errno_text(int negative_errno) { return std::strerror(-negative_errno); }

} // namespace

tl::expected<std::unique_ptr<DesktopNotifier>, std::string> DesktopNotifier::connect() {
  const char *address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  auto no_bus = [address](int error) {
    if (address == nullptr || *address == '\0') {
      return std::string("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset?)");
    }
    return fmt::format("no D-Bus session bus at {} ({})", address, errno_text(error));
  };
  sd_bus *bus = nullptr;
  if (const int opened = sd_bus_open_user(&bus); opened < 0) {
    return tl::unexpected(no_bus(opened));
  }
  // sd_bus_open_user connects lazily; asking for our unique name waits
  // until the bus has accepted us (or failed to).
  const char *unique_name = nullptr;
  if (const int ready = sd_bus_get_unique_name(bus, &unique_name); ready < 0) {
    sd_bus_flush_close_unref(bus);
    return tl::unexpected(no_bus(ready));
  }
  return std::unique_ptr<DesktopNotifier>(new DesktopNotifier(bus));
}

DesktopNotifier::~DesktopNotifier() { sd_bus_flush_close_unref(m_bus); }

tl::expected<void, std::string> DesktopNotifier::notify(const std::string &summary,
                                                        const std::string &body) {
  sd_bus_message *call = nullptr;
  int r = sd_bus_message_new_method_call(m_bus, &call, "org.freedesktop.Notifications",
                                         "/org/freedesktop/Notifications",
                                         "org.freedesktop.Notifications", "Notify");
  if (r >= 0) {
    // app_name, replaces_id, app_icon, summary, body, actions (none), hints
    // (none), expire_timeout (-1: the server's default).
    r = sd_bus_message_append(call, "susssasa{sv}i", "summit", std::uint32_t{0}, "appointment-soon",
                              summary.c_str(), body.c_str(), 0, 0, std::int32_t{-1});
  }
  if (r < 0) {
    sd_bus_message_unref(call);
    return tl::unexpected(fmt::format("cannot build the Notify call: {}", errno_text(r)));
  }
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = nullptr;
  r = sd_bus_call(m_bus, call, k_call_timeout_usec, &error, &reply);
  std::string message;
  if (r < 0) {
    message = sd_bus_error_is_set(&error) != 0
                  ? fmt::format("{}: {}", error.name, error.message != nullptr ? error.message : "")
                  : errno_text(r);
  }
  sd_bus_error_free(&error);
  sd_bus_message_unref(reply);
  sd_bus_message_unref(call);
  if (r < 0) {
    return tl::unexpected("Notify failed: " + message);
  }
  return {};
}

} // namespace summit::cli
