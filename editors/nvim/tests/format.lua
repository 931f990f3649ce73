-- End-to-end test of formatting and the fix-all action in Neovim, against the
-- real digest-lsp: what `:help digest-format` shows.
--
--   nvim --headless --clean -u editors/nvim/tests/init.lua -c 'luafile editors/nvim/tests/format.lua'
--
-- Environment (editors/test.sh sets it):
--   DIGEST_FORMAT           a scratch copy of editors/fixtures/format (the test writes into it)
--   DIGEST_FORMAT_EXPECTED  editors/fixtures/format-expected: what its digests become
--   digest-lsp on PATH
-- Prints one `PASS suite: name` or `FAIL suite: name: why` line per check on
-- stdout and exits non-zero when a check failed.

local fixtures = assert(os.getenv('DIGEST_FORMAT'), 'DIGEST_FORMAT is not set')
local expected_dir = assert(os.getenv('DIGEST_FORMAT_EXPECTED'), 'DIGEST_FORMAT_EXPECTED is not set')
local h = require('harness')
h.start('format')
local check = h.check
local TIMEOUT = h.TIMEOUT


--- The file's bytes (an error when it cannot be read).
local function read(path)
  local text = assert(h.read(path), path)
  return text
end

local function copy(from, to)
  local f = assert(io.open(to, 'wb'))
  f:write(read(from))
  f:close()
end

--- The buffer as it would be written (LF, 'eol').
local function buffer_text(bufnr)
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  return (vim.bo[bufnr].eol or vim.bo[bufnr].fixeol) and text .. '\n' or text
end

--- Shows where two texts differ (first differing line).
local function diff(got, want)
  local g = vim.split(got, '\n', { plain = true })
  local w = vim.split(want, '\n', { plain = true })
  for i = 1, math.max(#g, #w) do
    if g[i] ~= w[i] then
      return ('line %d is %s, want %s'):format(i, vim.inspect(g[i]), vim.inspect(w[i]))
    end
  end
  return 'equal'
end

--- Opens `relative` (in the scratch copy) and waits for the client.
local function open(relative)
  return h.open(fixtures .. '/' .. relative)
end

local function has_code(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then
      return true
    end
  end
  return false
end

h.run(function()
  local messy = read(expected_dir .. '/messy.digest')
  local notes = read(expected_dir .. '/typography/notes.digest')
  local saved = read(expected_dir .. '/no-format/on-save.digest')
  for _, name in ipairs({ 'command.digest', 'range.digest', 'gq.digest', 'on-save.digest' }) do
    copy(fixtures .. '/messy.digest', fixtures .. '/' .. name)
  end

  -- The server says what it can do.
  local bufnr, client = open('messy.digest')
  if not check('client attaches', client ~= nil) then
    return
  end
  local caps = client.server_capabilities
  check('the server formats documents and ranges', caps.documentFormattingProvider and caps.documentRangeFormattingProvider)
  local kinds = type(caps.codeActionProvider) == 'table' and caps.codeActionProvider.codeActionKinds or {}
  check(
    'the server announces the code action kind source.fixAll.digest',
    vim.tbl_contains(kinds, 'source.fixAll.digest'),
    vim.inspect(kinds)
  )

  -- vim.lsp.buf.format() (0.8+), vim.lsp.buf.formatting_sync() (0.7).
  local how
  if vim.lsp.buf.format then
    how = 'vim.lsp.buf.format()'
    vim.lsp.buf.format({ bufnr = bufnr, timeout_ms = TIMEOUT })
  else
    how = 'vim.lsp.buf.formatting_sync()'
    vim.lsp.buf.formatting_sync(nil, TIMEOUT)
  end
  check(how .. ' formats messy.digest into its canonical layout', buffer_text(bufnr) == messy, diff(buffer_text(bufnr), messy))
  vim.cmd('silent write')
  local written = read(fixtures .. '/messy.digest')
  check('written, messy.digest holds exactly the formatted text', written == messy, diff(written, messy))

  -- :DigestFormat, whole and with a range (rangeFormatting).
  bufnr = open('command.digest')
  vim.cmd('DigestFormat')
  check(':DigestFormat formats the buffer', buffer_text(bufnr) == messy, diff(buffer_text(bufnr), messy))
  bufnr = open('range.digest')
  vim.cmd('%DigestFormat')
  check(':%DigestFormat (rangeFormatting over every line) formats the buffer', buffer_text(bufnr) == messy, diff(buffer_text(bufnr), messy))

  -- gq: Neovim sets 'formatexpr' to vim.lsp.formatexpr() when the server
  -- formats ranges (0.11; older versions leave it alone).
  bufnr = open('gq.digest')
  if vim.bo[bufnr].formatexpr == 'v:lua.vim.lsp.formatexpr()' then
    vim.cmd('normal! gggqG')
    check("gq (formatexpr) formats the lines with the server", buffer_text(bufnr) == messy, diff(buffer_text(bufnr), messy))
  elseif vim.fn.has('nvim-0.11') == 1 then
    check("'formatexpr' is vim.lsp.formatexpr()", false, vim.bo[bufnr].formatexpr)
  end

  -- The fix-all code action: typography/digest.toml turns cjk-spacing on.
  bufnr = open('typography/notes.digest')
  local warned = vim.wait(TIMEOUT, function()
    return has_code(bufnr, 'cjk-spacing')
  end, 20)
  check('typography/notes.digest has cjk-spacing warnings', warned, vim.inspect(vim.diagnostic.get(bufnr)))
  if vim.fn.has('nvim-0.8') == 1 then
    how = "vim.lsp.buf.code_action({ context = { only = { 'source.fixAll' } }, apply = true })"
    vim.lsp.buf.code_action({ context = { only = { 'source.fixAll' } }, apply = true })
  else
    -- 0.7 asks with a menu: pick the fix-all action as a user would.
    how = "vim.lsp.buf.code_action({ only = { 'source.fixAll' } }) and its menu"
    local select = vim.ui.select
    vim.ui.select = function(items, opts, on_choice)
      vim.ui.select = select
      for _, item in ipairs(items) do
        if item[2].kind == 'source.fixAll.digest' then
          return on_choice(item)
        end
      end
      on_choice(nil)
    end
    vim.lsp.buf.code_action({ only = { 'source.fixAll' } })
  end
  vim.wait(TIMEOUT, function()
    return buffer_text(bufnr) == notes
  end, 20)
  check(how .. ' applies every cjk-spacing fix, and nothing else', buffer_text(bufnr) == notes, diff(buffer_text(bufnr), notes))
  local cleared = vim.wait(TIMEOUT, function()
    return not has_code(bufnr, 'cjk-spacing')
  end, 20)
  check('after the fix-all action, no cjk-spacing warning is left', cleared, vim.inspect(vim.diagnostic.get(bufnr)))
  vim.cmd('edit!') -- back to the file's text
  vim.wait(TIMEOUT, function()
    return has_code(bufnr, 'cjk-spacing')
  end, 20)
  vim.cmd('DigestFixAll')
  check(':DigestFixAll applies every cjk-spacing fix', buffer_text(bufnr) == notes, diff(buffer_text(bufnr), notes))

  -- On write, as :help digest-format shows it.
  local group = vim.api.nvim_create_augroup('digest_format_test', { clear = true })
  vim.api.nvim_create_autocmd('BufWritePre', {
    group = group,
    pattern = { '*.digest' },
    callback = function(args)
      require('digest').fix_all({ bufnr = args.buf })
      require('digest').format({ bufnr = args.buf })
    end,
  })
  bufnr = open('on-save.digest')
  vim.cmd('silent write')
  written = read(fixtures .. '/on-save.digest')
  check('a BufWritePre autocommand with format() formats on write', written == messy, diff(written, messy))
  -- [format] enabled = false and cjk-spacing on: only the spacing is fixed.
  bufnr = open('no-format/on-save.digest')
  vim.wait(TIMEOUT, function()
    return has_code(bufnr, 'cjk-spacing')
  end, 20)
  vim.cmd('silent write')
  written = read(fixtures .. '/no-format/on-save.digest')
  check(
    'with fix_all() too, a write fixes the spacing; [format] enabled = false keeps the layout',
    written == saved,
    diff(written, saved)
  )
  vim.api.nvim_del_augroup_by_id(group)

  -- :help digest-format
  local docs = vim.fn.tempname()
  vim.fn.mkdir(docs .. '/doc', 'p')
  local src = vim.api.nvim_get_runtime_file('doc/digest.txt', false)[1]
  vim.fn.writefile(vim.fn.readfile(src), docs .. '/doc/digest.txt')
  vim.cmd('helptags ' .. vim.fn.fnameescape(docs .. '/doc'))
  vim.opt.runtimepath:append(docs)
  local helped = pcall(vim.cmd, 'help digest-format')
  check(
    ':help digest-format opens the formatting section',
    helped and vim.fn.expand('%:t') == 'digest.txt' and vim.api.nvim_get_current_line():find('FORMATTING') ~= nil,
    vim.fn.expand('%:t') .. ': ' .. vim.api.nvim_get_current_line()
  )
  vim.cmd('helpclose')
end)
