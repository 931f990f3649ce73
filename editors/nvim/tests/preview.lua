-- End-to-end test of :DigestPreview in Neovim, against the real digest-lsp:
-- the server's `digest.preview` command answers a page's address, opened in
-- the browser through a private file that redirects to it (a stub browser
-- here, which records the file); the page holds the buffer's
-- papers; its event stream (read by curl) gets an unsaved edit and the
-- cursor's line; a click on a paper (a POST, as the page's script sends it)
-- moves the cursor there through window/showDocument (0.8+; 0.7 has none,
-- and the click is refused with 501).
--
--   nvim --headless --clean -u editors/nvim/tests/init.lua -c 'luafile editors/nvim/tests/preview.lua'
--
-- Environment (editors/test.sh sets it):
--   DIGEST_FIXTURES    a scratch copy of editors/fixtures/workspace
--   digest-lsp on PATH, curl
-- Prints one `PASS suite: name` or `FAIL suite: name: why` line per check on
-- stdout and exits non-zero when a check failed.

local fixtures = assert(os.getenv('DIGEST_FIXTURES'), 'DIGEST_FIXTURES is not set')
local h = require('harness')
h.start('preview')
local check, count = h.check, h.count
local TIMEOUT = h.TIMEOUT

h.run(function()
  local bufnr, client = h.open(fixtures .. '/vision-kd.digest')
  if not check('client attaches to vision-kd.digest', client ~= nil) then
    return
  end
  local commands = (client.server_capabilities.executeCommandProvider or {}).commands or {}
  check('the server announces the command digest.preview', vim.tbl_contains(commands, 'digest.preview'), vim.inspect(commands))
  check(':DigestPreview exists in the digest buffer', vim.fn.exists(':DigestPreview') == 2)

  -- No browser here: the stub records the address.
  local digest = require('digest')
  local opened = {}
  digest.open_url = function(url)
    table.insert(opened, url)
    return true
  end
  local messages = h.notified('DigestPreview')
  -- The browser gets a file of the user's that redirects to the address
  -- (the address holds the token: never on a command line).
  local redirect = h.read(opened[1] or '') or ''
  local url = redirect:match('url=(http://[^"]+)"') or ''
  check(
    ':DigestPreview opens one file that redirects to an address on 127.0.0.1',
    #opened == 1 and opened[1]:match('%.html$') ~= nil and url:match('^http://127%.0%.0%.1:%d+/%x+/%d+/$') ~= nil,
    vim.inspect(opened) .. ' ' .. redirect
  )
  if vim.fn.has('unix') == 1 then
    local mode = vim.fn.getfperm(vim.fn.fnamemodify(opened[1] or '', ':h'))
    check('in a folder only the user can read (' .. mode .. ')', mode == 'rwx------', mode)
  end
  check(
    ':DigestPreview says where',
    #messages == 1 and messages[1].msg == 'digest: preview at ' .. url and messages[1].level == vim.log.levels.INFO,
    vim.inspect(messages)
  )

  local page = vim.fn.system({ 'curl', '-s', '--max-time', '10', url })
  local papers = count(page, '<article class="paper" id="paper%d+" data%-line="%d+">')
  check('the page shows the buffer\'s four papers', papers == 4, papers .. ' papers')

  -- The event stream, read as the page reads it.
  local stream = ''
  local job = vim.fn.jobstart({ 'curl', '-sN', '--max-time', '60', url .. 'events' }, {
    on_stdout = function(_, data)
      stream = stream .. table.concat(data, '\n')
    end,
  })
  check('the event stream opens', vim.wait(TIMEOUT, function()
    return stream:find('event: scroll', 1, true) ~= nil
  end, 20), stream)
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { '', 'Paper5 A Paper Added In The Buffer', '', 'Abstract: Typed, never saved.' })
  check('an unsaved edit reaches the page', vim.wait(TIMEOUT, function()
    return stream:find('Paper5 A Paper Added In The Buffer', 1, true) ~= nil
  end, 20), #stream .. ' bytes read')
  local paper3 = h.find_line(bufnr, '^Paper3 ')
  vim.api.nvim_win_set_cursor(0, { paper3 + 1, 0 })
  vim.api.nvim_exec_autocmds('CursorMoved', { buffer = bufnr })
  local scrolled = '"line":' .. paper3 .. '}'
  check(('the page follows the cursor to Paper3 (line %d)'):format(paper3), vim.wait(TIMEOUT, function()
    return stream:find(scrolled, 1, true) ~= nil
  end, 20), stream:sub(-200))
  vim.fn.jobstop(job)

  -- A click on Paper2 in the page.
  local paper2 = h.find_line(bufnr, '^Paper2 ')
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  local status = vim.fn.system({
    'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', '-X', 'POST',
    '-H', 'Content-Type: application/json', '--data', ('{"line": %d}'):format(paper2), url .. 'reveal',
  })
  if vim.fn.has('nvim-0.8') == 1 then
    check('a click on Paper2 is taken (204)', status == '204', status)
    check(('it moves the cursor to Paper2\'s heading (line %d)'):format(paper2 + 1), vim.wait(TIMEOUT, function()
      return vim.api.nvim_win_get_cursor(0)[1] == paper2 + 1
    end, 20), vim.inspect(vim.api.nvim_win_get_cursor(0)))
  else
    check('0.7 has no window/showDocument: a click is refused (501)', status == '501', status)
  end
end)
