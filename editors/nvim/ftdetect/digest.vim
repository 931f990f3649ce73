" Paper digests: *.digest files have the filetype `digest`.
" More names can be mapped in your config, e.g.
"   autocmd BufRead,BufNewFile *.digest.txt setfiletype digest
autocmd BufRead,BufNewFile *.digest setfiletype digest
