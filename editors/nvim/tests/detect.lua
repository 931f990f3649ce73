-- End-to-end test of the plain-text detection and the prose options.
--
--   nvim --headless --clean -u editors/nvim/tests/init.lua -c 'luafile editors/nvim/tests/detect.lua'
--
-- Environment:
--   DIGEST_MODE      txt  the defaults: a digest saved as .txt opens as `digest`, the
--                         server attaches; an ordinary .txt stays `text`; the prose
--                         options, and their undo
--                    own  the user's own values: a FileType autocmd (tests/init.lua)
--                         and an after/ftplugin/digest.lua win over the plugin's
--                    off  vim.g.digest_detect_txt = false, vim.g.digest_prose_options = false
--                    unit lua/digest/detect.lua on editors/fixtures/detect-cases.json
--                         (the cases the VS Code extension's test reads too)
--   DIGEST_TXT       a digest saved as .txt (a copy of the shared sample)
--   DIGEST_TXT_PAPERS  how many papers it has
--   DIGEST_PLAIN     an ordinary .txt
--   DIGEST_FIXTURES  a scratch copy of editors/fixtures/workspace
-- Prints one `PASS suite: name` or `FAIL suite: name: why` line per check on
-- stdout and exits non-zero when a check failed.

local mode = assert(os.getenv('DIGEST_MODE'), 'DIGEST_MODE is not set')
local txt = os.getenv('DIGEST_TXT')
local papers = tonumber(os.getenv('DIGEST_TXT_PAPERS') or '')
local plain = os.getenv('DIGEST_PLAIN')
local fixtures = os.getenv('DIGEST_FIXTURES')
local editors = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')
local h = require('harness')
h.start(mode)
local check, buf_clients, edit = h.check, h.buf_clients, h.edit
local TIMEOUT = h.TIMEOUT


--- The three prose options in the current window, as `wrap=… linebreak=… breakindent=…`.
local function prose()
  return ('wrap=%s linebreak=%s breakindent=%s'):format(
    tostring(vim.wo.wrap),
    tostring(vim.wo.linebreak),
    tostring(vim.wo.breakindent)
  )
end
local DEFAULTS = 'wrap=true linebreak=false breakindent=false' -- Neovim's globals

-- Only the txt mode needs the server: the others test filetypes and options.
if mode ~= 'txt' then
  vim.g.digest_autostart = false
end

h.run(function()
  check("Neovim's global values are the defaults", prose() == DEFAULTS, prose())

  if mode == 'unit' then
    local detect = require('digest.detect')
    local json = vim.fn.json_decode(table.concat(vim.fn.readfile(editors .. '/fixtures/detect-cases.json'), '\n'))
    local wrong = {}
    for _, case in ipairs(json.cases) do
      if detect.looks_like_digest(case.lines) ~= case.digest then
        table.insert(wrong, ('%s (want %s)'):format(case.why, tostring(case.digest)))
      end
    end
    check(('detect-cases.json: %d cases'):format(#json.cases), #json.cases > 0 and #wrong == 0, table.concat(wrong, '; '))
    local filler = {}
    for i = 1, detect.LINES - 2 do
      filler[i] = 'line ' .. i
    end
    local at_199 = vim.list_extend(vim.deepcopy(filler), { 'Paper1 T', 'Abstract: x' })
    local at_200 = vim.list_extend(vim.deepcopy(filler), { 'line', 'Paper1 T', 'Abstract: x' })
    check(
      'only the first 200 lines count',
      detect.LINES == 200 and detect.looks_like_digest(at_199) and not detect.looks_like_digest(at_200)
    )

    -- The help: helptags in a scratch copy (doc/tags is not written into the plugin).
    local docs = vim.fn.tempname()
    vim.fn.mkdir(docs .. '/doc', 'p')
    vim.fn.writefile(vim.fn.readfile(editors .. '/nvim/doc/digest.txt'), docs .. '/doc/digest.txt')
    vim.cmd('helptags ' .. vim.fn.fnameescape(docs .. '/doc'))
    vim.opt.runtimepath:append(docs)
    for _, tag in ipairs({ 'digest-detect', 'g:digest_detect_txt', 'digest-options', 'g:digest_prose_options' }) do
      local helped = pcall(vim.cmd, 'help ' .. tag)
      check((':help %s opens the help'):format(tag), helped and vim.fn.expand('%:t') == 'digest.txt', vim.fn.expand('%:t'))
      vim.cmd('helpclose')
    end
  elseif mode == 'txt' then
    -- The digest saved as .txt.
    local bufnr = edit(txt)
    local name = vim.fn.fnamemodify(txt, ':t')
    check(name .. ' opens with filetype digest', vim.bo.filetype == 'digest', 'filetype=' .. vim.bo.filetype)
    check('the prose options are on', prose() == 'wrap=true linebreak=true breakindent=true', prose())
    check('the client attaches to ' .. name, h.attach(bufnr) ~= nil)
    local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
    local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/documentSymbol', params, TIMEOUT) or {}
    local symbols
    for _, r in pairs(responses) do
      symbols = symbols or r.result
    end
    symbols = symbols or {}
    check(
      ('documentSymbol lists its %s papers'):format(tostring(papers)),
      #symbols == papers,
      ('%d symbols: %s'):format(#symbols, vim.inspect(symbols):sub(1, 300))
    )
    local first
    for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      if line:match('^Paper') then
        first = vim.trim(line)
        break
      end
    end
    check(
      'the first symbol is its first heading',
      symbols[1] ~= nil and symbols[1].name == first,
      vim.inspect(symbols[1] and symbols[1].name) .. ' vs ' .. vim.inspect(first)
    )

    -- Leaving the filetype undoes the options.
    vim.cmd('set filetype=text')
    check('set filetype=text restores the global values', prose() == DEFAULTS, prose())
    check('and unlets b:did_ftplugin_digest', vim.b.did_ftplugin_digest == nil, tostring(vim.b.did_ftplugin_digest))

    -- An ordinary .txt.
    local plain_buf = edit(plain)
    check('an ordinary .txt stays text', vim.bo.filetype == 'text', 'filetype=' .. vim.bo.filetype)
    check('no client attaches to it', #buf_clients(plain_buf) == 0)
    check('its window options are the global ones', prose() == DEFAULTS, prose())
  elseif mode == 'own' then
    local after = vim.fn.tempname()
    vim.fn.mkdir(after .. '/after/ftplugin', 'p')
    vim.fn.writefile({ 'vim.opt_local.linebreak = false' }, after .. '/after/ftplugin/digest.lua')
    vim.opt.runtimepath:append(after .. '/after')
    -- A user's own ftplugin, earlier on the runtimepath, that claims related.digest.
    local own = vim.fn.tempname()
    vim.fn.mkdir(own .. '/ftplugin', 'p')
    vim.fn.writefile({
      "if vim.fn.expand('%:t') == 'related.digest' then",
      '  vim.b.did_ftplugin = 1',
      'end',
    }, own .. '/ftplugin/digest.lua')
    vim.opt.runtimepath:prepend(own)

    edit(fixtures .. '/vision-kd.digest')
    check('a FileType autocmd (nowrap) and after/ftplugin (nolinebreak) keep their values',
      prose() == 'wrap=false linebreak=false breakindent=true', prose())
    edit(fixtures .. '/related.digest')
    check("a user's ftplugin that sets b:did_ftplugin keeps the plugin from setting any",
      prose() == 'wrap=false linebreak=false breakindent=false' and vim.b.did_ftplugin_digest == true,
      prose() .. ' did_ftplugin_digest=' .. tostring(vim.b.did_ftplugin_digest))
  elseif mode == 'off' then
    vim.g.digest_detect_txt = false
    vim.g.digest_prose_options = false
    edit(txt)
    check('with vim.g.digest_detect_txt = false a digest .txt stays text', vim.bo.filetype == 'text',
      'filetype=' .. vim.bo.filetype)
    edit(fixtures .. '/vision-kd.digest')
    check('a .digest is still digest', vim.bo.filetype == 'digest', 'filetype=' .. vim.bo.filetype)
    check('with vim.g.digest_prose_options = false the options are untouched', prose() == DEFAULTS, prose())
    vim.g.digest_prose_options = { 'linebreak' }
    edit(fixtures .. '/related.digest')
    check("vim.g.digest_prose_options = { 'linebreak' } sets only that one",
      prose() == 'wrap=true linebreak=true breakindent=false', prose())
  else
    error('unknown DIGEST_MODE ' .. mode)
  end
end)
