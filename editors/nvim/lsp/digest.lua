-- digest-lsp, the language server for paper digests (*.digest).
-- Neovim 0.11+: picked up by `vim.lsp.config('digest')`; `vim.lsp.enable('digest')`
-- then starts it for digest buffers. The plugin's ftplugin uses this same table
-- on every version, so nothing else needs to be configured.
return {
  cmd = { 'digest-lsp' },
  filetypes = { 'digest' },
  root_markers = { 'digest.toml', '.git' },
}
