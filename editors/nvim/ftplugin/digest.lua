-- Starts the digest-lsp client for this buffer, or attaches it to the one
-- already running for the same root. Set `vim.g.digest_autostart = false`
-- to start it yourself (for instance with `vim.lsp.enable('digest')`).
if vim.b.did_ftplugin_digest then
  return
end
vim.b.did_ftplugin_digest = true
vim.b.undo_ftplugin = (vim.b.undo_ftplugin and (vim.b.undo_ftplugin .. ' | ') or '')
  .. 'unlet! b:did_ftplugin_digest'

if vim.g.digest_autostart ~= false then
  require('digest').attach(vim.api.nvim_get_current_buf())
end
