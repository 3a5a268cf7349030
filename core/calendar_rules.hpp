#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

// What a calendar may be called, where a subscription may point and how
// often it is polled (issue 14, docs/SYNC.md). Pure: both programs check
// the same rules, the daemon again for clients that are not the CLI.
namespace summit::core {

inline constexpr std::string_view k_personal_calendar = "personal";
// The most calendars one database holds (personal included).
inline constexpr std::size_t k_max_calendars = 100;
inline constexpr std::size_t k_max_calendar_name = 64;
inline constexpr std::size_t k_max_calendar_url = 2048;
inline constexpr std::size_t k_max_user_name = 256;
// A subscription is polled every 6 hours unless told otherwise, never more
// often than every 5 minutes nor less often than every 30 days.
inline constexpr Seconds k_default_poll_interval{6 * 3600};
inline constexpr Seconds k_min_poll_interval{5 * 60};
inline constexpr Seconds k_max_poll_interval{30 * 24 * 3600};

// A calendar name: 1-64 characters of ASCII letters, digits, '-', '_' and
// '.', starting with a letter or digit ("un-meetings", "cis.2025"). So a
// name is safe on a terminal, in a shell and in a systemd credential name.
// The message names the name (escaped) and says what is allowed.
Result<void> check_calendar_name(std::string_view name);

// The URL a subscription fetches: http:// and https:// as they are;
// webcal:// and webcals:// become https:// (webcal is a hint to open a
// calendar application, not a protocol; the feeds that use it serve
// HTTPS). Anything else, a URL without a host, with a space or a control
// character, or longer than 2,048 bytes is refused with a message naming
// the problem.
Result<std::string> subscription_url(std::string_view text);

// A CalDAV URL: http:// or https:// only, same checks.
Result<std::string> caldav_url(std::string_view text);

// A polling interval ("6h", "30m", "1d"; core::parse_duration), within
// [k_min_poll_interval, k_max_poll_interval].
Result<Seconds> poll_interval(std::string_view text);

// A user name for a CalDAV server: 1-256 printable characters, no ':'
// (Basic authentication joins user and password with one).
Result<void> check_user_name(std::string_view user);

// A password file's permission bits: refused when group or others may read
// (or write) it, with one line naming the file and the fix (chmod 600).
Result<void> check_password_file_mode(const std::string &path, mode_t mode);

// Whether `path` is a systemd credential (LoadCredential=): a file under
// `credentials_directory` ($CREDENTIALS_DIRECTORY, null when unset), a
// folder only the service can enter, whatever mode systemd gives the file.
bool is_systemd_credential(const std::string &path, const char *credentials_directory);

// `text` for a message: escape_controls (core/text.hpp), cut to `max`
// bytes with "..." so that a long name or URL cannot flood a line.
std::string quoted_for_message(std::string_view text, std::size_t max = 80);

// A calendar's URL as it is shown (calendar.list, messages, the log): the
// value of every query parameter and the fragment replaced by "…", and so
// any user name or password ("https://example.org/cal.ics?token=…&lang=…",
// "https://…@example.org/"). A feed's secret is often a query parameter;
// no list of names can know which ones are, so none is shown. The stored
// URL, which the fetch uses, is left whole.
std::string redacted_url(std::string_view url);

} // namespace summit::core
