#!/usr/bin/env bash
# The CPack .deb: its file list, its control fields, and an install, remove
# and purge into a scratch root (dpkg --root with chrootless maintainer
# scripts, which honour DPKG_ROOT) that leaves nothing behind.
#   deb_package.sh BUILD_DIR [--contents|--install]
# --contents (the default) checks the package; --install installs, removes
# and purges it in a scratch root, which needs root (dpkg --root chowns): it
# is skipped (exit 125, the reason on a "SKIP:" line) otherwise.
set -euo pipefail
build=$1
mode=${2:---contents}
[[ $mode == --contents || $mode == --install ]] || { echo "usage: $0 BUILD_DIR [--contents|--install]"; exit 2; }
for tool in cpack dpkg dpkg-deb; do
    command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 125; }
done
if [[ $mode == --install ]]; then
    [[ $(id -u) -eq 0 ]] || { echo "SKIP: the scratch-root install needs root (dpkg --root chowns)"; exit 125; }
    for tool in systemd-sysusers systemd-tmpfiles; do
        command -v $tool >/dev/null ||
            { echo "SKIP: $tool not installed (package systemd, in scripts/packages.txt)"; exit 125; }
    done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1 ||
    { cat "$tmp/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls "$tmp"/out/summit_*.deb)
echo "built $(basename "$deb")"

status=0
fail() { echo "FAIL: $*"; status=1; }

if [[ $mode == --contents ]]; then
[[ $(dpkg-deb -f "$deb" Package) == summit ]] || fail "package name"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
[[ $depends == *libc6* ]] || fail "Depends lacks libc6 (dpkg-shlibdeps did not run?)"
[[ $depends == *libsystemd0* ]] || fail "Depends lacks libsystemd0"
[[ $depends == *libical3* ]] || fail "Depends lacks libical3 (summitd dlopens it)"
[[ -n $(dpkg-deb -f "$deb" Maintainer) ]] || fail "no Maintainer"

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/files"
for f in /usr/bin/summitd /usr/bin/summit \
    /usr/lib/systemd/system/summitd.service /usr/lib/systemd/system/summitd.socket \
    /usr/lib/systemd/user/summitd.service /usr/lib/systemd/user/summitd.socket \
    /usr/lib/systemd/user/summit-watch.service \
    /usr/lib/sysusers.d/summit.conf /usr/lib/tmpfiles.d/summit.conf \
    /usr/share/man/man1/summit.1 /usr/share/man/man5/summitd.conf.5 /usr/share/man/man8/summitd.8 \
    /usr/share/bash-completion/completions/summit /usr/share/zsh/vendor-completions/_summit \
    /usr/share/doc/summit/summitd.toml; do
    grep -qxF "$f" "$tmp/files" && echo "ok: $f" || fail "$f not in the package"
done
# Listed to a file first: `tar | grep -q` under pipefail fails at random when
# grep exits early and tar gets SIGPIPE.
dpkg-deb --ctrl-tarfile "$deb" | tar -t >"$tmp/control"
grep -q postinst "$tmp/control" || fail "no postinst"

# The unit in the package starts the packaged binary.
dpkg-deb -x "$deb" "$tmp/x"
grep -qx 'ExecStart=/usr/bin/summitd --system' "$tmp/x/usr/lib/systemd/system/summitd.service" ||
    fail "packaged unit does not run /usr/bin/summitd"

echo "deb package checks: $([[ $status == 0 ]] && echo passed || echo FAILED)"
exit $status
fi

# Install, remove and purge in a scratch root. Dependencies are not in that
# root's (empty) database: --force-depends.
root="$tmp/root"
host_summit=$(getent passwd summit || true)
host_summitd=$( [[ -e /usr/bin/summitd ]] && echo yes || true)
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc" "$root/var/log"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
dpkg_root() {
    dpkg --root="$root" --force-script-chrootless --force-depends \
        --force-not-root --log="$root/var/log/dpkg.log" "$@"
}
if dpkg_root -i "$deb" >"$tmp/dpkg-i.log" 2>&1; then
    echo "ok: dpkg --root -i"
else
    cat "$tmp/dpkg-i.log"; fail "dpkg -i into a scratch root"
fi
[[ -x $root/usr/bin/summitd ]] || fail "summitd not installed in the scratch root"
grep -q '^summit:' "$root/etc/passwd" 2>/dev/null && echo "ok: postinst created user summit" ||
    fail "postinst did not create user summit in the scratch root"
grep -q '^summit:' "$root/etc/group" 2>/dev/null || fail "postinst did not create group summit"
[[ -d $root/var/lib/summit ]] && [[ $(stat -c %a "$root/var/lib/summit") == 750 ]] &&
    echo "ok: postinst created /var/lib/summit 0750" || fail "no /var/lib/summit 0750"
# Nothing leaked into the real system.
[[ $(getent passwd summit || true) == "$host_summit" ]] || fail "the host's passwd changed"
[[ ! -e /usr/bin/summitd || -n $host_summitd ]] || fail "installed into the host's /usr"

if dpkg_root -r summit >"$tmp/dpkg-r.log" 2>&1; then echo "ok: dpkg --root -r"; else
    cat "$tmp/dpkg-r.log"; fail "dpkg -r"; fi
[[ ! -e $root/usr/bin/summitd ]] || fail "summitd left behind after remove"
[[ ! -e $root/usr/lib/systemd/system/summitd.service ]] || fail "unit left behind after remove"
[[ -d $root/var/lib/summit ]] || fail "remove deleted /var/lib/summit (only purge should)"
if dpkg_root -P summit >"$tmp/dpkg-p.log" 2>&1; then echo "ok: dpkg --root -P"; else
    cat "$tmp/dpkg-p.log"; fail "dpkg -P"; fi
[[ ! -e $root/var/lib/summit ]] || fail "purge left /var/lib/summit"
left=$(find "$root/usr" -type f 2>/dev/null | head || true)
[[ -z $left ]] || fail "files left after purge: $left"
echo "deb package checks: $([[ $status == 0 ]] && echo passed || echo FAILED)"
exit $status
