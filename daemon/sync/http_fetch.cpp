#include "daemon/sync/http_fetch.hpp"

#include "core/calendar_rules.hpp"
#include "core/text.hpp"
#include "daemon/sync/curl_library.hpp"

#include <fmt/format.h>

#include <chrono>
#include <curl/curl.h>
#include <memory>
#include <optional>
#include <string_view>

namespace summit::sync {

namespace {

struct Transfer {
  const FetchRequest *request = nullptr;
  const std::function<bool()> *cancelled = nullptr;
  FetchResult result;
  bool too_large = false;
};

std::size_t on_body(char *data, std::size_t size, std::size_t count, void *user) {
  auto *transfer = static_cast<Transfer *>(user);
  const std::size_t bytes = size * count;
  if (transfer->result.body.size() + bytes > transfer->request->limits.max_body) {
    transfer->too_large = true;
    return 0; // curl ends the transfer with CURLE_WRITE_ERROR
  }
  transfer->result.body.append(data, bytes);
  return bytes;
}

// Header lines of every response (a redirect's too): a new status line
// starts over, so that only the final response's validators are kept.
std::size_t on_header(char *data, std::size_t size, std::size_t count, void *user) {
  auto *transfer = static_cast<Transfer *>(user);
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (line.rfind("HTTP/", 0) == 0) {
    transfer->result.etag.clear();
    transfer->result.last_modified.clear();
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return bytes;
  }
  const std::string name = core::text::to_lower(core::text::trim(line.substr(0, colon)));
  const std::string_view value = core::text::trim(line.substr(colon + 1));
  // Validators are echoed back in a request header: keep them only when
  // short and printable, so that a server cannot smuggle a header in.
  const bool clean = value.size() <= 512 && value.find_first_of("\r\n") == std::string_view::npos;
  if (name == "etag" && clean) {
    transfer->result.etag = std::string(value);
  } else if (name == "last-modified" && clean) {
    transfer->result.last_modified = std::string(value);
  }
  return bytes;
}

int on_progress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto *transfer = static_cast<Transfer *>(user);
  return (*transfer->cancelled && (*transfer->cancelled)()) ? 1 : 0;
}

// Why a redirect to `url` is not followed, or nothing. Credentials in a
// redirect's URL would be sent to wherever the server points, without the
// user having given them: refused, like credentials in a subscription's
// own URL (core::subscription_url).
std::optional<std::string> redirect_refusal(std::string_view url) {
  const std::string lowered = core::text::to_lower(url.substr(0, 8));
  std::string_view rest;
  if (lowered.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (lowered.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return "which is not http:// or https:// (the only kinds of URL a subscription follows)";
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return "a URL carrying a user name or password (summit sends no credentials a server "
           "chose; subscribe to a public URL)";
  }
  return std::nullopt;
}

std::string mib(std::size_t bytes) {
  return bytes % (1024 * 1024) == 0 ? fmt::format("{} MiB", bytes / (1024 * 1024))
                                    : fmt::format("{} bytes", bytes);
}

} // namespace

FetchResult fetch(const FetchRequest &request, const std::function<bool()> &cancelled) {
  const CurlLibrary &lib = curl_library();
  if (!lib.error.empty()) {
    FetchResult failed;
    failed.error = lib.error;
    return failed;
  }
  Transfer transfer;
  transfer.request = &request;
  transfer.cancelled = &cancelled;
  const std::string shown_url = core::quoted_for_message(core::redacted_url(request.url), 200);
  std::unique_ptr<CURL, CurlFree> curl(lib.easy_init());
  if (!curl) {
    transfer.result.error = "could not start an HTTP transfer (libcurl)";
    return std::move(transfer.result);
  }
  std::unique_ptr<curl_slist, CurlFree> headers;
  auto add_header = [&](const std::string &line) {
    curl_slist *grown = lib.slist_append(headers.get(), line.c_str());
    if (grown != nullptr) {
      (void)headers.release();
      headers.reset(grown);
    }
  };
  if (!request.etag.empty()) {
    add_header("If-None-Match: " + request.etag);
  }
  if (!request.last_modified.empty()) {
    add_header("If-Modified-Since: " + request.last_modified);
  }
  add_header("Accept: text/calendar, */*;q=0.5");
  CURL *h = curl.get();
  char error_text[CURL_ERROR_SIZE] = {};
  lib.easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  lib.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  // Redirects are followed here, one hop at a time, not by curl: each
  // target is checked first (http(s) only, no user name or password in it).
  lib.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  lib.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  lib.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  lib.easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
                  static_cast<long>(request.limits.connect_timeout.count()));
  lib.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  lib.easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                  static_cast<long>(request.limits.stall_timeout.count()));
  lib.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.limits.max_body));
  lib.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); // what curl can decode; counted decoded
  lib.easy_setopt(h, CURLOPT_USERAGENT, "summitd/" SUMMIT_VERSION);
  lib.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  lib.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  lib.easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  lib.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  lib.easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  lib.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  lib.easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
  lib.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);

  // One time bound for the whole fetch, redirects included.
  const auto deadline = std::chrono::steady_clock::now() + request.limits.total_timeout;
  FetchResult &result = transfer.result;
  std::string url = request.url;
  CURLcode code = CURLE_OK;
  for (long hops = 0;; ++hops) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      code = CURLE_OPERATION_TIMEDOUT;
      break;
    }
    lib.easy_setopt(h, CURLOPT_URL, url.c_str());
    lib.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
    result.body.clear(); // a redirect's own body is not the feed
    error_text[0] = '\0';
    code = lib.easy_perform(h);
    result.status = 0;
    lib.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.status);
    if (code != CURLE_OK || result.status < 300 || result.status >= 400 || result.status == 304) {
      break;
    }
    char *location = nullptr;
    lib.easy_getinfo(h, CURLINFO_REDIRECT_URL, &location);
    if (location == nullptr || *location == '\0') {
      break; // a 3xx without a Location: reported as its status below
    }
    const std::string target = location;
    const std::string shown_target = core::quoted_for_message(core::redacted_url(target), 200);
    if (hops >= request.limits.max_redirects) {
      result.body.clear();
      result.error = fmt::format("could not fetch {}: more than {} redirects (the last to {}); "
                                 "subscribe to the URL the feed is really at",
                                 shown_url, request.limits.max_redirects, shown_target);
      return std::move(result);
    }
    if (auto refused = redirect_refusal(target)) {
      result.body.clear();
      result.error = fmt::format("{} redirects to {}, {}; it was not followed and nothing was "
                                 "changed",
                                 shown_url, shown_target, *refused);
      return std::move(result);
    }
    url = target;
  }
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    result.body.clear();
    result.error = fmt::format("{} sent more than {}, the most a subscription may be; nothing "
                               "was changed",
                               shown_url, mib(request.limits.max_body));
    return std::move(result);
  }
  if (code != CURLE_OK) {
    result.body.clear();
    const std::string detail = error_text[0] != '\0' ? error_text : lib.easy_strerror(code);
    result.error =
        fmt::format("could not fetch {}: {}", shown_url, core::text::escape_controls(detail));
    return std::move(result);
  }
  if (result.status == 304) {
    result.outcome = FetchResult::Outcome::not_modified;
    result.body.clear();
    return std::move(result);
  }
  if (result.status != 200) {
    result.body.clear();
    result.error = fmt::format("{} answered HTTP {}", shown_url, result.status);
    return std::move(result);
  }
  result.outcome = FetchResult::Outcome::fetched;
  return std::move(result);
}

} // namespace summit::sync
