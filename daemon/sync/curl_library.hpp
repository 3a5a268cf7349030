#pragma once

#include <curl/curl.h>
#include <string>

// libcurl, loaded with dlopen at the first transfer (sys::SharedLibrary): a
// summitd without subscriptions or CalDAV calendars never loads it, nor
// OpenSSL and the rest it links (docs/SYNC.md). Only its headers are used
// at build time. Shared by http_fetch (subscriptions) and dav_http (CalDAV).
namespace summit::sync {

struct CurlLibrary {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
  std::string error; // set: it could not be loaded, and why
};

// Loaded and initialised once, on the first call, from any thread.
const CurlLibrary &curl_library();

// Frees what libcurl allocated, for std::unique_ptr.
struct CurlFree {
  void operator()(CURL *handle) const { curl_library().easy_cleanup(handle); }
  void operator()(curl_slist *list) const { curl_library().slist_free_all(list); }
};

} // namespace summit::sync
