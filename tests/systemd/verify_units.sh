#!/usr/bin/env bash
# systemd-analyze verify on every unit in systemd/ (system and user), with
# ExecStart= pointing at the built binaries (verify insists that they exist)
# and Documentation=man: pages looked up in docs/man (verify runs man(1) on
# them).
#   verify_units.sh SOURCE_DIR SUMMITD_BIN SUMMIT_BIN
set -euo pipefail
src=$1 summitd_bin=$2 summit_bin=$3

for tool in systemd-analyze systemd-sysusers systemd-tmpfiles; do
    command -v $tool >/dev/null ||
        { echo "SKIP: $tool not installed (package systemd, in scripts/packages.txt)"; exit 125; }
done
for bin in "$summitd_bin" "$summit_bin"; do
    [[ -x $bin ]] || { echo "FAIL: $bin is not built"; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/system" "$tmp/user" "$tmp/man"/man{1,5,8}
ln -s "$src/docs/man/summit.1" "$tmp/man/man1/"
ln -s "$src/docs/man/summitd.conf.5" "$tmp/man/man5/"
ln -s "$src/docs/man/summitd.8" "$tmp/man/man8/"

substitute() { # unit -> copy with the built binaries
    sed -e "s|/usr/bin/summitd\\b|$summitd_bin|g" -e "s|/usr/bin/summit\\b|$summit_bin|g" "$1" > "$2"
}
for unit in "$src"/systemd/*.service "$src"/systemd/*.socket; do
    substitute "$unit" "$tmp/system/$(basename "$unit")"
done
for unit in "$src"/systemd/user/*.service "$src"/systemd/user/*.socket; do
    substitute "$unit" "$tmp/user/$(basename "$unit")"
done

status=0
export MANPATH="$tmp/man"
# Without a user session, the user manager's %t needs a runtime dir.
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$tmp}

run_verify() { # dir mode-args... -- units...
    local dir=$1; shift
    local out
    if ! out=$(cd "$dir" && systemd-analyze "$@" 2>&1); then
        echo "FAIL: systemd-analyze $*"; echo "$out"; status=1; return
    fi
    # verify exits 0 on some warnings: treat any output as a finding.
    if [[ -n $out ]]; then
        echo "FAIL: systemd-analyze $* reported:"; echo "$out"; status=1; return
    fi
    echo "ok: systemd-analyze $*"
}

(cd "$tmp/system" && grep -q "^ExecStart=$summitd_bin --system$" summitd.service) ||
    { echo "FAIL: ExecStart substitution"; status=1; }

run_verify "$tmp/system" verify summitd.service summitd.socket
run_verify "$tmp/user" --user verify summitd.service summitd.socket summit-watch.service

# sysusers.d / tmpfiles.d snippets parse (no changes are made).
if out=$(systemd-sysusers --dry-run "$src/systemd/sysusers.d/summit.conf" 2>&1) &&
    ! grep -qi "warn\|invalid\|fail" <<<"$out"; then
    echo "ok: systemd-sysusers --dry-run summit.conf"
else
    echo "FAIL: systemd-sysusers --dry-run:"; echo "$out"; status=1
fi
# --root keeps it away from the real /var; a scratch root has no "summit"
# user, so only a syntax error would be reported as a bad line.
mkdir -p "$tmp/root/etc"
echo "summit:x:990:990::/var/lib/summit:/usr/sbin/nologin" > "$tmp/root/etc/passwd"
echo "summit:x:990:" > "$tmp/root/etc/group"
if out=$(systemd-tmpfiles --root="$tmp/root" --create "$src/systemd/tmpfiles.d/summit.conf" 2>&1) &&
    [[ -d $tmp/root/var/lib/summit ]] &&
    [[ $(stat -c '%a %u %g' "$tmp/root/var/lib/summit") == "750 990 990" ]]; then
    echo "ok: systemd-tmpfiles creates /var/lib/summit 0750 summit:summit"
else
    echo "FAIL: systemd-tmpfiles:"; echo "$out"; ls -ln "$tmp/root/var/lib" 2>&1; status=1
fi
exit $status
