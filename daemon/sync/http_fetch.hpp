#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

// One HTTP GET of a calendar feed over libcurl (summitd only, and loaded
// with dlopen at its first fetch: the CLI, and a summitd without
// subscriptions, never load it). TLS certificates and host names are verified, redirects
// are followed up to a limit (by fetch, one hop at a time: only to http(s),
// never to a URL carrying a user name or password), proxies come from the
// environment (http_proxy, https_proxy, no_proxy, as curl reads them), and
// every transfer is bounded in time and size (docs/SYNC.md, "Bounds").
namespace summit::sync {

struct FetchLimits {
  std::size_t max_body = 8 * 1024 * 1024; // bytes, after content decoding
  long max_redirects = 5;
  std::chrono::seconds connect_timeout{20};
  std::chrono::seconds total_timeout{120};
  // A transfer slower than 1 byte/s for this long is abandoned.
  std::chrono::seconds stall_timeout{30};
};

struct FetchRequest {
  std::string url; // http:// or https:// (core::subscription_url)
  // Validators of the version held: sent as If-None-Match and
  // If-Modified-Since when not empty.
  std::string etag;
  std::string last_modified;
  FetchLimits limits = {};
};

struct FetchResult {
  enum class Outcome { fetched, not_modified, failed };
  Outcome outcome = Outcome::failed;
  long status = 0; // the final HTTP status, 0 when none came
  std::string body;
  std::string etag;
  std::string last_modified;
  // failed: one line for the user ("HTTP 404 from https://...", "the body is
  // larger than 8 MiB", "connection refused ...").
  std::string error;
};

// Fetches `request` (loading libcurl the first time; a libcurl that cannot
// be loaded is a failed fetch saying so). Blocks for the whole transfer: run it off the loop and
// off the firing path. `cancelled`, when set, is polled during the transfer
// and ends it early (shutdown). Never throws.
FetchResult fetch(const FetchRequest &request, const std::function<bool()> &cancelled = {});

} // namespace summit::sync
