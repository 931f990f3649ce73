-- Digest buffers: prose-friendly window options, and the digest-lsp client
-- started for this buffer (or the one already running for the same root
-- attached to it). Set `vim.g.digest_autostart = false` to start it yourself
-- (for instance with `vim.lsp.enable('digest')`). See :help digest-options.
if vim.b.did_ftplugin_digest then
  return
end
vim.b.did_ftplugin_digest = true
local undo = { 'unlet! b:did_ftplugin_digest' }

-- 'wrap', 'linebreak', 'breakindent': one paragraph per line is the rule in
-- digests. `vim.g.digest_prose_options` false sets none, a list of names sets
-- those. Left alone, too: all of them when a user's own ftplugin/digest.*
-- (earlier on 'runtimepath') set b:did_ftplugin, and one whose value in the
-- window already differs from the global value (a FileType autocmd set it).
-- after/ftplugin/digest.* runs after this file: what it sets stays.
local users_own = vim.b.did_ftplugin ~= nil
if not users_own then
  vim.b.did_ftplugin = 1
  table.insert(undo, 'unlet! b:did_ftplugin')
end
local prose = vim.g.digest_prose_options
if prose == nil or prose == true or prose == 1 then
  prose = { 'wrap', 'linebreak', 'breakindent' }
end
if type(prose) == 'table' and not users_own then
  local set = {}
  for _, name in ipairs(prose) do
    -- vim.wo[name] is the window's value, vim.go[name] the global one.
    if (name == 'wrap' or name == 'linebreak' or name == 'breakindent') and vim.wo[name] == vim.go[name] then
      vim.cmd('setlocal ' .. name)
      table.insert(set, name .. '<')
    end
  end
  if #set > 0 then
    table.insert(undo, 'setlocal ' .. table.concat(set, ' '))
  end
end

vim.b.undo_ftplugin = (vim.b.undo_ftplugin and (vim.b.undo_ftplugin .. ' | ') or '') .. table.concat(undo, ' | ')

if vim.g.digest_autostart ~= false then
  require('digest').attach(vim.api.nvim_get_current_buf())
end
