-- End-to-end test of the workspace features in Neovim 0.11+ (issue 14): the
-- reference lenses and the quick fix that creates a missing digest; and a
-- bibliography file edited in the editor (issue 15).
--
--   nvim --headless --clean -u editors/nvim/tests/init.lua -c 'luafile editors/nvim/tests/workspace.lua'
--
-- Environment: DIGEST_FIXTURES, a scratch copy of editors/fixtures/workspace
-- (the test writes into it), with digest-lsp on PATH.
-- Prints one `PASS suite: name` or `FAIL suite: name: why` line per check on
-- stdout and exits non-zero when a check failed.

local fixtures = assert(os.getenv('DIGEST_FIXTURES'), 'DIGEST_FIXTURES is not set')
local h = require('harness')
h.start('workspace')
local check, find_line = h.check, h.find_line
local TIMEOUT = h.TIMEOUT


--- The titles of the resolved lenses of `bufnr`, as `line:title`, sorted by line.
local function lens_titles(bufnr)
  local lenses = vim.lsp.codelens.get(bufnr)
  table.sort(lenses, function(a, b)
    return a.range.start.line < b.range.start.line
  end)
  local titles = {}
  for _, lens in ipairs(lenses) do
    if lens.command then
      titles[#titles + 1] = ('%d:%s'):format(lens.range.start.line, lens.command.title)
    end
  end
  return titles
end

h.run(function()
  local bufnr, client = h.open(fixtures .. '/vision-kd.digest')
  if not check('client attaches', client ~= nil) then
    return
  end

  -- The lenses: the plugin refreshes them on attach. Paper1 is referenced once
  -- (与Paper1类似), Paper2 once ([[Paper2]]), Paper3 and Paper4 never.
  local want = {
    ('%d:1 reference'):format(find_line(bufnr, '^Paper1 ')),
    ('%d:1 reference'):format(find_line(bufnr, '^Paper2 ')),
    ('%d:0 references'):format(find_line(bufnr, '^Paper3 ')),
    ('%d:0 references'):format(find_line(bufnr, '^Paper4 ')),
  }
  vim.wait(TIMEOUT, function()
    return #lens_titles(bufnr) == #want
  end, 20)
  local got = lens_titles(bufnr)
  check(
    'a lens on each heading: ' .. table.concat(want, ', '),
    table.concat(got, ', ') == table.concat(want, ', '),
    table.concat(got, ', ')
  )

  -- Running Paper1's lens fills the quickfix list with its one reference.
  local ref_line = find_line(bufnr, '与Paper1类似')
  vim.api.nvim_win_set_cursor(0, { find_line(bufnr, '^Paper1 ') + 1, 0 })
  vim.lsp.codelens.run()
  vim.wait(TIMEOUT, function()
    return #vim.fn.getqflist() > 0
  end, 20)
  local qf = vim.fn.getqflist()
  check(
    'running the lens of Paper1 lists its reference in the quickfix list',
    #qf == 1 and qf[1].bufnr == bufnr and qf[1].lnum == ref_line + 1,
    vim.inspect(qf)
  )
  vim.cmd('cclose')

  -- The create fix: a digest refers to a paper of x.digest, which does not exist.
  local asks_buf = h.edit(fixtures .. '/asks.digest', {
    '缺失文件的测试（编辑器测试用例）',
    '',
    'Paper1 Pointing At A Digest Not Written Yet',
    '',
    'Abstract: The summary below names a digest that is not there yet.',
    '',
    'Summary: 后续工作见[[x#Paper2]]。',
  })
  local target = fixtures .. '/x.digest'
  check('x.digest does not exist before the fix', vim.fn.filereadable(target) == 0)
  local unresolved = vim.wait(TIMEOUT, function()
    for _, d in ipairs(vim.diagnostic.get(asks_buf)) do
      if d.code == 'unresolved-reference' then
        return true
      end
    end
    return false
  end, 20)
  check('[[x#Paper2]] is reported unresolved', unresolved, vim.inspect(vim.diagnostic.get(asks_buf)))
  local line = find_line(asks_buf, 'x#Paper2')
  local col = select(1, vim.api.nvim_buf_get_lines(asks_buf, line, line + 1, false)[1]:find('x#Paper2', 1, true))
  vim.api.nvim_win_set_cursor(0, { line + 1, col })
  local title = 'Create `x.digest` with Paper2'
  local offered = {}
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      offered[#offered + 1] = action.title
      return action.title == title
    end,
  })
  -- Neovim applies the CreateFile to a buffer (the file is written by :write).
  local want_lines = { 'Paper2', '', 'Abstract:', '', 'Summary:', '' }
  local lines_of_target = function()
    local b = vim.fn.bufnr(target)
    return b > 0 and vim.api.nvim_buf_is_loaded(b) and vim.api.nvim_buf_get_lines(b, 0, -1, false) or {}
  end
  local created = vim.wait(TIMEOUT, function()
    return vim.deep_equal(lines_of_target(), want_lines)
  end, 20)
  check(
    ('the code action "%s" opens x.digest with Paper2 and empty sections'):format(title),
    created,
    ('offered: %s; lines %s'):format(table.concat(offered, ' | '), vim.inspect(lines_of_target()))
  )
  vim.api.nvim_buf_call(vim.fn.bufnr(target), function()
    vim.cmd('silent write')
  end)
  local text = h.read(target)
  check('written, x.digest holds them', text == 'Paper2\n\nAbstract:\n\nSummary:\n\n', vim.inspect(text))
  check('asks.digest is left as it was', not vim.bo[asks_buf].modified, 'modified')

  -- The bibliography (issue 15): a .bib beside the digests, opened, joins the
  -- running digest-lsp; its broken entry is shown, and goes once mended in
  -- the buffer, unsaved.
  local bib_buf = h.edit(fixtures .. '/refs.bib', {
    '@article{hinton2015,',
    '  title = {Distilling the Knowledge in a Neural Network},',
    '  year = {2015},',
    '}',
    '',
    '@article{broken,',
    '  title = {Unclosed',
  })
  local joined = vim.wait(TIMEOUT, function()
    return h.buf_clients(bib_buf)[1] ~= nil
  end, 20)
  check('the .bib (filetype ' .. vim.bo[bib_buf].filetype .. ') joins the running digest-lsp', joined)
  local function bib_errors()
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(bib_buf)) do
      found[#found + 1] = ('%s@%d:%d %s'):format(d.code, d.lnum, d.col, d.message)
    end
    return table.concat(found, ', ')
  end
  local want_error = 'bibliography@6:19 entry `broken`: unexpected end of file'
  vim.wait(TIMEOUT, function()
    return bib_errors() == want_error
  end, 20)
  check('its broken entry: ' .. want_error, bib_errors() == want_error, bib_errors())
  vim.api.nvim_buf_set_lines(bib_buf, 6, 7, false, { '  title = {Closed},', '}' })
  vim.wait(TIMEOUT, function()
    return bib_errors() == ''
  end, 20)
  check('mended in the buffer, unsaved: no error', bib_errors() == '', bib_errors())
  check('the .bib is left unsaved', vim.bo[bib_buf].modified, 'not modified')
end)
