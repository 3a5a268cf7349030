#!/usr/bin/env zsh
# Prints the zsh completions of a command line, one per line, sorted: drives
# an interactive zsh in a pseudo-terminal (zpty), loads _summit from FPATH_DIR
# with compinit, and records every candidate compadd receives.
#   zsh -f complete_zsh.zsh FPATH_DIR "summit list --"
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='<zle> ' RPROMPT=''; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "_capture() { compadd() { builtin compadd -O __hits \"\$@\"; local h; for h in \$__hits; do print -r -- \"<<\$h>>\"; done; builtin compadd \"\$@\" }; _main_complete \"\$@\"; unfunction compadd }; zle -C capture complete-word _capture; bindkey '^T' capture"
zpty -w z "print __READY__"
zpty -r z line '*__READY__*'
zpty -r z line '*__READY__*'
# Type only once zle is reading (its prompt is drawn): before that the
# terminal is still in cooked mode, where ^U is the terminal's own kill
# character and wipes the typed line before zle ever sees it.
zpty -r z line '*<zle> *'
zpty -w -n z "$2"$'\C-t'
zpty -w z $'\C-u'"print __END__"
# Read until the second __END__ (the echo of the typed command, then its
# output). A read with a pattern waits for it; a plain `zpty -r` returns as
# soon as nothing is waiting, which on a loaded machine was before zsh had
# printed anything, and the test saw no completions at all.
out=""
for pass in 1 2; do
    zpty -r z chunk '*__END__*' || break
    out+=$chunk
done
print -r -- $out | grep -o '<<[^>]*>>' | sed 's/^<<//;s/>>$//' | sort -u
zpty -d z
