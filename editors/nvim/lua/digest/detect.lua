-- Does a plain-text buffer look like a paper digest? The spec's "File" rule:
-- within its first 200 lines, a paper heading and, after it, a line that
-- starts with a known section label and a colon. Default keyword and labels
-- only. ftdetect/digest.vim calls `text_buffer()` for buffers read as `text`.
local M = {}

M.LINES = 200

local LABELS = { '摘要原文', 'Abstract', '中文总结', 'Summary', '笔记', 'Notes', '代码', 'Code', '标签', 'Tags', '引用', 'Cite' }

-- Unicode White_Space beyond ASCII (as the server's `char::is_whitespace`), UTF-8.
local WIDE_SPACE = {
  ['\194\133'] = true, -- U+0085
  ['\194\160'] = true, -- U+00A0
  ['\225\154\128'] = true, -- U+1680
  ['\226\128\168'] = true, -- U+2028
  ['\226\128\169'] = true, -- U+2029
  ['\226\128\175'] = true, -- U+202F
  ['\226\129\159'] = true, -- U+205F
  ['\227\128\128'] = true, -- U+3000
}
for cp = 0x2000, 0x200A do -- U+2000..U+200A: E2 80 80..8A
  WIDE_SPACE['\226\128' .. string.char(0x80 + cp - 0x2000)] = true
end

--- `Paper`, an optional single space, digits, then the end of the line, white
--- space, or `:` `：` `.`.
function M.is_heading(line)
  local rest = line:match('^Paper ?%d+(.*)$')
  if rest == nil then
    return false
  end
  if rest == '' or rest:find('^[%s:.]') then
    return true
  end
  local three, two = rest:sub(1, 3), rest:sub(1, 2)
  return three == '：' or WIDE_SPACE[three] or WIDE_SPACE[two] or false
end

--- A default label at column 0, then `:` or `：`.
function M.is_label(line)
  for _, label in ipairs(LABELS) do
    if line:sub(1, #label) == label then
      local after = line:sub(#label + 1, #label + 3)
      if after:sub(1, 1) == ':' or after == '：' then
        return true
      end
    end
  end
  return false
end

--- True when, within the first 200 of `lines`, a heading comes before a
--- labelled line.
function M.looks_like_digest(lines)
  local heading = false
  for i = 1, math.min(#lines, M.LINES) do
    local line = lines[i]
    if i == 1 and line:sub(1, 3) == '\239\187\191' then -- a BOM Neovim kept
      line = line:sub(4)
    end
    if not heading then
      heading = M.is_heading(line)
    elseif M.is_label(line) then
      return true
    end
  end
  return false
end

--- Called on BufRead for a buffer whose filetype is `text`: gives it the
--- filetype `digest` when it looks like one, unless `g:digest_detect_txt` is
--- false (or 0).
function M.text_buffer(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local on = vim.g.digest_detect_txt
  if on == false or on == 0 or vim.bo[bufnr].filetype ~= 'text' then
    return false
  end
  if not M.looks_like_digest(vim.api.nvim_buf_get_lines(bufnr, 0, M.LINES, false)) then
    return false
  end
  vim.api.nvim_buf_call(bufnr, function()
    vim.cmd('set filetype=digest')
  end)
  return true
end

return M
