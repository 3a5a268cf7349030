# Sanitizers as an INTERFACE target: compile and link options for our own
# targets only (the imported libraries are Debian's release builds).
add_library(summit_sanitizers INTERFACE)
if(SUMMIT_SANITIZE)
  list(JOIN SUMMIT_SANITIZE "," _summit_sanitizers)
  target_compile_options(summit_sanitizers INTERFACE
    -fsanitize=${_summit_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(summit_sanitizers INTERFACE -fsanitize=${_summit_sanitizers})
endif()

# Every target of ours links this one.
add_library(summit_options INTERFACE)
target_link_libraries(summit_options INTERFACE summit_warnings summit_sanitizers)
