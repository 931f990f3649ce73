" Paper digests: *.digest files have the filetype `digest`.
autocmd BufRead,BufNewFile *.digest setfiletype digest

" A plain-text file (filetype `text`, e.g. a *.txt) that looks like a digest
" gets the filetype `digest` too: within its first 200 lines, a heading
" (`Paper3 Title`) and after it a line starting with a section label and a
" colon. The built-in detection has already said `text` when this runs (the
" ftdetect scripts are sourced after it), hence `set filetype`, not `setf`.
" Turn it off with `let g:digest_detect_txt = 0` (Lua:
" `vim.g.digest_detect_txt = false`). See :help digest-detect for more names.
autocmd BufRead * if &filetype ==# 'text' | exe 'lua require("digest.detect").text_buffer(0)' | endif
