#include "sys/shared_library.hpp"

#include <dlfcn.h>

namespace summit::sys {

tl::expected<SharedLibrary, std::string> SharedLibrary::open(const char *soname) {
  void *handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char *why = ::dlerror();
    return tl::unexpected(std::string(why != nullptr ? why : "unknown error"));
  }
  return SharedLibrary(handle);
}

void *SharedLibrary::symbol(const char *name) const { return ::dlsym(m_handle, name); }

} // namespace summit::sys
