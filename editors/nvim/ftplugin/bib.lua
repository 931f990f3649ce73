-- BibTeX buffers (`*.bib`, filetype `bib`): attached to a running digest-lsp
-- whose root holds them, so that edits to a digest's bibliography reach its
-- hovers and diagnostics before the file is saved. Nothing else is set, and
-- digest-lsp is never started for a `.bib` alone. See :help digest-bibliography.
if vim.b.did_ftplugin_digest_bib then
  return
end
vim.b.did_ftplugin_digest_bib = true
require('digest').attach_bibliography(0)
