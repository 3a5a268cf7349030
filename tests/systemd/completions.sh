#!/usr/bin/env bash
# The bash or zsh completion of summit: commands, options, option values, zone
# names, and event ids from a real daemon (nothing, silently, when none runs).
#   completions.sh bash|zsh SOURCE_DIR SUMMITD_BIN SUMMIT_BIN
set -euo pipefail
kind=$1 src=$2 summitd_bin=$3 summit_bin=$4
here=$(cd "$(dirname "$0")" && pwd)
if [[ $kind == zsh ]] && ! command -v zsh >/dev/null; then
    echo "SKIP: zsh not installed"; exit 125
fi
tmp=$(mktemp -d)
daemon_pid=""
cleanup() {
    [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# `summit` on PATH is the built one; no daemon and no socket yet.
mkdir -p "$tmp/bin" "$tmp/fpath" "$tmp/home"
ln -s "$summit_bin" "$tmp/bin/summit"
cp "$src/completions/_summit" "$tmp/fpath/"
export PATH="$tmp/bin:$PATH" HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/home"
export SUMMIT_SOCKET="$tmp/summitd.sock"
unset TZ

complete() { # words... (the last one is completed)
    if [[ $kind == bash ]]; then
        bash "$here/complete_bash.sh" "$src/completions/summit.bash" "$@"
    else
        local line="$*"
        [[ -z ${*: -1} ]] && line+=" "
        timeout 30 zsh -f "$here/complete_zsh.zsh" "$tmp/fpath" "$line"
    fi
}

status=0
expect() { # description expected-regex words...
    local what=$1 want=$2; shift 2
    local got
    got=$(complete "$@" 2>"$tmp/err" | tr '\n' ' ')
    if [[ $got =~ $want ]]; then echo "ok: $what"; else
        echo "FAIL: $what: '$*' gave '$got' (wanted /$want/)"; status=1; fi
}
expect_none() { # description words...
    local what=$1; shift
    local got
    got=$(complete "$@" 2>"$tmp/err")
    if [[ -z $got && ! -s $tmp/err ]]; then echo "ok: $what"; else
        echo "FAIL: $what: '$*' gave '$got' stderr '$(cat "$tmp/err")'"; status=1; fi
}

expect "commands" "^add edit explain list missed rm show snooze status watch $|add.*edit.*list.*rm.*show.*status" summit ""
expect "command prefix" "^show snooze status sync $" summit s
expect "calendar actions" "^add conflicts list resolve rm $" summit calendar ""
expect "global options" "--json.*--socket.*--tz" summit --
expect "list options" "--from.*--limit.*--search.*--tag.*--to" summit list --
expect "add options" "--all-day.*--at.*--description.*--duration.*--end.*--location.*--remind.*--status.*--tag.*--tz" summit add Title --
expect "status values" "^cancelled confirmed tentative $" summit add T --status ""
expect "zone names (global --tz)" "^Europe/Minsk $" summit --tz Europe/Mins
expect "zone names (event --tz)" "Asia/Almaty" summit add T --tz Asia/Alm
expect "zone links too" "Asia/Calcutta" summit --tz Asia/Calc
expect "watch options" "--exec.*--notify" summit watch --
expect "calendar commands" "agenda.*cal.*export.*import" summit ""
expect "edit options" "--cancel-occurrence.*--from-occurrence.*--no-repeat.*--occurrence.*--repeat.*--title" summit edit 1 --
expect "repeat shortcuts" "daily.*monthly.*weekdays.*weekly.*yearly" summit add T --repeat ""
expect "export options" "--from.*--output.*--tag.*--to" summit export --
expect "agenda options" "--days" summit agenda --
expect "import options" "--dry-run" summit import --
expect "cal months" "jan.*next.*sep" summit cal ""
expect_none "no event ids (and no noise) when the daemon is unreachable" summit show ""

# With a daemon: ids of the events it lists.
"$summitd_bin" --socket "$SUMMIT_SOCKET" --db "$tmp/summit.db" --config /dev/null \
    2>"$tmp/daemon.log" &
daemon_pid=$!
for _ in $(seq 600); do [[ -S $SUMMIT_SOCKET ]] && break; sleep 0.1; done
ids=()
for title in "Council of Heads of Government of the CIS" "G20 summit"; do
    ids+=("$("$summit_bin" --json add "$title" --at "2030-09-26 10:00" --tz Europe/Minsk |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
done
echo "events ${ids[*]} added"
expect "event ids from the daemon (show)" "^${ids[0]} ${ids[1]} $" summit show ""
expect "event ids from the daemon (rm, --socket given)" "^${ids[0]} ${ids[1]} $" summit --socket "$SUMMIT_SOCKET" rm ""
expect "event ids only in the id position" "^$" summit show "${ids[0]}" x
exit $status
