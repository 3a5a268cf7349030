#include "core/calendar_rules.hpp"

#include "core/text.hpp"
#include "core/time_parse.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <utility>

namespace summit::core {

namespace {

constexpr bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

constexpr bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool starts_with_ci(std::string_view value, std::string_view prefix) {
  return value.size() >= prefix.size() && text::to_lower(value.substr(0, prefix.size())) == prefix;
}

// The checks a URL of either kind shares, on its text after the scheme.
Result<std::string> checked_url(std::string_view original, std::string_view scheme,
                                std::string_view rest) {
  if (original.size() > k_max_calendar_url) {
    return fail(ErrorCode::invalid_params,
                fmt::format("the URL is {} bytes long; at most {} are accepted", original.size(),
                            k_max_calendar_url));
  }
  for (const char c : original) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("the URL {} has a space or a control character; percent-encode it "
                              "(%20)",
                              quoted_for_message(original)));
    }
  }
  const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  const std::string_view authority = host.substr(host.rfind('@') + 1);
  if (authority.empty() || authority.front() == ':') {
    return fail(ErrorCode::invalid_params,
                fmt::format("the URL {} names no host; write it as {}://HOST/PATH",
                            quoted_for_message(original), scheme));
  }
  if (host.find('@') != std::string_view::npos) {
    // Shown without them: the refusal is printed and may be logged.
    const std::string_view scheme_text = original.substr(0, original.size() - rest.size());
    const std::string shown =
        fmt::format("{}USER@{}", scheme_text, rest.substr(host.rfind('@') + 1));
    return fail(ErrorCode::invalid_params,
                fmt::format("the URL {} carries a user name or password; credentials are never "
                            "stored in a URL (a CalDAV calendar takes --user and "
                            "--password-file; a subscription, only a public URL)",
                            quoted_for_message(shown)));
  }
  return fmt::format("{}://{}", scheme, rest);
}

} // namespace

std::string quoted_for_message(std::string_view value, std::size_t max) {
  std::string shown = text::escape_controls(value.substr(0, max));
  if (value.size() > max) {
    shown += "...";
  }
  return "'" + shown + "'";
}

std::string redacted_url(std::string_view url) {
  std::string shown;
  shown.reserve(url.size());
  const std::size_t scheme_end = url.find("://");
  std::string_view rest = url;
  if (scheme_end != std::string_view::npos) {
    shown.append(url.substr(0, scheme_end + 3));
    rest = url.substr(scheme_end + 3);
    const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
    if (const std::size_t at = host.rfind('@'); at != std::string_view::npos) {
      shown += "…@";
      rest.remove_prefix(at + 1);
    }
  }
  const std::size_t query = rest.find_first_of("?#");
  shown.append(rest.substr(0, query));
  if (query == std::string_view::npos) {
    return shown;
  }
  rest.remove_prefix(query);
  const std::size_t fragment = rest.find('#');
  if (rest.front() == '?') {
    shown += '?';
    std::string_view parameters =
        rest.substr(1, fragment == std::string_view::npos ? rest.size() - 1 : fragment - 1);
    bool first = true;
    while (true) {
      const std::size_t amp = parameters.find('&');
      const std::string_view parameter = parameters.substr(0, amp);
      if (!first) {
        shown += '&';
      }
      first = false;
      const std::size_t equals = parameter.find('=');
      if (equals != std::string_view::npos) {
        shown.append(parameter.substr(0, equals + 1));
        if (equals + 1 < parameter.size()) {
          shown += "…";
        }
      } else if (!parameter.empty()) {
        shown += "…";
      }
      if (amp == std::string_view::npos) {
        break;
      }
      parameters.remove_prefix(amp + 1);
    }
  }
  if (fragment != std::string_view::npos) {
    shown += fragment + 1 < rest.size() ? "#…" : "#";
  }
  return shown;
}

Result<void> check_calendar_name(std::string_view name) {
  if (name.empty()) {
    return fail(ErrorCode::invalid_params,
                "a calendar needs a name: letters, digits, '-', '_' and '.' (e.g. un-meetings)");
  }
  if (name.size() > k_max_calendar_name) {
    return fail(ErrorCode::invalid_params,
                fmt::format("the calendar name {} is {} bytes long; at most {} are allowed",
                            quoted_for_message(name, 24), name.size(), k_max_calendar_name));
  }
  for (const char c : name) {
    if (!is_name_char(c)) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("the calendar name {} may hold only ASCII letters, digits, '-', "
                              "'_' and '.' (e.g. un-meetings)",
                              quoted_for_message(name)));
    }
  }
  if (!is_alnum(name.front())) {
    return fail(ErrorCode::invalid_params,
                fmt::format("the calendar name {} must start with a letter or a digit",
                            quoted_for_message(name)));
  }
  return {};
}

Result<std::string> subscription_url(std::string_view url) {
  for (const auto &[prefix, scheme] :
       {std::pair<std::string_view, std::string_view>{"https://", "https"},
        {"http://", "http"},
        {"webcals://", "https"},
        {"webcal://", "https"}}) {
    if (starts_with_ci(url, prefix)) {
      return checked_url(url, scheme, url.substr(prefix.size()));
    }
  }
  return fail(ErrorCode::invalid_params,
              fmt::format("the subscription URL {} is not http://, https:// or webcal://",
                          quoted_for_message(url)));
}

Result<std::string> caldav_url(std::string_view url) {
  for (const auto &[prefix, scheme] :
       {std::pair<std::string_view, std::string_view>{"https://", "https"}, {"http://", "http"}}) {
    if (starts_with_ci(url, prefix)) {
      return checked_url(url, scheme, url.substr(prefix.size()));
    }
  }
  return fail(ErrorCode::invalid_params,
              fmt::format("the CalDAV URL {} is not http:// or https://", quoted_for_message(url)));
}

Result<Seconds> poll_interval(std::string_view every) {
  auto parsed = parse_duration(every);
  if (!parsed) {
    return fail(
        ErrorCode::invalid_params,
        fmt::format("{} is not a duration; write e.g. 6h, 30m or 1d", quoted_for_message(every)));
  }
  if (*parsed < k_min_poll_interval || *parsed > k_max_poll_interval) {
    return fail(ErrorCode::invalid_params,
                fmt::format("{} is outside 5m to 30d; a feed is polled at most every 5 "
                            "minutes and at least every 30 days",
                            quoted_for_message(every)));
  }
  return *parsed;
}

Result<void> check_user_name(std::string_view user) {
  if (user.empty() || user.size() > k_max_user_name) {
    return fail(ErrorCode::invalid_params,
                fmt::format("user: give 1 to {} characters", k_max_user_name));
  }
  for (const char c : user) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == ':') {
      return fail(ErrorCode::invalid_params,
                  fmt::format("user: {} holds a control character or ':', which HTTP "
                              "authentication cannot carry",
                              quoted_for_message(user)));
    }
  }
  return {};
}

bool is_systemd_credential(const std::string &path, const char *credentials_directory) {
  return credentials_directory != nullptr && credentials_directory[0] == '/' &&
         path.rfind(std::string(credentials_directory) + "/", 0) == 0;
}

Result<void> check_password_file_mode(const std::string &path, mode_t mode) {
  if ((mode & (S_IRWXG | S_IRWXO)) != 0) {
    return fail(ErrorCode::invalid_params,
                fmt::format("the password file {} may be read or changed by others (mode {:03o}); "
                            "run chmod 600 {}",
                            quoted_for_message(path, 200), mode & 0777,
                            quoted_for_message(path, 200)));
  }
  return {};
}

} // namespace summit::core
