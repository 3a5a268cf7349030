#!/usr/bin/env bash
# The system unit's exposure by systemd's own measure must stay at most
# MAX (1.5). Deterministic: it scores the unit file, nothing runs.
#   security.sh SOURCE_DIR [MAX]
set -euo pipefail
src=$1 max=${2:-1.5}
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 125; }

exposure() { # unit file -> "0.4"
    (cd "$(dirname "$1")" && systemd-analyze security --offline=yes --no-pager "$(basename "$1")" 2>&1) |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}

ours=$(exposure "$src/systemd/summitd.service")
[[ -n $ours ]] || { echo "FAIL: no exposure figure from systemd-analyze"; exit 1; }
echo "systemd-analyze security --offline=yes systemd/summitd.service: $ours (limit $max)"
for other in /lib/systemd/system/atd.service /lib/systemd/system/cron.service; do
    if [[ -r $other ]]; then
        echo "for comparison, $(basename "$other"): $(exposure "$other")"
    fi
done
# The line-by-line findings, for whoever reads a failure.
(cd "$src/systemd" && systemd-analyze security --offline=yes --no-pager summitd.service 2>&1) | grep '✗' || true

# The check can fail: the same unit without its sandbox must score worse
# than the limit (otherwise the figure would not be measuring anything).
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sed -n '/^# Sandbox/q;p' "$src/systemd/summitd.service" > "$tmp/summitd.service"
printf '\n[Install]\nWantedBy=multi-user.target\n' >> "$tmp/summitd.service"
bare=$(exposure "$tmp/summitd.service")
echo "without its sandbox section the unit scores $bare"
if ! awk -v a="$bare" -v b="$max" 'BEGIN { exit !(a + 0 > b + 0) }'; then
    echo "FAIL: the unsandboxed unit scores $bare, not above $max: the check proves nothing"
    exit 1
fi

if awk -v a="$ours" -v b="$max" 'BEGIN { exit !(a + 0 <= b + 0) }'; then
    echo "ok: exposure $ours <= $max"
else
    echo "FAIL: exposure $ours > $max"
    exit 1
fi
