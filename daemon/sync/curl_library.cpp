#include "daemon/sync/curl_library.hpp"

#include "sys/shared_library.hpp"

#include <fmt/format.h>

#include <mutex>

namespace summit::sync {

// curl_global_init is not thread-safe before curl 7.84: call_once makes it so.
const CurlLibrary &curl_library() {
  static CurlLibrary curl;
  static std::once_flag once;
  std::call_once(once, [] {
    auto library = sys::SharedLibrary::open("libcurl.so.4");
    if (!library) {
      curl.error = "cannot load libcurl.so.4 (Debian package libcurl4): " + library.error();
      return;
    }
    library->find(curl.global_init, "curl_global_init");
    library->find(curl.easy_init, "curl_easy_init");
    library->find(curl.easy_setopt, "curl_easy_setopt");
    library->find(curl.easy_perform, "curl_easy_perform");
    library->find(curl.easy_getinfo, "curl_easy_getinfo");
    library->find(curl.easy_cleanup, "curl_easy_cleanup");
    library->find(curl.easy_strerror, "curl_easy_strerror");
    library->find(curl.slist_append, "curl_slist_append");
    library->find(curl.slist_free_all, "curl_slist_free_all");
    if (library->missing() != nullptr) {
      curl.error = fmt::format("libcurl.so.4 has no {}", library->missing());
      return;
    }
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      curl.error = "libcurl could not be initialised (curl_global_init)";
    }
  });
  return curl;
}

} // namespace summit::sync
