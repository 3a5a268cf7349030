# Warnings as an INTERFACE target that only our own targets link, so that
# third-party code is never built with them (ccache's StandardWarnings.cmake).
add_library(summit_warnings INTERFACE)
target_compile_options(summit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(SUMMIT_WERROR)
  target_compile_options(summit_warnings INTERFACE -Werror)
endif()
