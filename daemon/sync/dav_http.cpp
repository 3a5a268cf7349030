#include "daemon/sync/dav_http.hpp"

#include "core/calendar_rules.hpp"
#include "core/text.hpp"
#include "daemon/sync/curl_library.hpp"

#include <fmt/format.h>

#include <curl/curl.h>
#include <memory>
#include <string_view>

namespace summit::sync {

namespace {

struct Exchange {
  const DavRequest *request = nullptr;
  const std::function<bool()> *cancelled = nullptr;
  DavResponse response;
  bool too_large = false;
};

std::size_t on_body(char *data, std::size_t size, std::size_t count, void *user) {
  auto *exchange = static_cast<Exchange *>(user);
  const std::size_t bytes = size * count;
  if (exchange->response.body.size() + bytes > exchange->request->limits.max_body) {
    exchange->too_large = true;
    return 0;
  }
  exchange->response.body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char *data, std::size_t size, std::size_t count, void *user) {
  auto *exchange = static_cast<Exchange *>(user);
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (line.rfind("HTTP/", 0) == 0) {
    exchange->response.etag.clear();
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return bytes;
  }
  const std::string name = core::text::to_lower(core::text::trim(line.substr(0, colon)));
  const std::string_view value = core::text::trim(line.substr(colon + 1));
  // An ETag is sent back in If-Match: only a short one on one line.
  if (name == "etag" && value.size() <= 512 &&
      value.find_first_of("\r\n") == std::string_view::npos) {
    exchange->response.etag = std::string(value);
  }
  return bytes;
}

int on_progress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto *exchange = static_cast<Exchange *>(user);
  return (*exchange->cancelled && (*exchange->cancelled)()) ? 1 : 0;
}

} // namespace

DavResponse dav_request(const DavRequest &request, const std::function<bool()> &cancelled) {
  const CurlLibrary &lib = curl_library();
  Exchange exchange;
  exchange.request = &request;
  exchange.cancelled = &cancelled;
  if (!lib.error.empty()) {
    exchange.response.error = lib.error;
    return std::move(exchange.response);
  }
  std::unique_ptr<CURL, CurlFree> curl(lib.easy_init());
  if (!curl) {
    exchange.response.error = "could not start an HTTP transfer (libcurl)";
    return std::move(exchange.response);
  }
  std::unique_ptr<curl_slist, CurlFree> headers;
  auto add_header = [&](const std::string &line) {
    curl_slist *grown = lib.slist_append(headers.get(), line.c_str());
    if (grown != nullptr) {
      (void)headers.release();
      headers.reset(grown);
    }
  };
  for (const auto &header : request.headers) {
    add_header(header);
  }
  if (!request.body.empty() && !request.content_type.empty()) {
    add_header("Content-Type: " + request.content_type);
  }
  add_header("Expect:"); // no 100-continue round trip
  CURL *h = curl.get();
  char error_text[CURL_ERROR_SIZE] = {};
  lib.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  lib.easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  lib.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  lib.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // Redirects only for reads: a PUT or DELETE goes where it was sent.
  const bool reads =
      request.method == "PROPFIND" || request.method == "REPORT" || request.method == "GET";
  lib.easy_setopt(h, CURLOPT_FOLLOWLOCATION, reads ? 1L : 0L);
  lib.easy_setopt(h, CURLOPT_POSTREDIR, static_cast<long>(CURL_REDIR_POST_ALL));
  lib.easy_setopt(h, CURLOPT_MAXREDIRS, request.limits.max_redirects);
  lib.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  lib.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  lib.easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
                  static_cast<long>(request.limits.connect_timeout.count()));
  lib.easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(request.limits.total_timeout.count()));
  lib.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  lib.easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                  static_cast<long>(request.limits.stall_timeout.count()));
  lib.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.limits.max_body));
  lib.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  lib.easy_setopt(h, CURLOPT_USERAGENT, "summitd/" SUMMIT_VERSION);
  if (!request.user.empty()) {
    lib.easy_setopt(h, CURLOPT_HTTPAUTH,
                    static_cast<long>(request.auth != 0 ? request.auth : CURLAUTH_ANY));
    lib.easy_setopt(h, CURLOPT_USERNAME, request.user.c_str());
    lib.easy_setopt(h, CURLOPT_PASSWORD, request.password.c_str());
    // Credentials go to the host they were given for, not to a redirect.
    lib.easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
  }
  // The body from memory (POSTFIELDS, whatever the method): curl can send
  // it again after a 401 that asks for Digest or Basic authentication.
  lib.easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (!request.body.empty() || request.method == "PUT") {
    lib.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    lib.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  lib.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  lib.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  lib.easy_setopt(h, CURLOPT_WRITEDATA, &exchange);
  lib.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  lib.easy_setopt(h, CURLOPT_HEADERDATA, &exchange);
  lib.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  lib.easy_setopt(h, CURLOPT_XFERINFODATA, &exchange);
  lib.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);

  const CURLcode code = lib.easy_perform(h);
  DavResponse &response = exchange.response;
  lib.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  long offered = 0;
  if (lib.easy_getinfo(h, CURLINFO_HTTPAUTH_AVAIL, &offered) == CURLE_OK && offered > 0) {
    response.auth_offered = static_cast<unsigned long>(offered);
  }
  char *final_url = nullptr;
  if (lib.easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &final_url) == CURLE_OK && final_url != nullptr) {
    response.url = final_url;
  }
  const std::string shown_url = core::quoted_for_message(request.url, 200);
  if (exchange.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    response.body.clear();
    response.error = fmt::format("{} {} sent more than {} bytes; nothing was changed",
                                 request.method, shown_url, request.limits.max_body);
    return std::move(response);
  }
  if (code != CURLE_OK) {
    response.body.clear();
    const std::string detail = error_text[0] != '\0' ? error_text : lib.easy_strerror(code);
    response.error = fmt::format("{} {} failed: {}", request.method, shown_url,
                                 core::text::escape_controls(detail));
  }
  return std::move(response);
}

} // namespace summit::sync
