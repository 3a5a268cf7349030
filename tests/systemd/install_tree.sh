#!/usr/bin/env bash
# `cmake --install` into a scratch prefix puts every file where it belongs,
# with the units pointing at the installed binaries.
#   install_tree.sh BUILD_DIR
set -euo pipefail
build=$1
# The rendered man pages and verified units are part of the check, not
# optional extras: without the tools the test is skipped, saying so.
for tool in systemd-analyze man; do
    command -v $tool >/dev/null ||
        { echo "SKIP: $tool not installed (packages systemd, man-db in scripts/packages.txt)"; exit 125; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "FAIL: cmake --install"; exit 1; }

status=0
expect_file() {
    if [[ -f $prefix/$1 ]]; then echo "ok: $1"; else echo "FAIL: missing $1"; status=1; fi
}
expect_exec() {
    if [[ -x $prefix/$1 && -f $prefix/$1 ]]; then echo "ok: $1 (executable)"; else echo "FAIL: missing executable $1"; status=1; fi
}

# Directories as cmake/Install.cmake derives them (pkg-config, relative to
# the prefix); defaults on Debian 12.
# GNUInstallDirs leaves some cache entries empty and uses its defaults then.
var() { local v; v=$(grep "^$1:" "$build/CMakeCache.txt" | cut -d= -f2-); echo "${v:-$2}"; }
unitdir=$(var SUMMIT_SYSTEMD_SYSTEM_UNIT_DIR)
userunitdir=$(var SUMMIT_SYSTEMD_USER_UNIT_DIR)
sysusersdir=$(var SUMMIT_SYSUSERS_DIR)
tmpfilesdir=$(var SUMMIT_TMPFILES_DIR)
bashdir=$(var SUMMIT_BASH_COMPLETION_DIR)
zshdir=$(var SUMMIT_ZSH_COMPLETION_DIR)
docdir=$(var SUMMIT_DOC_DIR)
bindir=$(var CMAKE_INSTALL_BINDIR bin)
mandir=$(var CMAKE_INSTALL_MANDIR share/man)
for d in "$unitdir" "$userunitdir" "$sysusersdir" "$tmpfilesdir" "$bashdir" "$zshdir"; do
    [[ $d != /* ]] || { echo "FAIL: $d is absolute: --prefix and DESTDIR would not apply"; status=1; }
done

expect_exec "$bindir/summitd"
expect_exec "$bindir/summit"
expect_file "$unitdir/summitd.service"
expect_file "$unitdir/summitd.socket"
expect_file "$userunitdir/summitd.service"
expect_file "$userunitdir/summitd.socket"
expect_file "$userunitdir/summit-watch.service"
expect_file "$sysusersdir/summit.conf"
expect_file "$tmpfilesdir/summit.conf"
expect_file "$mandir/man1/summit.1"
expect_file "$mandir/man5/summitd.conf.5"
expect_file "$mandir/man8/summitd.8"
expect_file "$bashdir/summit"
expect_file "$zshdir/_summit"
expect_file "$docdir/summitd.toml"
expect_file "$docdir/SERVICE.md"

# ExecStart= names the binaries of this installation.
check_exec() { # unit expected-line
    if grep -qxF "$2" "$prefix/$1"; then echo "ok: $1: $2"; else
        echo "FAIL: $1 lacks '$2':"; grep '^ExecStart' "$prefix/$1" || true; status=1; fi
}
check_exec "$unitdir/summitd.service" "ExecStart=$prefix/$bindir/summitd --system"
check_exec "$userunitdir/summitd.service" "ExecStart=$prefix/$bindir/summitd"
check_exec "$userunitdir/summit-watch.service" "ExecStart=$prefix/$bindir/summit watch --notify"

# The installed system unit verifies as it is (its binary now exists), and
# the man pages render without warnings.
if out=$(cd "$prefix/$unitdir" && systemd-analyze verify --man=no summitd.service summitd.socket 2>&1) && [[ -z $out ]]; then
    echo "ok: installed units verify"
else
    echo "FAIL: installed units:"; echo "$out"; status=1
fi
for page in man1/summit.1 man5/summitd.conf.5 man8/summitd.8; do
    if out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$prefix/$mandir/$page" 2>&1 >/dev/null) && [[ -z $out ]]; then
        echo "ok: $page renders cleanly"
    else
        echo "FAIL: $page:"; echo "$out"; status=1
    fi
done
exit $status
