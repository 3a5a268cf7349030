// A stand-in desktop notification server for the `summit watch --notify`
// end-to-end test: owns org.freedesktop.Notifications on the session bus
// (DBUS_SESSION_BUS_ADDRESS), answers each Notify call with id 1 and
// appends its arguments to the file named by argv[1], one JSON object per
// line. Prints "ready" on stdout once it owns the name; runs until killed.
#include <nlohmann/json.hpp>

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace {

int fail(const char *what, int r) {
  std::fprintf(stderr, "notification_recorder: %s: %s\n", what, std::strerror(-r));
  return 1;
}

int on_message(sd_bus_message *message, void *userdata, sd_bus_error * /*error*/) {
  if (sd_bus_message_is_method_call(message, "org.freedesktop.Notifications", "Notify") <= 0) {
    return 0; // sd-bus answers anything else with UnknownMethod
  }
  const char *app_name = nullptr;
  std::uint32_t replaces_id = 0;
  const char *icon = nullptr;
  const char *summary = nullptr;
  const char *body = nullptr;
  int r = sd_bus_message_read(message, "susss", &app_name, &replaces_id, &icon, &summary, &body);
  nlohmann::json actions = nlohmann::json::array();
  if (r >= 0) {
    r = sd_bus_message_enter_container(message, 'a', "s");
  }
  while (r >= 0) {
    const char *action = nullptr;
    r = sd_bus_message_read(message, "s", &action);
    if (r <= 0) {
      break;
    }
    actions.push_back(action);
  }
  if (r >= 0) {
    r = sd_bus_message_exit_container(message);
  }
  if (r >= 0) {
    r = sd_bus_message_skip(message, "a{sv}");
  }
  std::int32_t timeout = 0;
  if (r >= 0) {
    r = sd_bus_message_read(message, "i", &timeout);
  }
  if (r < 0) {
    return r;
  }
  const nlohmann::json call{{"signature", sd_bus_message_get_signature(message, 1)},
                            {"app_name", app_name},
                            {"replaces_id", replaces_id},
                            {"app_icon", icon},
                            {"summary", summary},
                            {"body", body},
                            {"actions", actions},
                            {"expire_timeout", timeout}};
  std::ofstream(static_cast<const char *>(userdata), std::ios::app) << call.dump() << "\n"
                                                                    << std::flush;
  return sd_bus_reply_method_return(message, "u", std::uint32_t{1});
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: notification_recorder CALLS_FILE\n");
    return 2;
  }
  sd_bus *bus = nullptr;
  if (const int r = sd_bus_open_user(&bus); r < 0) {
    return fail("sd_bus_open_user", r);
  }
  if (const int r =
          sd_bus_add_object(bus, nullptr, "/org/freedesktop/Notifications", on_message, argv[1]);
      r < 0) {
    return fail("sd_bus_add_object", r);
  }
  if (const int r = sd_bus_request_name(bus, "org.freedesktop.Notifications", 0); r < 0) {
    return fail("sd_bus_request_name", r);
  }
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    const int r = sd_bus_process(bus, nullptr);
    if (r < 0) {
      return fail("sd_bus_process", r);
    }
    if (r > 0) {
      continue;
    }
    if (const int w = sd_bus_wait(bus, UINT64_MAX); w < 0 && w != -EINTR) {
      return fail("sd_bus_wait", w);
    }
  }
}
