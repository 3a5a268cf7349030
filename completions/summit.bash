# bash completion for summit(1)                            -*- shell-script -*-
#
# Installed as share/bash-completion/completions/summit (loaded on demand by
# bash-completion). Completes commands, options, IANA zone names and, when the
# daemon is reachable, event ids (from `summit --json list --limit 200`;
# nothing at all when it is not).

# Zone names: from tzdata.zi (zones and links), else by listing zoneinfo.
_summit_zones()
{
    local zi=/usr/share/zoneinfo/tzdata.zi
    if [[ -r $zi ]]; then
        awk '$1 == "Z" { print $2 } $1 == "L" { print $3 }' "$zi" 2>/dev/null
    elif [[ -d /usr/share/zoneinfo ]]; then
        (cd /usr/share/zoneinfo 2>/dev/null &&
            find . -type f ! -name '*.tab' ! -name '*.zi' ! -name 'leap*' \
                ! -path './posix/*' ! -path './right/*' 2>/dev/null |
            sed 's|^\./||' | grep '^[A-Z]')
    fi
}

# Event ids from the daemon; silent when it is unreachable or slow. $1 is the
# --socket given on the command line being completed, if any.
_summit_event_ids()
{
    local -a cmd=(summit)
    [[ -n $1 ]] && cmd+=(--socket "$1")
    cmd+=(--json list --limit 200)
    if type -P timeout >/dev/null; then
        cmd=(timeout 2 "${cmd[@]}")
    fi
    "${cmd[@]}" 2>/dev/null </dev/null |
        grep -o '"id"[[:space:]]*:[[:space:]]*[0-9][0-9]*' |
        grep -o '[0-9][0-9]*$'
}

_summit()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion -n = || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local commands="add list show edit rm status agenda cal calendar sync import export watch snooze ack missed explain"
    local global_opts="--socket --json --tz --help --version"
    local event_opts="--at --end --duration --all-day --tz --location --description --tag --remind --status --repeat --help"
    local edit_opts="$event_opts --title --no-end --no-tags --no-reminders --no-repeat --occurrence --cancel-occurrence --from-occurrence"

    # Find the command and the --socket given before it.
    local i command="" socket="" command_index=0
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --socket) socket=${words[i+1]}; ((i++)) ;;
            --socket=*) socket=${words[i]#--socket=} ;;
            --tz) ((i++)) ;;
            -*) ;;
            *) command=${words[i]}; command_index=$i; break ;;
        esac
    done
    [[ -z $socket && -n $SUMMIT_SOCKET ]] && socket=$SUMMIT_SOCKET

    # Values of options.
    case $prev in
        --socket)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --tz)
            COMPREPLY=($(compgen -W "$(_summit_zones)" -- "$cur"))
            return ;;
        --status)
            COMPREPLY=($(compgen -W "confirmed tentative cancelled" -- "$cur"))
            return ;;
        --remind|--duration)
            COMPREPLY=($(compgen -W "15m 30m 1h 2h 1d 3d 7d 1w" -- "$cur"))
            return ;;
        --at|--end|--from|--to|--occurrence|--cancel-occurrence|--from-occurrence)
            COMPREPLY=($(compgen -W "today tomorrow $(date +%Y-%m-%d 2>/dev/null)" -- "$cur"))
            return ;;
        --repeat)
            COMPREPLY=($(compgen -W "daily weekly monthly yearly weekdays" -- "$cur"))
            return ;;
        --days)
            COMPREPLY=($(compgen -W "1 3 7 14 30" -- "$cur"))
            return ;;
        -o|--output)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --exec)
            COMPREPLY=($(compgen -c -- "$cur"))
            return ;;
        --location|--description|--tag|--search|--limit|--title)
            return ;;
    esac

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    # Positional arguments after the command (ignoring options and their values).
    local npos=0 j
    for ((j = command_index + 1; j < cword; j++)); do
        case ${words[j]} in
            --at|--end|--duration|--tz|--location|--description|--tag|--remind|--status|--from|--to|--search|--limit|--exec|--socket|--title|--repeat|--occurrence|--cancel-occurrence|--from-occurrence|--days|-o|--output|--calendar|--subscribe|--caldav|--collection|--every|--user|--password-file)
                ((j++)) ;;
            -*) ;;
            *) ((npos++)) ;;
        esac
    done

    local opts=""
    case $command in
        add) opts="$event_opts --request-key --calendar" ;;
        edit) opts=$edit_opts ;;
        list) opts="--from --to --tag --search --calendar --limit --help" ;;
        calendar) opts="--subscribe --caldav --collection --every --user --password-file --keep-local --keep-server --help" ;;
        sync) opts="--allow-deletions --help" ;;
        agenda) opts="--days --help" ;;
        import) opts="--dry-run --request-key --help" ;;
        export) opts="--from --to --tag --output -o --help" ;;
        watch) opts="--json --notify --from-now --exec --help" ;;
        missed) opts="--limit --help" ;;
        *) opts="--help" ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    case $command in
        show|edit|rm|explain)
            if ((npos == 0)); then
                COMPREPLY=($(compgen -W "$(_summit_event_ids "$socket")" -- "$cur"))
            fi ;;
        snooze)
            if ((npos == 1)); then
                COMPREPLY=($(compgen -W "5m 10m 15m 30m 1h 1d" -- "$cur"))
            fi ;;
        import)
            # iCalendar files (and directories to reach them), or - for stdin.
            if ((npos == 0)); then
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.[iI][cC][sS]' -- "$cur"))
                [[ -z $cur || $cur == - ]] && COMPREPLY+=(-)
            fi ;;
        calendar)
            if ((npos == 0)); then
                COMPREPLY=($(compgen -W "add conflicts list resolve rm" -- "$cur"))
            fi ;;
        cal)
            if ((npos == 0)); then
                COMPREPLY=($(compgen -W "$(date +%Y-%m 2>/dev/null) jan feb mar apr may jun jul aug sep oct nov dec next last" -- "$cur"))
            elif ((npos == 1)) && [[ ${words[cword-1]} == next || ${words[cword-1]} == last ]]; then
                COMPREPLY=($(compgen -W "month" -- "$cur"))
            fi ;;
    esac
}

complete -F _summit summit
