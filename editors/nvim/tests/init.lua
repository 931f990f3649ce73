-- Minimal init for the end-to-end test: this plugin on the runtimepath, nothing else.
local plugin = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h')
vim.opt.runtimepath:prepend(plugin)
-- The tests' shared part: require('harness') (tests/harness.lua).
package.path = plugin .. '/tests/?.lua;' .. package.path
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
-- The `own` mode of tests/detect.lua: a user's FileType autocmd, defined (as
-- in a user's init.lua) before Neovim turns on the filetype plugins.
if os.getenv('DIGEST_MODE') == 'own' then
  vim.cmd('autocmd FileType digest setlocal nowrap')
end
