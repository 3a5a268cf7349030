#!/usr/bin/env bash
# Prints the bash completions of a command line (its last word is the one
# being completed), one per line, sorted.
#   complete_bash.sh COMPLETION_FILE WORD...
f=$1; shift
if [[ -r /usr/share/bash-completion/bash_completion ]]; then
    . /usr/share/bash-completion/bash_completion
fi
. "$f"
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_summit summit "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u
