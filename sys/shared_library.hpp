#pragma once

#include <tl/expected.hpp>

#include <string>
#include <type_traits>

namespace summit::sys {

// A shared library loaded with dlopen when it is first needed, so that a
// run that never needs it does not pay for loading it (and what it links)
// at every start; never unloaded. Functions are found by name into
// pointers of their declared type (`decltype(&sd_notify)` and the like), so
// that a changed signature fails the build.
class SharedLibrary {
public:
  // dlopen(soname, RTLD_NOW | RTLD_LOCAL); the error is dlerror()'s text.
  static tl::expected<SharedLibrary, std::string> open(const char *soname);

  // Sets `function` to the symbol `name`, or to nullptr and remembers the
  // first name missing.
  template <typename Function> void find(Function &function, const char *name) {
    static_assert(std::is_pointer_v<Function> &&
                  std::is_function_v<std::remove_pointer_t<Function>>);
    // POSIX guarantees that a function's address survives this round trip.
    function = reinterpret_cast<Function>(symbol(name));
    if (function == nullptr && m_missing == nullptr) {
      m_missing = name;
    }
  }
  // The first name find() did not find; nullptr when every one was found.
  const char *missing() const { return m_missing; }
  void *handle() const { return m_handle; }

private:
  explicit SharedLibrary(void *handle) : m_handle(handle) {}
  void *symbol(const char *name) const;

  void *m_handle = nullptr;
  const char *m_missing = nullptr;
};

} // namespace summit::sys
