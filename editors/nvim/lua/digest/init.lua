-- digest.nvim: the Neovim client for digest-lsp (Neovim 0.7 to 0.11+).
--
-- Nothing needs to be called: ftplugin/digest.lua calls `attach()` for every
-- digest buffer. `setup()` is optional and only overrides the server config:
--
--   require('digest').setup({
--     cmd = { '/path/to/digest-lsp' },
--     settings = {},
--   })
--
-- The config is lsp/digest.lua, then (0.11+) whatever `vim.lsp.config('digest', ...)`
-- added, then the table given to setup().
local M = {}

local uv = vim.uv or vim.loop
local islist = vim.islist or vim.tbl_islist
local NAME = 'digest'

---@type table Options given to setup(), applied over everything else.
local overrides = {}

-- This file is <plugin>/lua/digest/init.lua.
local plugin_root = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')

-- The server config is written once, in lsp/digest.lua (also what 0.11's
-- `vim.lsp.config('digest')` reads).
local function base_config()
  return dofile(plugin_root .. '/lsp/digest.lua')
end

-- Lists (cmd, root_markers, filetypes) are replaced whole; tables such as
-- `settings` are merged.
local function merge(into, from)
  for k, v in pairs(from or {}) do
    if type(v) == 'table' and type(into[k]) == 'table' and not islist(v) then
      into[k] = vim.tbl_deep_extend('force', into[k], v)
    else
      into[k] = v
    end
  end
  return into
end

--- The effective client config for digest-lsp.
function M.config()
  local cfg = vim.deepcopy(base_config())
  if vim.lsp.config ~= nil then
    local ok, native = pcall(function()
      return vim.lsp.config[NAME]
    end)
    if ok and type(native) == 'table' then
      merge(cfg, vim.deepcopy(native))
    end
  end
  merge(cfg, vim.deepcopy(overrides))
  cfg.name = NAME
  return cfg
end

--- Whether the user has started digest-lsp through 0.11's `vim.lsp.enable('digest')`.
--- (Before `vim.lsp.is_enabled` existed, both paths may start it: `vim.lsp.start`
--- reuses the one client for the same name and root either way.)
local function natively_enabled()
  if vim.lsp.is_enabled then
    local ok, on = pcall(vim.lsp.is_enabled, NAME)
    return ok and on
  end
  return false
end

--- The nearest folder, from the buffer's file up, that holds one of `markers`;
--- else the file's own folder.
function M.find_root(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  local cur = dir
  while true do
    for _, marker in ipairs(markers or {}) do
      if uv.fs_stat(cur .. '/' .. marker) then
        return cur
      end
    end
    local parent = vim.fn.fnamemodify(cur, ':h')
    if parent == cur then
      return dir
    end
    cur = parent
  end
end

local function get_clients()
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  local out = {}
  for _, client in ipairs(all) do
    if client.name == NAME then
      table.insert(out, client)
    end
  end
  return out
end
M.clients = get_clients

-- Defined below (on_attach calls it).
local attach_bibliographies

local warned = false
local function warn_once(msg)
  if not warned then
    warned = true
    vim.notify(msg, vim.log.levels.WARN)
  end
end

--- The running digest-lsp client attached to `bufnr`, if any.
local function buf_client(bufnr)
  for _, client in ipairs(get_clients()) do
    if vim.lsp.buf_is_attached(bufnr, client.id) then
      return client
    end
  end
end

--- `client.request_sync`, called as each version wants it (a method from 0.11 on).
local function request_sync(client, method, params, timeout_ms, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request_sync(method, params, timeout_ms, bufnr)
  end
  return client.request_sync(method, params, timeout_ms, bufnr)
end

--- Sends `method` to the digest-lsp client of `bufnr` and waits for its answer.
--- Returns the result and the client, or nil and why not.
local function ask(bufnr, method, params, timeout_ms)
  local client = buf_client(bufnr)
  if not client then
    return nil, 'digest-lsp is not attached to this buffer'
  end
  local response, err = request_sync(client, method, params, timeout_ms or 3000, bufnr)
  if not response then
    return nil, ('%s: %s'):format(method, err or 'no answer')
  end
  if response.err then
    return nil, ('%s: %s'):format(method, response.err.message or vim.inspect(response.err))
  end
  return response.result or vim.NIL, client
end

local function resolve_buf(opts)
  local bufnr = opts.bufnr
  return (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
end

--- Formats the buffer (`textDocument/formatting`), or its lines `opts.range`
--- (`{ first, last }`, 1-based, `textDocument/rangeFormatting`), and waits for
--- it: usable in a BufWritePre autocommand, on every Neovim version.
--- `opts`: `bufnr` (default the current buffer), `range`, `timeout_ms`
--- (default 3000). Returns true, or false and why not.
function M.format(opts)
  opts = opts or {}
  local bufnr = resolve_buf(opts)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    options = { tabSize = vim.bo[bufnr].tabstop, insertSpaces = vim.bo[bufnr].expandtab },
  }
  local method = 'textDocument/formatting'
  local client = buf_client(bufnr)
  if opts.range and client then
    method = 'textDocument/rangeFormatting'
    local last = opts.range[2] - 1
    local line = vim.api.nvim_buf_get_lines(bufnr, last, last + 1, false)[1] or ''
    local encoding = client.offset_encoding or 'utf-16'
    params.range = {
      start = { line = opts.range[1] - 1, character = 0 },
      ['end'] = { line = last, character = vim.lsp.util.character_offset(bufnr, last, #line, encoding) },
    }
  end
  local result, by = ask(bufnr, method, params, opts.timeout_ms)
  if not result then
    return false, by
  end
  if result ~= vim.NIL and #result > 0 then
    vim.lsp.util.apply_text_edits(result, bufnr, by.offset_encoding or 'utf-16')
  end
  return true
end

--- The kind of the code action that applies every typography fix of a file.
M.FIX_ALL = 'source.fixAll.digest'

--- Applies the fix-all code action (`source.fixAll.digest`: every fix of the
--- typography rules that digest.toml turns on) to the buffer, and waits for it:
--- usable in a BufWritePre autocommand, on every Neovim version.
--- `opts`: `bufnr`, `timeout_ms` (default 3000). Returns true, or false and why not.
function M.fix_all(opts)
  opts = opts or {}
  local bufnr = resolve_buf(opts)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = 0 } },
    context = { diagnostics = {}, only = { M.FIX_ALL } },
  }
  local result, by = ask(bufnr, 'textDocument/codeAction', params, opts.timeout_ms)
  if not result then
    return false, by
  end
  for _, action in ipairs(result ~= vim.NIL and result or {}) do
    if action.kind == M.FIX_ALL and action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, by.offset_encoding or 'utf-16')
    end
  end
  return true
end

--- The formats of `:DigestExport` (and of the server's `digest.export`).
M.EXPORT_FORMATS = { 'markdown', 'html', 'json' }

--- Exports the buffer's digest with the server's `digest.export` command
--- (`workspace/executeCommand`): its current text (unsaved changes
--- included) as `format` ('markdown', 'html' or 'json'), written next to its
--- file (`name.md`, `name.html`, `name.json`) or to `opts.output` (a path,
--- relative to the digest's folder). `opts`: `bufnr`, `output`,
--- `timeout_ms` (default 10000). Returns the file written, or nil and why not.
function M.export(format, opts)
  opts = opts or {}
  if not vim.tbl_contains(M.EXPORT_FORMATS, format) then
    return nil, ('unknown export format %s (markdown, html or json)'):format(vim.inspect(format))
  end
  local bufnr = resolve_buf(opts)
  local arguments = { vim.uri_from_bufnr(bufnr), format }
  if opts.output then
    table.insert(arguments, opts.output)
  end
  local params = { command = 'digest.export', arguments = arguments }
  local result, why = ask(bufnr, 'workspace/executeCommand', params, opts.timeout_ms or 10000)
  if not result then
    return nil, why
  end
  if type(result) ~= 'string' then
    return nil, 'digest.export answered no file: ' .. vim.inspect(result)
  end
  return vim.uri_to_fname(result)
end

--- `client.notify`, called as each version wants it (a method from 0.11 on).
local function notify_server(client, method, params)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

--- Opens `url` in the browser: `vim.ui.open` (0.10+), else xdg-open, open
--- or start. Returns true, or false and why not.
function M.open_url(url)
  if vim.ui and vim.ui.open then
    local _, err = vim.ui.open(url)
    return err == nil, err
  end
  local cmd = { 'xdg-open', url }
  if vim.fn.has('mac') == 1 then
    cmd = { 'open', url }
  elseif vim.fn.has('win32') == 1 then
    cmd = { 'cmd', '/c', 'start', '', url }
  end
  local ok, job = pcall(vim.fn.jobstart, cmd, { detach = true })
  if not ok or job <= 0 then
    return false, 'cannot run ' .. cmd[1]
  end
  return true
end

--- The buffers whose cursor line is sent to the server for their preview.
local following = {}

--- Sends the buffer's cursor line to the server (`digest/cursor`) when it
--- changes, for the browser preview to follow; from now until the buffer
--- is wiped out.
local function follow_cursor(bufnr)
  local last = -1
  local function send()
    local line = vim.api.nvim_win_get_cursor(0)[1] - 1
    local client = buf_client(bufnr)
    if line == last or not client then
      return
    end
    last = line
    notify_server(client, 'digest/cursor', {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      position = { line = line, character = 0 },
    })
  end
  if not following[bufnr] then
    following[bufnr] = true
    local group = vim.api.nvim_create_augroup('digest_preview_' .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI' }, { group = group, buffer = bufnr, callback = send })
    vim.api.nvim_create_autocmd('BufWipeout', {
      group = group,
      buffer = bufnr,
      callback = function()
        following[bufnr] = nil
      end,
    })
  end
  if vim.api.nvim_get_current_buf() == bufnr then
    send()
  end
end

--- A file of this user's that sends the browser on to `url` (the preview's
--- address holds its secret token: given to the browser on its command
--- line, other users could read it with `ps`; Jupyter does the same). In
--- Neovim's own temporary folder, readable by this user only; nil when it
--- cannot be written.
function M.redirect_file(url)
  local path = vim.fn.tempname() .. '-digest-preview.html'
  local escaped = url:gsub('&', '&amp;'):gsub('"', '&quot;'):gsub('<', '&lt;')
  local page = {
    '<!DOCTYPE html>',
    '<meta charset="utf-8">',
    ('<meta http-equiv="refresh" content="0;url=%s">'):format(escaped),
    '<title>digest preview</title>',
  }
  if vim.fn.writefile(page, path) ~= 0 then
    return nil
  end
  return path
end

--- Opens a live preview of the buffer's digest in the browser: the server's
--- `digest.preview` command answers the address of a page on 127.0.0.1
--- that shows the buffer's text as one types, scrolls with the cursor, and
--- moves the cursor to a paper clicked (`window/showDocument`, 0.8+). The
--- browser is given a file that redirects to the address (`M.redirect_file`).
--- `opts`: `bufnr`, `open` (a function of what to open; default
--- `M.open_url`), `timeout_ms` (default 10000). Returns the address, or nil
--- and why not; when no browser opens, the address and why.
function M.preview(opts)
  opts = opts or {}
  local bufnr = resolve_buf(opts)
  local params = { command = 'digest.preview', arguments = { vim.uri_from_bufnr(bufnr) } }
  local url, why = ask(bufnr, 'workspace/executeCommand', params, opts.timeout_ms or 10000)
  if not url then
    return nil, why
  end
  if type(url) ~= 'string' then
    return nil, 'digest.preview answered no address: ' .. vim.inspect(url)
  end
  follow_cursor(bufnr)
  local opened, err = (opts.open or M.open_url)(M.redirect_file(url) or url)
  if opened == false then
    return url, ('no browser opened (%s): open %s'):format(err or 'unknown error', url)
  end
  return url
end

--- The completion of `:DigestExport`: the formats starting with `lead`.
function M._complete_export(lead)
  return vim.tbl_filter(function(name)
    return name:sub(1, #lead) == lead
  end, M.EXPORT_FORMATS)
end

local function create_commands(bufnr)
  local cmd = vim.api.nvim_buf_create_user_command
  cmd(bufnr, 'DigestRestart', function()
    M.restart()
  end, { desc = 'Restart digest-lsp' })
  cmd(bufnr, 'DigestHover', function()
    vim.lsp.buf.hover()
  end, { nargs = '*', desc = 'Hover of digest-lsp (K on Neovim < 0.10)' })
  cmd(bufnr, 'DigestLog', function()
    vim.cmd('tabnew ' .. vim.fn.fnameescape(vim.lsp.get_log_path()))
  end, { desc = 'Open the LSP log' })
  cmd(bufnr, 'DigestFormat', function(args)
    local range = args.range > 0 and { args.line1, args.line2 } or nil
    local ok, why = M.format({ range = range })
    if not ok then
      vim.notify('digest: ' .. why, vim.log.levels.WARN)
    end
  end, { range = true, desc = 'Format the digest (or the lines of the range) with digest-lsp' })
  cmd(bufnr, 'DigestFixAll', function()
    local ok, why = M.fix_all()
    if not ok then
      vim.notify('digest: ' .. why, vim.log.levels.WARN)
    end
  end, { desc = 'Apply every typography fix of the digest (source.fixAll.digest)' })
  cmd(bufnr, 'DigestExport', function(args)
    local file, why = M.export(args.args)
    if file then
      vim.notify('digest: exported to ' .. vim.fn.fnamemodify(file, ':~:.'), vim.log.levels.INFO)
    else
      vim.notify('digest: ' .. why, vim.log.levels.WARN)
    end
  end, {
    nargs = 1,
    complete = M._complete_export,
    desc = 'Export the digest next to its file: :DigestExport markdown|html|json',
  })
  cmd(bufnr, 'DigestPreview', function()
    local url, why = M.preview()
    if url and not why then
      vim.notify('digest: preview at ' .. url, vim.log.levels.INFO)
    else
      vim.notify('digest: ' .. why, vim.log.levels.WARN)
    end
  end, { desc = 'Open a live preview of the digest in the browser' })
end

--- The reference lens's command (client-neutral: the heading's URI and
--- position, then the references' locations): the locations in the quickfix
--- list, opened.
local function show_references(command, ctx)
  local args = command.arguments or {}
  local locations = args[3] or {}
  local client = vim.lsp.get_client_by_id(ctx and ctx.client_id or -1)
  local encoding = client and client.offset_encoding or 'utf-16'
  local items = vim.lsp.util.locations_to_items(locations, encoding)
  vim.fn.setqflist({}, ' ', { title = command.title, items = items })
  vim.cmd('copen')
end
M._show_references = show_references
if vim.lsp.commands then
  vim.lsp.commands['digest.showReferences'] = show_references
end

--- Shows the reference lenses of `bufnr` and keeps them current (the server
--- also asks for a refresh when another file changes their counts).
local function show_lenses(client, bufnr)
  if not (vim.lsp.codelens and client.server_capabilities and client.server_capabilities.codeLensProvider) then
    return
  end
  local refresh = function()
    if vim.fn.has('nvim-0.10') == 1 then
      vim.lsp.codelens.refresh({ bufnr = bufnr })
    elseif vim.api.nvim_get_current_buf() == bufnr then
      vim.lsp.codelens.refresh()
    end
  end
  vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave' }, {
    group = vim.api.nvim_create_augroup('digest_lenses_' .. bufnr, { clear = true }),
    buffer = bufnr,
    callback = refresh,
  })
  refresh()
end

--- Buffer-local setup when the client attaches: commands, lenses, and on old
--- Neovim versions the defaults that newer ones set themselves (K, CTRL-]).
local function on_attach(client, bufnr)
  if vim.bo[bufnr].filetype == 'bib' then
    return -- a bibliography file: synced only (see attach_bibliography)
  end
  vim.schedule(attach_bibliographies)
  create_commands(bufnr)
  show_lenses(client, bufnr)
  if vim.fn.has('nvim-0.10') == 0 then
    vim.bo[bufnr].keywordprg = ':DigestHover'
  end
  if vim.fn.has('nvim-0.8') == 0 and vim.bo[bufnr].tagfunc == '' then
    vim.bo[bufnr].tagfunc = 'v:lua.vim.lsp.tagfunc'
  end
end
M._on_attach = on_attach

--- Attaches the bibliography file of `bufnr` (a `*.bib`, filetype `bib`) to
--- every running digest-lsp whose root holds it, so that its unsaved edits
--- reach the digests' hovers and diagnostics (and its broken entries are
--- shown). digest-lsp is never started for a `.bib` alone: one opened before
--- any digest is attached when the first digest starts the client.
function M.attach_bibliography(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return
  end
  local path = vim.fn.fnamemodify(name, ':p')
  for _, client in ipairs(get_clients()) do
    local root = client.config and client.config.root_dir
    if type(root) == 'string' and path:sub(1, #root + 1) == root .. '/' and not vim.lsp.buf_is_attached(bufnr, client.id) then
      vim.lsp.buf_attach_client(bufnr, client.id)
    end
  end
end

--- Attaches every loaded `.bib` buffer to the running digest-lsp clients.
attach_bibliographies = function()
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.bo[b].filetype == 'bib' then
      M.attach_bibliography(b)
    end
  end
end

--- Starts digest-lsp for `bufnr`, or attaches the running client with the same root.
--- Returns the client id, or nil when the server cannot be started.
function M.attach(bufnr, opts)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  opts = opts or {}
  if natively_enabled() and not opts.force then
    return nil -- vim.lsp.enable('digest') does it
  end
  local cfg = M.config()
  if type(cfg.cmd) == 'table' and vim.fn.executable(cfg.cmd[1]) ~= 1 then
    warn_once(
      ('digest: `%s` not found. Install it with `cargo install --locked --path server/lsp`, '
        .. "or set require('digest').setup({ cmd = { '/path/to/digest-lsp' } }). See :checkhealth digest"):format(
        cfg.cmd[1]
      )
    )
    return nil
  end
  if type(cfg.root_dir) ~= 'string' then
    cfg.root_dir = M.find_root(bufnr, cfg.root_markers)
  end
  local user_on_attach = cfg.on_attach
  cfg.on_attach = function(client, b)
    on_attach(client, b)
    if user_on_attach then
      user_on_attach(client, b)
    end
  end

  if vim.lsp.start then -- 0.8+
    return vim.api.nvim_buf_call(bufnr, function()
      return vim.lsp.start(cfg, { bufnr = bufnr })
    end)
  end

  -- 0.7: reuse the client of the same root, else start one.
  for _, client in ipairs(get_clients()) do
    if client.config.root_dir == cfg.root_dir and not client.is_stopped() then
      vim.lsp.buf_attach_client(bufnr, client.id)
      return client.id
    end
  end
  local id = vim.lsp.start_client(cfg)
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

--- Stops every digest-lsp client and waits (at most 3 s) until they are.
function M.stop()
  local clients = get_clients()
  for _, client in ipairs(clients) do
    client.stop()
  end
  vim.wait(3000, function()
    for _, client in ipairs(clients) do
      if not client.is_stopped() then
        return false
      end
    end
    return true
  end, 20)
end

--- Stops every digest-lsp client and starts it again for the digest buffers.
function M.restart()
  M.stop()
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == 'digest' then
      M.attach(bufnr, { force = true })
    end
  end
end

--- Optional. `opts` is a client config (cmd, settings, on_attach, ...) applied
--- over the defaults; digest buffers already open are attached again.
function M.setup(opts)
  overrides = opts or {}
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == 'digest' then
      M.attach(bufnr)
    end
  end
end

-- With vim.lsp.enable('digest') (0.11+) the client does not come through
-- attach(): give its buffers the same commands.
if vim.fn.has('nvim-0.8') == 1 then
  vim.api.nvim_create_autocmd('LspAttach', {
    group = vim.api.nvim_create_augroup('digest_lsp_attach', { clear = true }),
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data and args.data.client_id or -1)
      if client and client.name == NAME and vim.bo[args.buf].filetype ~= 'bib' then
        create_commands(args.buf)
        show_lenses(client, args.buf)
        -- The bibliography files already open join the client.
        vim.schedule(attach_bibliographies)
      end
    end,
  })
end

return M
