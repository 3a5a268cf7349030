# Install rules and the Debian package (CPack DEB).
#
#   cmake --install build [--prefix /usr]     # or DESTDIR=... cmake --install build
#   cpack --config build/CPackConfig.cmake -G DEB
#
# Every destination is relative to the install prefix, so --prefix and DESTDIR
# are honoured everywhere: the directories systemd, bash-completion etc. report
# through pkg-config (/lib/systemd/system, /usr/lib/sysusers.d, ...) are made
# relative to their own prefix. With --prefix /usr on a merged-/usr system
# (Debian 12) that lands exactly where those tools look; /usr/local works too,
# since systemd also reads /usr/local/lib/systemd/{system,user}, sysusers.d and
# tmpfiles.d there. Each directory can be overridden with its cache variable.
#
# Both programs go to bin/: summitd is also run by ordinary users (user mode,
# `systemctl --user`), so it belongs on their PATH. The units' ExecStart= is
# rewritten at install time to the installed binaries (see below).

include(GNUInstallDirs)

# A pkg-config variable of `module`, made relative to the install prefix:
# "/lib/systemd/system" and "/usr/lib/systemd/system" both become
# "lib/systemd/system". `fallback` (relative) when pkg-config does not know it.
function(summit_pkgconfig_dir out module variable fallback)
  set(dir "")
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    execute_process(
      COMMAND ${PKG_CONFIG_EXECUTABLE} --variable=${variable} ${module}
      OUTPUT_VARIABLE dir OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_QUIET RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      set(dir "")
    endif()
  endif()
  if(dir STREQUAL "")
    set(dir "${fallback}")
  else()
    string(REGEX REPLACE "^/(usr/)?" "" dir "${dir}")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

summit_pkgconfig_dir(_summit_unitdir systemd systemdsystemunitdir "lib/systemd/system")
summit_pkgconfig_dir(_summit_userunitdir systemd systemduserunitdir "lib/systemd/user")
summit_pkgconfig_dir(_summit_sysusersdir systemd sysusersdir "lib/sysusers.d")
summit_pkgconfig_dir(_summit_tmpfilesdir systemd tmpfilesdir "lib/tmpfiles.d")
summit_pkgconfig_dir(_summit_bashcompdir bash-completion completionsdir
  "${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions")

set(SUMMIT_SYSTEMD_SYSTEM_UNIT_DIR "${_summit_unitdir}" CACHE STRING
  "systemd system unit directory, relative to the install prefix")
set(SUMMIT_SYSTEMD_USER_UNIT_DIR "${_summit_userunitdir}" CACHE STRING
  "systemd user unit directory, relative to the install prefix")
set(SUMMIT_SYSUSERS_DIR "${_summit_sysusersdir}" CACHE STRING
  "sysusers.d directory, relative to the install prefix")
set(SUMMIT_TMPFILES_DIR "${_summit_tmpfilesdir}" CACHE STRING
  "tmpfiles.d directory, relative to the install prefix")
set(SUMMIT_BASH_COMPLETION_DIR "${_summit_bashcompdir}" CACHE STRING
  "bash-completion completions directory, relative to the install prefix")
set(SUMMIT_ZSH_COMPLETION_DIR "${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions" CACHE STRING
  "zsh completion directory, relative to the install prefix")
set(SUMMIT_DOC_DIR "${CMAKE_INSTALL_DATAROOTDIR}/doc/summit" CACHE STRING
  "documentation directory, relative to the install prefix")

# --- programs ---------------------------------------------------------------
# Guarded: the tree may be assembled before daemon/ and cli/ have a main.cpp.
foreach(_summit_program summitd summit)
  if(TARGET ${_summit_program})
    install(TARGETS ${_summit_program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

# --- systemd units ----------------------------------------------------------
# The units in systemd/ name /usr/bin/summitd (so that `systemd-analyze`
# works on them as they are). At install time, /usr/bin/ is replaced by the
# real bindir under the prefix being installed to: CMAKE_INSTALL_PREFIX as
# `cmake --install --prefix` or CPack (CPACK_PACKAGING_INSTALL_PREFIX) set it,
# not as it was at configure time.
set(_summit_units_out "${PROJECT_BINARY_DIR}/install-units")
set(_summit_system_units summitd.service summitd.socket)
set(_summit_user_units summitd.service summitd.socket summit-watch.service)
install(CODE "
  set(_bindir \"${CMAKE_INSTALL_BINDIR}\")
  if(NOT IS_ABSOLUTE \"\${_bindir}\")
    set(_bindir \"\${CMAKE_INSTALL_PREFIX}/\${_bindir}\")
  endif()
  foreach(_pair system/summitd.service:. system/summitd.socket:.
                user/summitd.service:user user/summitd.socket:user
                user/summit-watch.service:user)
    string(REPLACE \":\" \";\" _pair \"\${_pair}\")
    list(GET _pair 0 _out)
    list(GET _pair 1 _srcdir)
    get_filename_component(_name \"\${_out}\" NAME)
    file(READ \"${PROJECT_SOURCE_DIR}/systemd/\${_srcdir}/\${_name}\" _unit)
    string(REPLACE \"/usr/bin/\" \"\${_bindir}/\" _unit \"\${_unit}\")
    file(WRITE \"${_summit_units_out}/\${_out}\" \"\${_unit}\")
  endforeach()
")
foreach(_unit IN LISTS _summit_system_units)
  install(FILES "${_summit_units_out}/system/${_unit}"
    DESTINATION ${SUMMIT_SYSTEMD_SYSTEM_UNIT_DIR})
endforeach()
foreach(_unit IN LISTS _summit_user_units)
  install(FILES "${_summit_units_out}/user/${_unit}"
    DESTINATION ${SUMMIT_SYSTEMD_USER_UNIT_DIR})
endforeach()
install(FILES systemd/sysusers.d/summit.conf DESTINATION ${SUMMIT_SYSUSERS_DIR})
install(FILES systemd/tmpfiles.d/summit.conf DESTINATION ${SUMMIT_TMPFILES_DIR})

# --- man pages, completions, docs --------------------------------------------
install(FILES docs/man/summit.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES docs/man/summitd.conf.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES docs/man/summitd.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES completions/summit.bash DESTINATION ${SUMMIT_BASH_COMPLETION_DIR}
  RENAME summit)
install(FILES completions/_summit DESTINATION ${SUMMIT_ZSH_COMPLETION_DIR})
install(FILES examples/summitd.toml DESTINATION ${SUMMIT_DOC_DIR})
foreach(_doc README.md docs/SERVICE.md docs/PROTOCOL.md docs/ARCHITECTURE.md)
  if(EXISTS "${PROJECT_SOURCE_DIR}/${_doc}")
    install(FILES ${_doc} DESTINATION ${SUMMIT_DOC_DIR})
  endif()
endforeach()

# --- Debian package ----------------------------------------------------------
# cpack -G DEB: package "summit", dependencies computed by dpkg-shlibdeps.
# The maintainer scripts create the summit user and /var/lib/summit with
# systemd-sysusers / systemd-tmpfiles when they exist (falling back to
# adduser), and never fail the installation because systemd is absent or not
# running (a chroot, a container, a build root).
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "summit")
set(CPACK_PACKAGE_VENDOR "summit")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "event calendar and reminder daemon for meetings across time zones")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_PACKAGE_CONTACT "summit maintainers <summit@localhost>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "summit maintainers <summit@localhost>")
# The Debian description: CPack puts the summary on the first line and this
# text, each line indented, below it.
set(CPACK_PACKAGE_DESCRIPTION
"summitd keeps a calendar of events (local wall time plus IANA zone, all-day
and month-precision events whose date is to be announced) in SQLite and fires
reminders at the second they are due; summit is its command-line client over
a Unix socket. Ships hardened systemd system and user units with socket
activation, man pages and bash/zsh completions.")
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# tzdata: zone rules and the location gazetteer are read at run time.
# libsystemd0: loaded with dlopen (so shlibdeps cannot see it) by summitd
# under systemd and by `summit watch --notify`. libical3: loaded with dlopen
# by summitd at the first repeating event, import or export
# (cmake/LazyLibrary.cmake), so no DT_NEEDED entry names it either.
# libcurl4: loaded with dlopen by summitd at a calendar subscription's
# first fetch (daemon/sync/http_fetch.cpp; docs/SYNC.md).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tzdata, libsystemd0, libical3, libcurl4")
# libgweather-4-common: the gazetteer's places (Locations.xml) and their
# translated names; libxml2, loaded with dlopen, reads it. Without either the
# gazetteer falls back to tzdata's tables, so they are recommended, not
# required.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd, libgweather-4-common, libxml2")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${PROJECT_SOURCE_DIR}/systemd/debian/postinst"
  "${PROJECT_SOURCE_DIR}/systemd/debian/prerm"
  "${PROJECT_SOURCE_DIR}/systemd/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
