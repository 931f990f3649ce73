// Does a plain-text file look like a paper digest? The spec's "File" rule:
// within its first 200 lines, a paper heading and, after it, a line that
// starts with a known section label and a colon. Default keyword and labels
// only (a digest.toml can change them, but the editor decides before any
// config is read). No VS Code API here: src/detect.ts is also unit-tested
// under plain Node (test/detect.test.mjs).

/** How many lines from the top are looked at. */
export const DETECT_LINES = 200;

/**
 * `Paper`, an optional single space, digits, then the end of the line, white
 * space (Unicode White_Space, as the server's `char::is_whitespace`), or `:`
 * `：` `.` (the heading grammar of the spec's Structure section).
 */
const HEADING = /^Paper ?[0-9]+(?:$|[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000:：.])/u;

/** The default section labels, then `:` or `：`, from column 0. */
const LABEL = /^(?:摘要原文|Abstract|中文总结|Summary|笔记|Notes|代码|Code|标签|Tags|引用|Cite)[:：]/u;

/**
 * True when, within the first `DETECT_LINES` of `lines`, a heading line comes
 * before a labelled line. `lines` is read lazily and may be longer.
 */
export function looksLikeDigest(lines: Iterable<string>): boolean {
  let heading = false;
  let n = 0;
  for (let line of lines) {
    if (n === 0 && line.startsWith("\uFEFF")) line = line.slice(1);
    if (++n > DETECT_LINES) break;
    if (!heading) heading = HEADING.test(line);
    else if (LABEL.test(line)) return true;
  }
  return false;
}
