-- End-to-end test of :DigestExport in Neovim, against the real digest-lsp:
-- the server's `digest.export` command through the attached client, files
-- written next to the digest, a message naming them, the completion of the
-- three formats, a refusal for an unknown one.
--
--   nvim --headless --clean -u editors/nvim/tests/init.lua -c 'luafile editors/nvim/tests/export.lua'
--
-- Environment (editors/test.sh sets it):
--   DIGEST_FIXTURES    a scratch copy of editors/fixtures/workspace (the test writes into it)
--   DIGEST_TXT         a digest saved as .txt (a copy of the shared sample), with
--   DIGEST_TXT_PAPERS  papers
--   DIGEST_EXPORT_OUT  where to copy the sample's HTML export (for the browser check)
--   digest-lsp on PATH
-- Prints one `PASS suite: name` or `FAIL suite: name: why` line per check on
-- stdout and exits non-zero when a check failed.

local fixtures = assert(os.getenv('DIGEST_FIXTURES'), 'DIGEST_FIXTURES is not set')
local txt = os.getenv('DIGEST_TXT')
local txt_papers = tonumber(os.getenv('DIGEST_TXT_PAPERS') or '')
local export_out = os.getenv('DIGEST_EXPORT_OUT')
local h = require('harness')
h.start('export')
local check, read, open = h.check, h.read, h.open
local TIMEOUT = h.TIMEOUT


--- What `digest/render` answers for the buffer now: the text the export
--- must hold.
local function rendered(client, bufnr, format)
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, format = format }
  local response
  if vim.fn.has('nvim-0.11') == 1 then
    response = client:request_sync('digest/render', params, TIMEOUT, bufnr)
  else
    response = client.request_sync('digest/render', params, TIMEOUT, bufnr)
  end
  return response and response.result and response.result.text
end

local notified, count = h.notified, h.count

--- The lines of `text` that start with `prefix`.
local function lines_starting(text, prefix)
  local n = 0
  for line in ((text or '') .. '\n'):gmatch('([^\n]*)\n') do
    if line:sub(1, #prefix) == prefix then
      n = n + 1
    end
  end
  return n
end

local ok, err = xpcall(function()
  local path = fixtures .. '/vision-kd.digest'
  local bufnr, client = open(path)
  if not check('client attaches to vision-kd.digest', client ~= nil) then
    return
  end
  local commands = (client.server_capabilities.executeCommandProvider or {}).commands or {}
  check('the server announces the command digest.export', vim.tbl_contains(commands, 'digest.export'), vim.inspect(commands))
  check(':DigestExport exists in the digest buffer', vim.fn.exists(':DigestExport') == 2)

  local completed = vim.fn.getcompletion('DigestExport ', 'cmdline')
  check(
    ':DigestExport <Tab> completes markdown, html, json',
    vim.deep_equal(completed, { 'markdown', 'html', 'json' }),
    vim.inspect(completed)
  )
  completed = vim.fn.getcompletion('DigestExport j', 'cmdline')
  check(':DigestExport j<Tab> completes json', vim.deep_equal(completed, { 'json' }), vim.inspect(completed))

  -- An unsaved edit is exported too: a fifth paper.
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, {
    '',
    'Paper5 A Paper Added In The Buffer',
    '',
    'Abstract: Typed during the test and never written to disk.',
  })
  local papers = 5
  local base = fixtures .. '/vision-kd'
  for _, format in ipairs({ 'markdown', 'html', 'json' }) do
    local file = base .. '.' .. ({ markdown = 'md', html = 'html', json = 'json' })[format]
    local messages = notified('DigestExport ' .. format)
    local want = 'digest: exported to ' .. vim.fn.fnamemodify(file, ':~:.')
    check(
      (':DigestExport %s says %q'):format(format, want),
      #messages == 1 and messages[1].msg == want and messages[1].level == vim.log.levels.INFO,
      vim.inspect(messages)
    )
    local text = read(file)
    local expected = rendered(client, bufnr, format)
    check(
      (':DigestExport %s writes %s, exactly the server\'s rendering of the buffer'):format(format, vim.fn.fnamemodify(file, ':t')),
      text ~= nil and expected ~= nil and text == expected,
      ('%s bytes written, %s rendered'):format(text and #text or 'no file', expected and #expected or 'nothing')
    )
    -- What the renderers must give (these need the real renderers).
    if format == 'markdown' then
      local headings = lines_starting(text, '## ')
      check(('%s has a ## heading per paper (%d)'):format(file:match('[^/]*$'), papers), headings == papers, headings .. ' headings')
    elseif format == 'html' then
      local elements = count(text, ' id="paper%d+"[^>]*data%-line="%d+"') + count(text, ' data%-line="%d+"[^>]*id="paper%d+"')
      check(('%s has an element per paper (%d)'):format(file:match('[^/]*$'), papers), elements == papers, elements .. ' elements')
    else
      local decoded, data = pcall(vim.json.decode, text or '')
      local n = decoded and type(data) == 'table' and type(data.papers) == 'table' and #data.papers or -1
      check(('%s parses, with %d papers'):format(file:match('[^/]*$'), papers), n == papers, decoded and (n .. ' papers') or tostring(data))
    end
  end
  check('the buffer is still modified (the export wrote other files)', vim.bo[bufnr].modified)

  -- Refused: an unknown format; no file written.
  local messages = notified('DigestExport pdf')
  local want = 'digest: unknown export format "pdf" (markdown, html or json)'
  check(
    ':DigestExport pdf warns: ' .. want,
    #messages == 1 and messages[1].msg == want and messages[1].level == vim.log.levels.WARN,
    vim.inspect(messages)
  )
  check('and writes no vision-kd.pdf', read(base .. '.pdf') == nil)
  -- From Lua, to a path of one's own.
  local file, why = require('digest').export('html', { output = 'site.html' })
  check(
    "require('digest').export('html', { output = 'site.html' }) writes it in the digest's folder",
    file == fixtures .. '/site.html' and read(file) == rendered(client, bufnr, 'html'),
    tostring(file) .. ' ' .. tostring(why)
  )
  -- Its folders are made, as `digest-lsp export -o` makes them (the
  -- editors' README shows `output = 'site/index.html'`).
  file, why = require('digest').export('html', { output = 'site/index.html' })
  check(
    "an export into a folder that does not exist yet makes it (site/index.html)",
    file == fixtures .. '/site/index.html' and read(file) == rendered(client, bufnr, 'html'),
    tostring(file) .. ' ' .. tostring(why)
  )
  -- A file in the way of a folder: refused, and why.
  file, why = require('digest').export('html', { output = 'site.html/index.html' })
  check(
    'an export under a file (site.html/index.html) is refused and says why',
    file == nil and why ~= nil and why:find('cannot make the folder', 1, true) ~= nil,
    tostring(file) .. ' ' .. tostring(why)
  )
  vim.cmd('bwipeout!')

  -- The sample, saved as .txt: its JSON has all its papers, its HTML goes to
  -- the browser check of editors/test.sh.
  if txt and txt_papers then
    local sample = open(txt)
    local sample_client = h.buf_clients(sample)[1]
    check('the sample .txt opens as a digest with the client attached', sample_client ~= nil and vim.bo[sample].filetype == 'digest', vim.bo[sample].filetype)
    notified('DigestExport json')
    local stem = vim.fn.fnamemodify(txt, ':r')
    local decoded, data = pcall(vim.json.decode, read(stem .. '.json') or '')
    local n = decoded and type(data) == 'table' and type(data.papers) == 'table' and #data.papers or -1
    check(('the sample\'s JSON parses, with its %d papers'):format(txt_papers), n == txt_papers, decoded and (n .. ' papers') or tostring(data))
    notified('DigestExport html')
    local html = read(stem .. '.html')
    check('the sample\'s HTML is written next to it', html ~= nil and #html > 0)
    if export_out and html then
      local f = assert(io.open(export_out, 'wb'))
      f:write(html)
      f:close()
    end
  end
end, debug.traceback)

if not ok then
  check('the test ran to the end', false, err)
end
h.finish()
