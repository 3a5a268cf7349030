#pragma once

#include "daemon/sync/http_fetch.hpp"

#include <functional>
#include <string>
#include <vector>

// One WebDAV/CalDAV request over libcurl (PROPFIND, REPORT, GET, PUT,
// DELETE), with the bounds of a subscription's fetch (http_fetch.hpp):
// TLS verified, redirects limited to http(s), size and time limits. Basic
// and Digest authentication (CURLAUTH_ANY: libcurl picks what the server
// offers). The password is handed in for this request only; it is never
// logged nor put in a message. Blocks: run it on the network thread.
namespace summit::sync {

struct DavRequest {
  std::string method{}; // "PROPFIND", "REPORT", "GET", "PUT", "DELETE"
  std::string url{};
  std::vector<std::string> headers{}; // "Depth: 1", "If-Match: \"x\""
  std::string body{};
  std::string content_type{}; // sent when the body is not empty
  std::string user{};         // empty: no authentication
  std::string password{};
  // CURLAUTH_* methods to use; 0: any the server offers (CURLAUTH_ANY),
  // which costs a first request without credentials to learn them.
  unsigned long auth = 0;
  FetchLimits limits = {};
};

struct DavResponse {
  long status = 0; // 0 when no response came (error says why)
  std::string body;
  std::string etag;
  std::string url; // the final URL, after redirects
  // CURLAUTH_* methods a 401 offered (CURLINFO_HTTPAUTH_AVAIL), 0 when none.
  unsigned long auth_offered = 0;
  std::string error; // set when the transfer itself failed
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
};

// Performs `request`; never throws. `cancelled`, when set, is polled during
// the transfer and ends it (shutdown).
DavResponse dav_request(const DavRequest &request, const std::function<bool()> &cancelled = {});

} // namespace summit::sync
