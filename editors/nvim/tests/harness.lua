-- What the Neovim end-to-end tests share (tests/e2e.lua, detect.lua,
-- format.lua, export.lua, preview.lua, workspace.lua): the `PASS suite: name` /
-- `FAIL suite: name: why` lines, the exit status, opening a file and waiting
-- for the digest client. tests/init.lua puts this folder on package.path:
--
--   local h = require('harness')
--   h.start('format')          -- the suite is nvim-X.Y.Z/format
--   h.run(function() h.check('a name', ok, why) end)
--
-- Works in Neovim 0.7 (Debian's) and 0.11.

local M = {}

--- How long (ms) a test waits for the server.
M.TIMEOUT = 15000

M.suite = '?'
M.failed = 0

--- Names the suite: `nvim-X.Y.Z/<name>` in every PASS/FAIL line.
function M.start(name)
  local v = vim.version()
  M.suite = ('nvim-%d.%d.%d/%s'):format(v.major, v.minor, v.patch, name)
end

function M.out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

--- Prints `PASS suite: name`, or `FAIL suite: name: why` and counts the
--- failure; returns `ok`.
function M.check(name, ok, why)
  if ok then
    M.out(('PASS %s: %s'):format(M.suite, name))
  else
    M.failed = M.failed + 1
    M.out(('FAIL %s: %s: %s'):format(M.suite, name, why or 'assertion failed'))
  end
  return ok
end

--- Stops the clients and quits, with status 1 when a check failed.
function M.finish()
  require('digest').stop()
  if M.failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

--- Runs `body`, checks that it ran to the end (an error fails with its
--- traceback), then finishes.
function M.run(body)
  local ok, err = xpcall(body, debug.traceback)
  M.check('the test ran to the end', ok, err)
  M.finish()
end

--- The file's bytes, or nil when it cannot be read.
function M.read(path)
  local f = io.open(path, 'rb')
  if not f then
    return nil
  end
  local text = f:read('*a')
  f:close()
  return text
end

--- Writes `lines` to `path` when given, then edits `path`; returns the buffer.
function M.edit(path, lines)
  if lines then
    vim.fn.writefile(lines, path)
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

--- The digest clients attached to `bufnr`.
function M.buf_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'digest' })
  end
  local found = {}
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if c.name == 'digest' then
      table.insert(found, c)
    end
  end
  return found
end

--- Waits for a digest client to be attached to `bufnr` and initialized;
--- returns it, or nil after M.TIMEOUT.
function M.attach(bufnr)
  local attached = vim.wait(M.TIMEOUT, function()
    local c = M.buf_clients(bufnr)[1]
    return c ~= nil and c.initialized ~= false and c.server_capabilities ~= nil
  end, 20)
  return attached and M.buf_clients(bufnr)[1] or nil
end

--- Edits `path` and waits for the client: the buffer and the client (or nil).
function M.open(path)
  local bufnr = M.edit(path)
  return bufnr, M.attach(bufnr)
end

function M.lines_of(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

--- 0-based line of the first line of `bufnr` matching `pattern` (a Lua pattern).
function M.find_line(bufnr, pattern)
  for i, line in ipairs(M.lines_of(bufnr)) do
    if line:find(pattern) then
      return i - 1
    end
  end
end

--- Runs `command`; returns the messages it gave through vim.notify.
function M.notified(command)
  local messages = {}
  local notify = vim.notify
  vim.notify = function(msg, level)
    table.insert(messages, { msg = msg, level = level })
  end
  local ok, err = pcall(vim.cmd, command)
  vim.notify = notify
  if not ok then
    table.insert(messages, { msg = 'error: ' .. tostring(err), level = vim.log.levels.ERROR })
  end
  return messages
end

--- How many times `pattern` (a Lua pattern) matches in `text`.
function M.count(text, pattern)
  local n = 0
  for _ in (text or ''):gmatch(pattern) do
    n = n + 1
  end
  return n
end

return M
