-- :checkhealth digest
local M = {}

local health = vim.health or require('health') -- `health` on 0.7
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local info = health.info or health.report_info
local warn = health.warn or health.report_warn
local error = health.error or health.report_error

local function trim(s)
  return (s:gsub('^%s+', ''):gsub('%s+$', ''))
end

local function check_binary(cmd)
  if type(cmd) ~= 'table' then
    info('cmd is a function: the binary is not checked')
    return
  end
  local exe = vim.fn.exepath(cmd[1])
  if exe == '' then
    error(('`%s` is not executable or not on PATH'):format(cmd[1]), {
      'Install the server: cargo install --locked --path server/lsp (from the digest-lsp repository)',
      "Or point to it: require('digest').setup({ cmd = { '/path/to/digest-lsp' } })",
    })
    return
  end
  ok('binary: ' .. exe)
  local out = vim.fn.system({ exe, '--version' })
  if vim.v.shell_error == 0 and out:match('^digest%-lsp') then
    ok('version: ' .. trim(out))
  else
    error(('`%s --version` failed (exit %d): %s'):format(exe, vim.v.shell_error, trim(out)))
  end
end

local function buffers_of(client)
  if client.attached_buffers then
    return vim.tbl_keys(client.attached_buffers)
  end
  return vim.lsp.get_buffers_by_client_id(client.id)
end

function M.check()
  start('digest')
  local v = vim.version()
  if vim.fn.has('nvim-0.7') == 1 then
    ok(('Neovim %d.%d.%d'):format(v.major, v.minor, v.patch))
  else
    error('Neovim 0.7 or newer is needed')
  end

  if vim.fn.exists('#filetypedetect#BufRead#*.digest') == 1 then
    ok('*.digest files are detected as filetype `digest`')
  else
    warn('*.digest is not detected: is the plugin on the runtimepath, and `filetype on`?')
  end

  local detect_txt = vim.g.digest_detect_txt
  if detect_txt == false or detect_txt == 0 then
    info('plain-text files are not checked for digests (g:digest_detect_txt is off)')
  else
    ok('plain-text files that look like a digest get the filetype `digest` (:help digest-detect)')
  end

  local digest = require('digest')
  local cfg = digest.config()
  check_binary(cfg.cmd)

  local clients = digest.clients()
  if #clients == 0 then
    warn('no digest-lsp client is running', { 'Open a *.digest file; see :help digest' })
    return
  end
  for _, client in ipairs(clients) do
    local bufs = buffers_of(client)
    local names = {}
    for _, b in ipairs(bufs) do
      table.insert(names, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(b), ':t'))
    end
    if #bufs > 0 then
      ok(('client %d (root %s) attached to %d buffer(s): %s'):format(
        client.id,
        client.config.root_dir or '-',
        #bufs,
        table.concat(names, ', ')
      ))
    else
      warn(('client %d (root %s) is attached to no buffer'):format(client.id, client.config.root_dir or '-'))
    end
  end
end

return M
