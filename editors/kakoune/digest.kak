# Paper digests (*.digest) in Kakoune, with digest-lsp through kak-lsp.
# Source it from kakrc after kak-lsp's own line:
#   eval %sh{kak-lsp --kakoune -s $kak_session}
#   source /path/to/digest-lsp/editors/kakoune/digest.kak

hook global BufCreate .*[.]digest %{
    set-option buffer filetype digest
}

hook global WinSetOption filetype=digest %{
    lsp-enable-window
    add-highlighter window/digest-wrap wrap -word
}
