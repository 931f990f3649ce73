-- End-to-end test of the Neovim plugin against the real digest-lsp.
--
--   nvim --headless --clean -u editors/nvim/tests/init.lua -c 'luafile editors/nvim/tests/e2e.lua'
--
-- Environment:
--   DIGEST_FIXTURES  a scratch copy of editors/fixtures/workspace (the test writes into it)
--   DIGEST_MODE      default  digest-lsp on PATH, no setup(): the full test
--                    setup    require('digest').setup{ cmd = { $DIGEST_LSP } }, not on PATH
--                    enable   0.11+: vim.g.digest_autostart = false + vim.lsp.enable('digest')
--                    missing  no binary anywhere: a warning, no client, health reports the error
--   DIGEST_LSP       the binary (setup mode)
-- Prints one `PASS suite: name` or `FAIL suite: name: why` line per check on
-- stdout and exits non-zero when a check failed.

local mode = os.getenv('DIGEST_MODE') or 'default'
local fixtures = assert(os.getenv('DIGEST_FIXTURES'), 'DIGEST_FIXTURES is not set')
local h = require('harness')
h.start(mode)
local check, buf_clients, lines_of, find_line = h.check, h.buf_clients, h.lines_of, h.find_line
local TIMEOUT = h.TIMEOUT


local function run_health()
  vim.cmd('checkhealth digest')
  local text = table.concat(lines_of(vim.api.nvim_get_current_buf()), '\n')
  vim.cmd('tabclose')
  return text
end

local function floating_windows()
  local wins = {}
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      table.insert(wins, w)
    end
  end
  return wins
end

h.run(function()
  if mode == 'enable' then
    vim.g.digest_autostart = false
    vim.lsp.enable('digest')
  elseif mode == 'setup' then
    local server = assert(os.getenv('DIGEST_LSP'), 'DIGEST_LSP is not set')
    require('digest').setup({ cmd = { server } })
  end

  local notes = {}
  local notify = vim.notify
  vim.notify = function(msg, level, opts)
    table.insert(notes, { msg = msg, level = level })
    return notify(msg, level, opts)
  end

  local bufnr = h.edit(fixtures .. '/vision-kd.digest')
  check('filetype is detected', vim.bo.filetype == 'digest', 'filetype=' .. vim.bo.filetype)

  if mode == 'missing' then
    check('no client starts without a binary', #buf_clients(bufnr) == 0)
    local warned = false
    for _, n in ipairs(notes) do
      warned = warned or (n.msg:find('digest%-lsp') and n.msg:find('not found') and n.level == vim.log.levels.WARN)
    end
    check('a warning says the binary is missing', warned, vim.inspect(notes))
    local health = run_health()
    check('checkhealth reports the missing binary', health:find('ERROR') and health:find('not executable'), health)
    return
  end

  -- Syntax highlighting.
  vim.cmd('syntax on')
  check('syntax is loaded', vim.b.current_syntax == 'digest', tostring(vim.b.current_syntax))
  local function group_at(lnum0, byte_col0)
    return vim.fn.synIDattr(vim.fn.synID(lnum0 + 1, byte_col0 + 1, 1), 'name')
  end
  local h1 = find_line(bufnr, '^Paper1 ')
  check('heading keyword is highlighted', group_at(h1, 0) == 'digestHeadingKeyword', group_at(h1, 0))
  local ref_line = find_line(bufnr, '与Paper1类似')
  local ref_col = select(1, lines_of(bufnr)[ref_line + 1]:find('Paper1类似', 1, true)) - 1
  check('reference is highlighted', group_at(ref_line, ref_col) == 'digestReference', group_at(ref_line, ref_col))
  check('label is highlighted', group_at(ref_line, 0) == 'digestLabel', group_at(ref_line, 0))

  -- The client.
  local client = h.attach(bufnr)
  if not check('client attaches', client ~= nil) then
    return
  end
  if mode ~= 'enable' then
    check(
      'root is the folder with digest.toml',
      client.config.root_dir == vim.fn.fnamemodify(fixtures, ':p'):gsub('/$', ''),
      tostring(client.config.root_dir)
    )
  end

  -- Document symbols: one per paper, sections as children.
  local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/documentSymbol', params, TIMEOUT) or {}
  local symbols
  for _, r in pairs(responses) do
    symbols = symbols or r.result
  end
  symbols = symbols or {}
  check('document symbols count the papers', #symbols == 4, vim.inspect(symbols):sub(1, 400))
  check(
    'paper symbols are named by their headings',
    symbols[1] and symbols[1].name == 'Paper1 Sparse Teacher Ensembles for Tiny Detectors'
      and symbols[3] and symbols[3].name == 'Paper3 轻量级视觉语言模型的跨模态蒸馏',
    symbols[1] and symbols[1].name
  )
  local children = {}
  for _, child in ipairs(symbols[1] and symbols[1].children or {}) do
    table.insert(children, child.name)
  end
  check('sections are children', table.concat(children, ',') == '摘要原文,中文总结', table.concat(children, ','))

  -- Diagnostics, pushed by the server.
  vim.wait(TIMEOUT, function()
    return #vim.diagnostic.get(bufnr) >= 2
  end, 20)
  local diagnostics = vim.diagnostic.get(bufnr)
  local codes = {}
  local sources = {}
  for _, d in ipairs(diagnostics) do
    codes[#codes + 1] = ('%s@%d'):format(tostring(d.code), d.lnum)
    sources[tostring(d.source)] = true
  end
  check('diagnostics have source digest', vim.tbl_count(sources) == 1 and sources.digest, vim.inspect(sources))
  table.sort(codes)
  local want = {
    ('missing-section@%d'):format(find_line(bufnr, '^Paper4 ')),
    ('unresolved-reference@%d'):format(find_line(bufnr, 'Paper9')),
  }
  check('diagnostics arrive with their codes', table.concat(codes, ' ') == table.concat(want, ' '), table.concat(codes, ' '))

  if mode ~= 'default' then
    return
  end

  -- Go to definition on the reference `Paper1` in Paper3's summary.
  vim.api.nvim_win_set_cursor(0, { ref_line + 1, ref_col + 2 })
  vim.lsp.buf.definition()
  local moved = vim.wait(TIMEOUT, function()
    return vim.api.nvim_win_get_cursor(0)[1] == h1 + 1
  end, 20)
  local cursor = vim.api.nvim_win_get_cursor(0)
  check('definition moves the cursor to the heading', moved and cursor[2] == 0, vim.inspect(cursor))

  -- Go to definition on [[related#Paper1]]: another file.
  local wiki_line = find_line(bufnr, '%[%[related#Paper1%]%]')
  local wiki_col = select(1, lines_of(bufnr)[wiki_line + 1]:find('related#Paper1', 1, true)) - 1
  vim.api.nvim_win_set_cursor(0, { wiki_line + 1, wiki_col + 10 })
  vim.lsp.buf.definition()
  local jumped = vim.wait(TIMEOUT, function()
    return vim.fn.expand('%:t') == 'related.digest'
  end, 20)
  local related_cursor = vim.api.nvim_win_get_cursor(0)
  check(
    'definition on [[related#Paper1]] opens related.digest at its heading',
    jumped and related_cursor[1] == 3 and vim.api.nvim_get_current_line():find('^Paper1 ') ~= nil,
    vim.fn.expand('%:t') .. ' ' .. vim.inspect(related_cursor)
  )
  vim.cmd('buffer ' .. bufnr)

  -- Hover with K (keywordprg = :DigestHover before 0.10, the default K after).
  vim.api.nvim_win_set_cursor(0, { ref_line + 1, ref_col + 2 })
  vim.cmd('normal K')
  local float
  vim.wait(TIMEOUT, function()
    float = floating_windows()[1]
    return float ~= nil
  end, 20)
  local hover = float and table.concat(lines_of(vim.api.nvim_win_get_buf(float)), '\n') or ''
  check('K shows a hover window', float ~= nil)
  check('hover has the paper title', hover:find('Sparse Teacher Ensembles for Tiny Detectors', 1, true) ~= nil, hover)
  check('hover has the summary', hover:find('本文研究小型检测器如何同时向多个稀疏教师学习', 1, true) ~= nil, hover)
  if float then
    vim.api.nvim_win_close(float, true)
  end

  -- Another digest under the same root reuses the client.
  vim.fn.mkdir(fixtures .. '/sub', 'p')
  local other = fixtures .. '/sub/second.digest'
  local second = h.edit(other, { 'Second', '', 'Paper1 Other', '', 'Abstract: a', '', 'Summary: b' })
  vim.wait(TIMEOUT, function()
    return buf_clients(second)[1] ~= nil
  end, 20)
  local c2 = buf_clients(second)[1]
  check('a second digest reuses the client', c2 ~= nil and c2.id == client.id, c2 and tostring(c2.id))
  vim.fn.delete(fixtures .. '/sub', 'rf')
  vim.cmd('buffer ' .. bufnr)

  -- :checkhealth digest
  local health = run_health()
  check('checkhealth reports the binary OK', health:find('OK:? binary: ') ~= nil, health)
  check('checkhealth reports the version OK', health:find('OK:? version: digest%-lsp %d') ~= nil, health)
  check('checkhealth reports the client attached', health:find('attached to %d buffer') ~= nil, health)
  check('checkhealth has no error or warning', not health:find('ERROR') and not health:find('WARNING'), health)

  -- :help digest
  local docs = vim.fn.tempname()
  vim.fn.mkdir(docs .. '/doc', 'p')
  local src = vim.api.nvim_get_runtime_file('doc/digest.txt', false)[1]
  vim.fn.writefile(vim.fn.readfile(src), docs .. '/doc/digest.txt')
  vim.cmd('helptags ' .. vim.fn.fnameescape(docs .. '/doc'))
  vim.opt.runtimepath:append(docs)
  local helped = pcall(vim.cmd, 'help digest-setup')
  check(':help digest-setup opens the help', helped and vim.fn.expand('%:t') == 'digest.txt', vim.fn.expand('%:t'))
  vim.cmd('helpclose')

  -- :DigestRestart gives a new client.
  vim.cmd('buffer ' .. bufnr)
  local before = client.id
  vim.cmd('DigestRestart')
  vim.wait(TIMEOUT, function()
    local c = buf_clients(bufnr)[1]
    return c ~= nil and c.id ~= before and c.server_capabilities ~= nil
  end, 20)
  local after = buf_clients(bufnr)[1]
  check(':DigestRestart starts a new client', after ~= nil and after.id ~= before and client.is_stopped())
end)
