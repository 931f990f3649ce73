#!/usr/bin/env bash
# End-to-end test of the Kakoune config (digest.kak, kak-lsp.toml) against the
# real server. Not run by CI: kak-lsp is not packaged by Debian, and building it
# takes minutes. Run it by hand:
#
#   apt-get install kakoune
#   cargo install kak-lsp --version 15.0.1 --root /tmp/kak-lsp
#   editors/kakoune/test.sh target/debug/digest-lsp /tmp/kak-lsp/bin/kak-lsp
set -u
here=$(cd "$(dirname "$0")" && pwd)
server=$(readlink -f "$1")
kaklsp=$(readlink -f "${2:-$(command -v kak-lsp)}")
work=$(mktemp -d)
session=digest-test-$$
failed=0
trap 'echo "kill!" | kak -p "$session" 2>/dev/null; rm -rf "$work"' EXIT

cp -r "$here/../fixtures/workspace" "$work/"
mkdir "$work/bin"
ln -s "$server" "$work/bin/digest-lsp"
ln -s "$kaklsp" "$work/bin/kak-lsp"
export PATH=$work/bin:$PATH HOME=$work
cat >"$work/kakrc" <<KAK
eval %sh{kak-lsp --kakoune -s \$kak_session --config $here/kak-lsp.toml ${KAK_LSP_DEBUG:+-vvvv --log $work/kak-lsp.log}}
source $here/digest.kak
KAK
file=$work/workspace/vision-kd.digest

check() { # name status(0 = ok) why
  if [ "$2" -eq 0 ]; then echo "PASS kakoune: $1"; else echo "FAIL kakoune: $1: $3"; failed=$((failed + 1)); fi
}
# Evaluates $1 in the dummy UI's client; it should write to $work/out.
ask() {
  rm -f "$work/out"
  echo "evaluate-commands -client client0 %{ $1 }" | kak -p "$session"
}
# Asks $1 every 0.1 s until the answer matches the regex $2 (20 s at most).
poll() {
  for _ in $(seq 200); do
    ask "$1"
    sleep 0.1
    if [ -f "$work/out" ] && grep -Eq "$2" "$work/out"; then return 0; fi
  done
  return 1
}

kak -ui dummy -n -s "$session" -e "source $work/kakrc; edit $file" </dev/null >"$work/kak.log" 2>&1 &
for _ in $(seq 100); do kak -l | grep -qx "$session" && break; sleep 0.1; done

poll "echo -to-file $work/out %opt{filetype}" '^digest$'
check "*.digest has the filetype digest" $? "$(cat "$work/out" 2>/dev/null)"

poll "echo -to-file $work/out %opt{lsp_diagnostic_error_count} %opt{lsp_diagnostic_warning_count}" '^1 1$'
check "diagnostics arrive: 1 error, 1 warning" $? "$(cat "$work/out" 2>/dev/null)"

line=$(grep -n '与Paper1类似' "$file" | cut -d: -f1)
col=$(python3 -c "import sys; l=open(sys.argv[1],encoding='utf-8').read().split('\n')[int(sys.argv[2])-1]; print(len(l[:l.index('Paper1类似')].encode())+2)" "$file" "$line")
ask "select $line.$col,$line.$col; lsp-hover-buffer"
poll "evaluate-commands -buffer *hover* %{ execute-keys '%'; echo -to-file $work/out %val{selection} }" '本文研究小型检测器'
check "hover has the summary" $? "$(cat "$work/out" 2>/dev/null)"
grep -q 'Sparse Teacher Ensembles' "$work/out"
check "hover has the title" $? "$(cat "$work/out" 2>/dev/null)"

ask "edit $file; select $line.$col,$line.$col; lsp-definition"
poll "echo -to-file $work/out %val{cursor_line}" '^5$'
check "lsp-definition on Paper1 goes to its heading" $? "line $(cat "$work/out" 2>/dev/null)"

ask "edit $file; lsp-document-symbol"
poll "evaluate-commands -buffer *goto* %{ execute-keys '%'; echo -to-file $work/out %val{selection} }" 'Paper4 Token Pruning'
check "lsp-document-symbol lists the papers" $? "$(cat "$work/out" 2>/dev/null)"

echo "kakoune: $failed failed"
[ "$failed" -eq 0 ]
