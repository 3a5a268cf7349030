#!/usr/bin/env zsh
# Prints the zsh completions of a command line, one per line, sorted: drives
# an interactive zsh in a pseudo-terminal (zpty), loads _summit from FPATH_DIR
# with compinit, and records every candidate compadd receives.
#   zsh -f complete_zsh.zsh FPATH_DIR "summit list --"
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='' PROMPT='' RPROMPT=''; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "_capture() { compadd() { builtin compadd -O __hits \"\$@\"; local h; for h in \$__hits; do print -r -- \"<<\$h>>\"; done; builtin compadd \"\$@\" }; _main_complete \"\$@\"; unfunction compadd }; zle -C capture complete-word _capture; bindkey '^T' capture"
zpty -w z "print __READY__"
zpty -r z line '*__READY__*'
zpty -r z line '*__READY__*'
zpty -w -n z "$2"$'\C-t'
zpty -w z $'\C-u'"print __END__"
out=""
while zpty -r z line; do
    out+=$line
    [[ $out == *__END__*__END__* ]] && break
done
print -r -- $out | grep -o '<<[^>]*>>' | sed 's/^<<//;s/>>$//' | sort -u
zpty -d z
