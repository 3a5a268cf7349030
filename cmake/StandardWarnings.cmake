# Warnings as an INTERFACE target that only our own targets link, so that
# third-party code is never built with them (ccache's StandardWarnings.cmake).
add_library(summit_warnings INTERFACE)
#
# Third-party headers are system headers here (Debian's, in /usr/include, and
# imported targets, which CMake marks SYSTEM), so GCC keeps their warnings to
# itself: all but -Wnull-dereference. That one is found at -O2 after
# inlining, and GCC 12 judges an inlined warning by our function the code
# was inlined into, system header or not: a release build of summitd and
# summit printed 37 such warnings from Boost.Asio's scheduler and executors
# and one from libstdc++'s strings inlined through CLI11's split (false
# positives: a thread's call stack, a null io_context only compared).
# Targets that include Boost.Asio set the property SUMMIT_INLINES_ASIO and go
# without it, as does the one source that includes CLI11 outside them
# (cli/CMakeLists.txt); all other code keeps it.
target_compile_options(summit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<NOT:$<BOOL:$<TARGET_PROPERTY:SUMMIT_INLINES_ASIO>>>:-Wnull-dereference>)
if(SUMMIT_WERROR)
  target_compile_options(summit_warnings INTERFACE -Werror)
endif()
