// End-to-end test of the VS Code extension in a real VS Code: code-server,
// driven through Debian's headless Chromium with playwright-core.
//
//   node run.mjs
//
// Environment (editors/test.sh sets all of it):
//   CODE_SERVER   the code-server launcher (node_modules/.bin/code-server)
//   VSIX          the packaged extension, with its bundled server
//   DIGEST_LSP    the server binary, given to the extension by `digest.server.path`
//                 in the second session
//   WORKSPACE     a scratch copy of editors/fixtures/workspace
//   TXT_WORKSPACE a scratch folder (no digest.toml) with TXT_DIGEST, TXT_OTHER and
//                 TXT_PLAIN: file names in it
//   TXT_DIGEST    a digest saved as .txt (a copy of the shared sample) with
//   TXT_PAPERS    papers; TXT_OTHER another digest .txt, TXT_PLAIN an ordinary .txt
//   FORMAT_WORKSPACE  a scratch copy of editors/fixtures/format (the test writes into it)
//   FORMAT_EXPECTED   editors/fixtures/format-expected: what its digests become
//   SCRATCH       an empty scratch folder (user data, extensions, HOME)
//   SHOTS         where the screenshots go (target/editor-e2e)
//   CHROMIUM      the browser (default /usr/bin/chromium)
//   PATH          must hold no digest-lsp: the first session uses the bundled one
//
// Three code-server sessions, one user each:
//   1. nothing configured, no digest-lsp on PATH: the bundled server, the
//      plain-text detection, a restart without errors (TXT_WORKSPACE);
//   2. `digest.server.path` set and `digest.detectPlainText` off: the features,
//      the missing binary, restarts, a live digest.toml edit (WORKSPACE), and
//      the workspace features: a closed digest's finding in the Problems panel
//      (workspace pull), the reference lenses, a rename in the Explorer that
//      rewrites a reference (workspace/willRenameFiles), and a broken entry
//      of a .bib shown, then gone once mended unsaved;
//   3. format on save and the fix-all action on save, as the extension's
//      README shows them: Format Document, Fix All, both on save, and the
//      fix-all kind in the settings' schema (FORMAT_WORKSPACE);
//   4. the preview beside TXT_DIGEST (it follows the cursor and an edit; a
//      click in it moves the cursor) and Digest: Export... (TXT_WORKSPACE).
//   E2E_SESSIONS="fresh configured format preview" runs only those named.
//
// Prints one `PASS vscode: <step>` or `FAIL vscode: <step>: <why>` line per
// check; exits non-zero when one failed. Waits on elements, never on fixed
// sleeps, except a short pause for the hover's fade-in.

import { spawn, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./chromium.mjs";

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const CODE_SERVER = env("CODE_SERVER");
const VSIX = env("VSIX");
const DIGEST_LSP = env("DIGEST_LSP");
const WORKSPACE = env("WORKSPACE");
const TXT_WORKSPACE = env("TXT_WORKSPACE");
const TXT_DIGEST = env("TXT_DIGEST");
const TXT_PAPERS = Number(env("TXT_PAPERS"));
const TXT_OTHER = env("TXT_OTHER");
const TXT_PLAIN = env("TXT_PLAIN");
const FORMAT_WORKSPACE = env("FORMAT_WORKSPACE");
const FORMAT_EXPECTED = env("FORMAT_EXPECTED");
const SCRATCH = env("SCRATCH");
const SHOTS = env("SHOTS");
const CHROMIUM = env("CHROMIUM", "/usr/bin/chromium");
const TIMEOUT = 30_000;
const FIXTURE = "vision-kd.digest";
// Written into WORKSPACE by session 2 (the test's own text).
const CLOSED = "closed-notes.digest";
const LINKER = "linker.digest";
const EXTRA_DIGESTS = {
  [CLOSED]:
    "封存笔记（编辑器测试用例）\n\nPaper1 Notes Nobody Opens\n\n" +
    "Abstract: This digest stays closed during the test; its one reference points at a paper that does not exist.\n\n" +
    "Summary: 这份摘要在测试中从不打开，它引用了一篇不存在的论文：[[related#Paper7]]。\n",
  "old-name.digest":
    "将被改名的摘要（编辑器测试用例）\n\nPaper1 A Paper Whose Digest Moves\n\n" +
    "Abstract: The file holding this paper is renamed in the Explorer during the test.\n\n" +
    "Summary: 这个文件在测试中会被重命名。\n",
  [LINKER]:
    "链接笔记（编辑器测试用例）\n\nPaper1 A Digest That Points Elsewhere\n\n" +
    "Abstract: Its summary links to a paper of the digest that the test renames.\n\n" +
    "Summary: 相关做法见[[old-name#Paper1]]。\n",
};

const MOD = "Control";
let failed = 0;
let passed = 0;
let shot = 0;

function log(line) {
  fs.writeSync(1, line + "\n");
}
process.on("exit", (code) => fs.writeSync(2, `run.mjs: exit status ${code}\n`));

function check(name, ok, why = "") {
  if (ok) {
    passed++;
    log(`PASS vscode: ${name}`);
  } else {
    failed++;
    log(`FAIL vscode: ${name}: ${String(why).slice(0, 2000)}`);
  }
  return ok;
}

/** Runs one step; a thrown error (a timed-out wait) fails it with a screenshot. */
async function step(page, name, fn) {
  try {
    const result = await fn();
    await screenshot(page, name);
    return result;
  } catch (err) {
    await screenshot(page, `${name}-failed`);
    check(name, false, err?.message ?? err);
    return undefined;
  }
}

async function screenshot(page, name) {
  if (!page) return;
  shot++;
  const file = path.join(SHOTS, `${String(shot).padStart(2, "0")}-${name.replace(/[^A-Za-z0-9]+/g, "-")}.png`);
  try {
    await page.screenshot({ path: file });
  } catch {
    // a crashed page has nothing to show
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
const home = path.join(SCRATCH, "home");
const extensions = path.join(SCRATCH, "extensions");
const scratchEnv = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, ".config"),
  XDG_DATA_HOME: path.join(home, ".local/share"),
  XDG_CACHE_HOME: path.join(home, ".cache"),
  XDG_RUNTIME_DIR: path.join(home, "run"),
};
for (const dir of [home, extensions, SHOTS, scratchEnv.XDG_CONFIG_HOME, scratchEnv.XDG_RUNTIME_DIR]) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

const quietSettings = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "editor.minimap.enabled": false,
  "editor.hover.delay": 200,
  "chat.commandCenter.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
};

const commonArgs = (userData) => [
  "--user-data-dir", userData,
  "--extensions-dir", extensions,
  "--disable-telemetry",
  "--disable-update-check",
  "--disable-workspace-trust",
];

let server;
let browser;
/** The server binary inside the installed extension. */
let installedServer;

async function stopAll() {
  if (browser) await browser.close().catch(() => {});
  browser = undefined;
  if (server && server.exitCode === null) {
    // code-server, its extension host and digest-lsp share one process group.
    const gone = new Promise((resolve) => server.once("exit", resolve));
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-server.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5000);
    await gone;
    clearTimeout(timer);
  }
  server = undefined;
  // Stopped: editors/test.sh need not kill this group again.
  fs.rmSync(path.join(SCRATCH, "code-server.pid"), { force: true });
}

/**
 * Starts code-server on `workspace` for a user of its own (`name`, with
 * `settings`), opens it in headless Chromium; returns the page and helpers.
 */
async function launch(name, workspace, settings) {
  const userData = path.join(SCRATCH, `user-data-${name}`);
  const settingsFile = path.join(userData, "User", "settings.json");
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(settingsFile, JSON.stringify({ ...quietSettings, ...settings }, null, 2));

  const port = await freePort();
  server = spawn(
    CODE_SERVER,
    [...commonArgs(userData), "--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-getting-started-override", workspace],
    { env: scratchEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const serverLog = fs.createWriteStream(path.join(SHOTS, `code-server-${name}.log`));
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  fs.writeFileSync(path.join(SCRATCH, "code-server.pid"), String(server.pid));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("code-server did not start")), TIMEOUT);
    let seen = "";
    const onData = (chunk) => {
      seen += chunk.toString();
      if (seen.includes("HTTP server listening")) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.once("exit", (code) => reject(new Error(`code-server exited with ${code}: ${seen}`)));
  });
  check(`code-server starts (${name})`, true);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: scratchEnv,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.setDefaultNavigationTimeout(TIMEOUT);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  return { page, ...helpers(page) };
}

function helpers(page) {
  const editor = page.locator(".monaco-editor.focused, .editor-group-container.active .monaco-editor").first();
  const statusSelection = page.locator("#status\\.editor\\.selection");
  const statusMode = page.locator("#status\\.editor\\.mode");
  const input = page.locator(".quick-input-widget input");

  /** The rows of the quick input whose label is exactly `label` (not `label With...`). */
  const exactRow = (label) =>
    page.locator(".quick-input-list .monaco-list-row", {
      has: page.locator(".label-name", { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
    });

  const runCommand = async (label, { exact = false } = {}) => {
    await page.keyboard.press("F1");
    await input.waitFor({ state: "visible" });
    await input.fill(`>${label}`);
    if (process.env.DEBUG_E2E) await screenshot(page, `palette-${label}`);
    // Click the command's own row: Enter could still hit a row of the previous filter.
    const row = exact ? exactRow(label) : page.locator(".quick-input-list .monaco-list-row", { hasText: label });
    await row.first().click();
    await input.waitFor({ state: "hidden" });
  };

  /** Opens a file of the workspace by its relative path with Quick Open (`Ctrl+P`). */
  const quickOpen = async (relative) => {
    const name = path.basename(relative);
    await page.keyboard.press(`${MOD}+p`);
    await input.waitFor({ state: "visible" });
    await input.fill(relative);
    await exactRow(name).first().click();
    await input.waitFor({ state: "hidden" });
    await page.locator(".tabs-container .tab.active", { hasText: name }).waitFor();
  };

  // The text of the active editor, from its rendered lines (all of them on
  // screen: the format fixtures are short, and that session turns word wrap off).
  const activeLines = ".editor-group-container.active .monaco-editor .view-lines .view-line";
  const editorText = () =>
    page.evaluate(
      (selector) =>
        [...document.querySelectorAll(selector)]
          .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
          .map((l) => l.textContent.replace(/\u00a0/g, " "))
          .join("\n"),
      activeLines,
    );
  /** Waits until the active editor shows `want` (LF line ends); the error says what it shows. */
  const waitForEditorText = async (want) => {
    try {
      await page.waitForFunction(
        ([selector, want]) =>
          [...document.querySelectorAll(selector)]
            .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
            .map((l) => l.textContent.replace(/\u00a0/g, " "))
            .join("\n") === want,
        [activeLines, want],
      );
    } catch (err) {
      throw new Error(`the editor shows ${JSON.stringify(await editorText())}, want ${JSON.stringify(want)} (${err.message.split("\n")[0]})`);
    }
  };

  const gotoLine = async (line, col) => {
    await page.keyboard.press(`${MOD}+g`);
    await input.waitFor({ state: "visible" });
    await input.fill(`:${line}:${col}`);
    await page.keyboard.press("Enter");
    await page.locator(".quick-input-widget").waitFor({ state: "hidden" });
    await statusSelection.filter({ hasText: `Ln ${line}, Col ${col}` }).waitFor();
  };

  /** Opens `name` from the explorer (a double click pins it) and waits for its tab. */
  const open = async (name) => {
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).first().dblclick();
    await page.locator(".tabs-container .tab.active", { hasText: name }).waitFor();
  };

  /** Go to Symbol in Editor grouped by kind (`@:`): waits for `classes (n)`, the papers. */
  const paperCount = async (n) => {
    await editor.click({ position: { x: 200, y: 20 } });
    await page.keyboard.press(`${MOD}+Shift+o`);
    await input.waitFor({ state: "visible" });
    await input.fill("@:");
    await page.locator(".quick-input-list", { hasText: `classes (${n})` }).waitFor();
  };

  // The output panel's rendered lines, top to bottom (Monaco renders spaces as
  // U+00A0). The output view wraps long lines: a wrapped line is several.
  const outputText = () =>
    page.evaluate(() =>
      [...document.querySelectorAll(".panel .monaco-editor .view-line")]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((l) => l.textContent.replace(/\u00a0/g, " "))
        .join("\n"),
    );
  /** Waits until `needle` is in the output, across wrapped lines. */
  const waitForOutput = (needle) =>
    page.waitForFunction(
      (needle) => [...document.querySelectorAll(".panel .monaco-editor .view-line")]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((l) => l.textContent.replace(/\u00a0/g, " "))
        .join("")
        .includes(needle),
      needle,
    );
  const usingLines = () =>
    page.locator(".panel .monaco-editor .view-line", { hasText: "Using digest-lsp" }).count();
  // Waits until the output shows more than `n` starts.
  const moreUsingLines = (n) =>
    page.waitForFunction(
      (n) => [...document.querySelectorAll(".panel .monaco-editor .view-line")]
        .filter((l) => l.textContent.replace(/\u00a0/g, " ").includes("Using digest-lsp")).length > n,
      n,
    );

  /** The error notifications, in the toasts and the notification center. */
  const errorNotifications = async () => {
    await runCommand("Notifications: Show Notifications");
    await page.locator(".notifications-center").waitFor();
    const items = page.locator(".notification-list-item", { has: page.locator(".notification-list-item-icon.codicon-error") });
    const texts = await items.allInnerTexts();
    await runCommand("Notifications: Hide Notifications");
    return texts;
  };

  /** Restarts the server with the command; resolves once the output shows the new start. */
  const restartServer = async () => {
    await runCommand("Digest: Show Server Output");
    await waitForOutput("Using digest-lsp");
    const before = await usingLines();
    await runCommand("Notifications: Clear All Notifications");
    await runCommand("Digest: Restart Server");
    await moreUsingLines(before);
  };

  return {
    editor, statusSelection, statusMode, input, runCommand, gotoLine, open, paperCount,
    outputText, waitForOutput, usingLines, moreUsingLines, errorNotifications, restartServer,
    quickOpen, editorText, waitForEditorText,
  };
}

/**
 * Session 1: a user who installed the .vsix and configured nothing, with no
 * digest-lsp on PATH, opens digests saved as .txt.
 */
async function freshUser() {
  const onPath = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d && fs.existsSync(path.join(d, "digest-lsp")));
  check("no digest-lsp on PATH and no digest.server.path setting (session 1)", onPath.length === 0, onPath.join(":"));
  const { page, statusMode, input, open, paperCount, waitForOutput, runCommand, outputText, errorNotifications, restartServer } =
    await launch("fresh", TXT_WORKSPACE, {});

  await step(page, "txt workbench loads", async () => {
    await page.locator(".monaco-workbench").waitFor({ timeout: 4 * TIMEOUT });
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: TXT_DIGEST }).waitFor();
  });

  // The first file opened: it activates the extension (onLanguage:plaintext).
  await step(page, "digest txt opens as digest", async () => {
    await open(TXT_DIGEST);
    await statusMode.filter({ hasText: "Paper Digest" }).waitFor();
    check(`${TXT_DIGEST} opens as a Paper Digest (status bar)`, true);
  });

  await step(page, "bundled server outline", async () => {
    await paperCount(TXT_PAPERS);
    check(`Go to Symbol in Editor lists its ${TXT_PAPERS} papers (classes (${TXT_PAPERS})), from the bundled server`, true);
  });

  await step(page, "bundled server output", async () => {
    await page.keyboard.press("Escape"); // closes Go to Symbol, left open for the screenshot
    await input.waitFor({ state: "hidden" });
    await runCommand("Digest: Show Server Output");
    await waitForOutput(`${TXT_DIGEST} looks like a digest: language set to digest.`);
    await waitForOutput("(bundled with the extension).");
    const text = (await outputText()).replace(/\n/g, "");
    const line = /Using digest-lsp \S+ at \S+ \(bundled with the extension\)\./.exec(text)?.[0] ?? "";
    check(
      "the output channel names the bundled server and its path",
      installedServer !== undefined && line.includes(` at ${installedServer} (bundled with the extension).`),
      `${line} (want ${installedServer})`,
    );
  });

  await step(page, "ordinary txt stays plain text", async () => {
    await open(TXT_PLAIN);
    await statusMode.filter({ hasText: "Plain Text" }).waitFor();
    // Opened after it: once this one is a digest, the ordinary file was looked at.
    await open(TXT_OTHER);
    await statusMode.filter({ hasText: "Paper Digest" }).waitFor();
    check(`${TXT_OTHER}, opened later, becomes a Paper Digest too`, true);
    await page.locator(".tabs-container .tab", { hasText: TXT_PLAIN }).first().click();
    await page.locator(".tabs-container .tab.active", { hasText: TXT_PLAIN }).waitFor();
    await statusMode.filter({ hasText: "Plain Text" }).waitFor();
    check(`${TXT_PLAIN} stays Plain Text`, true);
  });

  await step(page, "switched back to plain text", async () => {
    await page.locator(".tabs-container .tab", { hasText: TXT_OTHER }).first().click();
    await page.locator(".tabs-container .tab.active", { hasText: TXT_OTHER }).waitFor();
    await statusMode.filter({ hasText: "Paper Digest" }).waitFor();
    await statusMode.click(); // the language picker
    await input.waitFor({ state: "visible" });
    await input.fill("Plain Text");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "Plain Text" }).first().click();
    await input.waitFor({ state: "hidden" });
    await runCommand("Digest: Show Server Output");
    await waitForOutput(`${TXT_OTHER} was switched back to Plain Text: left so.`);
    await statusMode.filter({ hasText: "Plain Text" }).waitFor();
    check(`${TXT_OTHER} switched back to Plain Text with the language picker stays so`, true);
  });

  await step(page, "restart without errors", async () => {
    await page.locator(".tabs-container .tab", { hasText: TXT_DIGEST }).first().click();
    await page.locator(".tabs-container .tab.active", { hasText: TXT_DIGEST }).waitFor();
    await restartServer();
    await paperCount(TXT_PAPERS);
    check("after Digest: Restart Server the outline works", true);
    await page.keyboard.press("Escape");
    await input.waitFor({ state: "hidden" });
    const after = (await outputText()).split("\n");
    const restarted = after.findLastIndex((l) => l.includes("Restarting the server."));
    const errorLines = after.slice(restarted).filter((l) => /error|fail/i.test(l));
    check("the output shows no error after the restart", restarted >= 0 && errorLines.length === 0, after.slice(restarted).join(" | "));
    const errors = await errorNotifications();
    check("Digest: Restart Server shows no error notification", errors.length === 0, errors.join(" | "));
  });

  await stopAll();
}

/**
 * Session 2: a user with `digest.server.path` set and `digest.detectPlainText`
 * off, on the fixture workspace.
 */
async function configuredUser() {
  // A digest .txt here too: with the detection off it stays plain text.
  fs.copyFileSync(path.join(TXT_WORKSPACE, TXT_DIGEST), path.join(WORKSPACE, TXT_DIGEST));
  // Three more digests (issue 14): one never opened, with a finding the
  // workspace pull reports; one renamed in the Explorer; one that refers to it.
  for (const [name, text] of Object.entries(EXTRA_DIGESTS)) fs.writeFileSync(path.join(WORKSPACE, name), text);
  const fixtureText = fs.readFileSync(path.join(WORKSPACE, FIXTURE), "utf8").split("\n");
  const refLine = fixtureText.findIndex((l) => l.includes("与Paper1类似")) + 1; // 1-based
  const refCol = fixtureText[refLine - 1].indexOf("Paper1类似") + 1; // 1-based, UTF-16
  const headingLine = fixtureText.findIndex((l) => l.startsWith("Paper1 ")) + 1;
  const wikiLine = fixtureText.findIndex((l) => l.includes("[[related#Paper1]]")) + 1;
  const wikiCol = fixtureText[wikiLine - 1].indexOf("related#Paper1") + 1;

  const {
    page, editor, statusSelection, statusMode, runCommand, gotoLine, open, waitForOutput, usingLines, moreUsingLines,
    errorNotifications, input, quickOpen,
  } = await launch("configured", WORKSPACE, { "digest.server.path": DIGEST_LSP, "digest.detectPlainText": false });

  await step(page, "workbench loads", async () => {
    await page.locator(".monaco-workbench").waitFor({ timeout: 4 * TIMEOUT });
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: FIXTURE }).waitFor();
    check("workbench loads", true);
  });

  await step(page, "opens the fixture", async () => {
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: FIXTURE }).click();
    await page.locator(".tabs-container .tab.active", { hasText: FIXTURE }).waitFor();
    await page.locator(".monaco-editor .view-lines", { hasText: "Paper1 Sparse Teacher" }).waitFor();
    await statusMode.filter({ hasText: "Paper Digest" }).waitFor();
    check("opens the fixture as a Paper Digest", true);
  });

  await step(page, "highlighting", async () => {
    // TextMate scopes become token classes: the heading line carries more than one colour.
    // The line is drawn before the grammar has tokenized it (one class): wait for the colours.
    const line = page.locator(".monaco-editor .view-line", { hasText: "Paper1 Sparse Teacher" }).first();
    await line.locator("span span").first().waitFor();
    const distinct = () => line.locator("span span").evaluateAll((spans) => [...new Set(spans.map((s) => s.className))]);
    await page
      .waitForFunction(
        () => {
          const l = [...document.querySelectorAll(".monaco-editor .view-line")]
            .find((e) => e.textContent.replace(/\u00a0/g, " ").includes("Paper1 Sparse Teacher"));
          return l !== undefined && new Set([...l.querySelectorAll("span span")].map((s) => s.className)).size >= 2;
        },
        undefined,
        { timeout: 10_000 },
      )
      .catch(() => {}); // the check below says what it found
    const classes = await distinct();
    check("the grammar colours a heading", classes.length >= 2, classes.join(" "));
  });

  await step(page, "problems panel", async () => {
    await page.keyboard.press(`${MOD}+Shift+m`);
    const rows = page.locator(".markers-panel .monaco-list-row");
    await rows.filter({ hasText: "missing-section" }).first().waitFor();
    await rows.filter({ hasText: "unresolved-reference" }).first().waitFor();
    const texts = await rows.allInnerTexts();
    const problems = texts.filter((t) => /missing-section|unresolved-reference|digest/.test(t));
    check(
      "the Problems panel lists missing-section and unresolved-reference from digest",
      problems.some((t) => t.includes("missing-section") && t.includes("Paper4")) &&
        problems.some((t) => t.includes("unresolved-reference") && t.includes("Paper9")) &&
        texts.every((t) => !/malformed|numbering|stray|duplicate|empty-section|unknown-label/.test(t)),
      texts.join(" | "),
    );
  });

  await step(page, "closed digest in the problems panel", async () => {
    // Never opened: only the workspace pull (workspace/diagnostic) can report it.
    const rows = page.locator(".markers-panel .monaco-list-row");
    await rows.filter({ hasText: CLOSED }).first().waitFor();
    const message =
      "Paper1: unresolved reference `related#Paper7`: `related.digest` has no such paper; fix the number or the file name";
    const finding = rows.filter({ hasText: message }).filter({ hasText: "unresolved-reference" });
    await finding.first().waitFor();
    const tabs = await page.locator(".tabs-container .tab", { hasText: CLOSED }).count();
    check(
      `the Problems panel lists the unresolved [[related#Paper7]] of ${CLOSED}, a digest never opened (${message})`,
      tabs === 0,
      `${tabs} tabs of it`,
    );
  });

  await step(page, "reference lenses", async () => {
    // One lens per heading, in line order: Paper1 (与Paper1类似) and Paper2 ([[Paper2]]) have one reference each.
    const lenses = ".editor-group-container.active .monaco-editor .codelens-decoration";
    // Each lens paired with the heading drawn right below it (`Paper1:1 reference`).
    const titles = () =>
      page.evaluate(
        ([selector, lines]) => {
          const headings = [...document.querySelectorAll(lines)]
            .map((l) => ({ text: l.textContent.replace(/\u00a0/g, " "), top: l.getBoundingClientRect().top }))
            .filter((l) => /^Paper\d+ /.test(l.text));
          return [...document.querySelectorAll(selector)].map((d) => {
            const top = d.getBoundingClientRect().top;
            const below = headings.filter((h) => h.top > top).sort((x, y) => x.top - y.top)[0];
            return `${below ? below.text.split(" ")[0] : "?"}:${d.textContent.replace(/\u00a0/g, " ").trim()}`;
          }).sort();
        },
        [lenses, ".editor-group-container.active .monaco-editor .view-lines .view-line"],
      );
    // The panel (Problems) hides Paper4: close it (Ctrl+J) while the lenses are read, and open it again after.
    const panel = page.locator(".part.panel");
    await page.keyboard.press(`${MOD}+j`);
    await panel.waitFor({ state: "hidden" });
    await page
      .waitForFunction(
        ([selector, lines]) =>
          document.querySelectorAll(selector).length >= 4 &&
          [...document.querySelectorAll(lines)].filter((l) => /^Paper\d+ /.test(l.textContent.replace(/\u00a0/g, " "))).length >= 4,
        [lenses, ".editor-group-container.active .monaco-editor .view-lines .view-line"],
        { timeout: TIMEOUT },
      )
      .catch(() => {}); // the check says what there is
    await screenshot(page, "reference lenses above the headings");
    const got = await titles();
    const want = ["Paper1:1 reference", "Paper2:1 reference", "Paper3:0 references", "Paper4:0 references"];
    check(`a lens above each heading of ${FIXTURE}: ${want.join(", ")}`, JSON.stringify(got) === JSON.stringify(want), JSON.stringify(got));
    await page.keyboard.press(`${MOD}+j`);
    await panel.waitFor({ state: "visible" });
  });

  await step(page, "outline", async () => {
    await editor.click({ position: { x: 200, y: 20 } });
    await page.keyboard.press(`${MOD}+Shift+o`);
    const rows = page.locator(".quick-input-list .monaco-list-row");
    await rows.filter({ hasText: "Paper4 Token Pruning Meets Distillation" }).first().waitFor();
    const labels = await rows.allInnerTexts();
    const papers = ["Paper1 Sparse Teacher Ensembles", "Paper2 Frequency-Aware", "Paper3 轻量级视觉语言模型", "Paper4 Token Pruning"];
    check(
      "Go to Symbol in Editor lists the four papers",
      papers.every((p) => labels.some((l) => l.includes(p))),
      labels.join(" | "),
    );
  });

  await step(page, "hover", async () => {
    await page.keyboard.press("Escape"); // closes Go to Symbol, left open for the screenshot
    const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: "Sparse Teacher Ensembles for Tiny Detectors" });
    // Code lenses and inlay hints arrive after the text and move the lines
    // (a hover open then closes): hover again until it stays.
    for (let attempt = 1; ; attempt++) {
      await page.mouse.move(5, 500);
      await gotoLine(refLine, refCol + 2);
      const box = await page.locator(".monaco-editor.focused .cursor").first().boundingBox();
      if (!box) throw new Error("no cursor on screen");
      await page.mouse.move(box.x + 2, box.y + box.height / 2);
      try {
        await hover.first().waitFor({ state: "visible", timeout: 5000 });
        break;
      } catch (err) {
        if (attempt === 5) throw err;
      }
    }
    await page.waitForTimeout(300); // the hover's fade-in, for the screenshot
    const text = await hover.first().innerText();
    check(
      "hovering Paper1 shows its title in bold and its summary",
      text.includes("Paper1") &&
        text.includes("本文研究小型检测器如何同时向多个稀疏教师学习") &&
        (await hover.first().locator("strong, b").count()) > 0,
      text,
    );
  });

  await step(page, "go to definition", async () => {
    await page.mouse.move(5, 500);
    await gotoLine(refLine, refCol + 2);
    await page.keyboard.press("F12");
    await statusSelection.filter({ hasText: `Ln ${headingLine}, Col 1` }).waitFor();
    check(`F12 on Paper1 moves the cursor to its heading (line ${headingLine})`, true);
  });

  await step(page, "go to definition in another file", async () => {
    await gotoLine(wikiLine, wikiCol + 10);
    await page.keyboard.press("F12");
    await page.locator(".tabs-container .tab.active", { hasText: "related.digest" }).waitFor();
    await statusSelection.filter({ hasText: "Ln 3, Col 1" }).waitFor();
    check("F12 on [[related#Paper1]] opens related.digest at its heading", true);
  });

  await step(page, "server output", async () => {
    await page.locator(".tabs-container .tab", { hasText: FIXTURE }).first().click();
    await page.locator(".tabs-container .tab.active", { hasText: FIXTURE }).waitFor();
    await runCommand("Digest: Show Server Output");
    await waitForOutput(`Using digest-lsp`);
    await waitForOutput(`at ${DIGEST_LSP} (from digest.server.path).`);
    check("Digest: Show Server Output shows the server's version, path and digest.server.path as its source", true);
  });

  // The settings editor, searched for digest.server.path, as a user would.
  const pathSetting = page.locator(".settings-editor .setting-item-contents", { hasText: "Server: Path" }).first();
  const setServerPath = async (value) => {
    const input = pathSetting.locator("input").first();
    await input.waitFor();
    await input.fill(value);
    await input.press("Enter");
  };
  await step(page, "missing binary", async () => {
    await runCommand("Preferences: Open Settings (UI)");
    await page.locator(".settings-editor").waitFor();
    await page.keyboard.type("digest.server.path");
    // A machine-scoped setting: in code-server, on the Remote tab.
    await page.locator(".settings-editor .settings-tabs-widget .action-label", { hasText: "Remote" }).click();
    await setServerPath(path.join(SCRATCH, "no-such-digest-lsp"));
    const toast = page.locator(".notification-toast", { hasText: "Cannot start the digest language server" });
    await toast.first().waitFor();
    const message = await toast.first().innerText();
    check("a missing binary is reported", message.includes("no-such-digest-lsp") && message.includes("does not exist"), message);
    // The restart checks look for this icon: it must be there on an error.
    const icons = await toast.first().locator(".notification-list-item-icon.codicon-error").count();
    check("its notification has the error icon that the restart checks look for", icons === 1, `${icons} icons`);
    await screenshot(page, "missing-binary-message");
    await runCommand("View: Close All Editors");
    await toast.first().getByRole("button", { name: "Open Settings" }).click();
    await pathSetting.waitFor();
    check("its Open Settings button opens the digest.server.path setting", true);
  });

  await step(page, "no export while the server is missing", async () => {
    // The server's digest.export is a command only while a client runs:
    // with the binary missing, the palette does not offer it on a digest.
    await quickOpen(FIXTURE);
    await page.keyboard.press("F1");
    await input.waitFor({ state: "visible" });
    await input.fill(">Digest: ");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "Digest: Restart Server" }).first().waitFor();
    const offered = await page.locator(".quick-input-list .monaco-list-row", { hasText: "Digest: Export..." }).count();
    check("Digest: Export... is not offered while the server is missing (no 'command not found')", offered === 0, `${offered} rows`);
    await page.keyboard.press("Escape");
    await input.waitFor({ state: "hidden" });
    // Back to the settings, where the next step sets the path.
    await page.locator(".tabs-container .tab", { hasText: "Settings" }).first().click();
    await pathSetting.waitFor();
  });

  await step(page, "restart", async () => {
    await runCommand("Digest: Show Server Output");
    await page.locator(".panel .monaco-editor .view-line", { hasText: "Cannot start" }).first().waitFor();
    const before = await usingLines();
    await setServerPath(DIGEST_LSP);
    // A digest.server.* change restarts the client.
    await moreUsingLines(before);
    check("setting digest.server.path restarts the server", true);
    const after = await usingLines();
    await runCommand("Notifications: Clear All Notifications"); // the missing binary's
    await runCommand("Digest: Restart Server");
    await moreUsingLines(after);
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: FIXTURE }).click();
    await page.locator(".tabs-container .tab.active", { hasText: FIXTURE }).waitFor();
    await page.keyboard.press(`${MOD}+Shift+m`);
    await page.locator(".markers-panel .monaco-list-row", { hasText: "missing-section" }).first().waitFor();
    check("Digest: Restart Server restarts it, and the diagnostics come back", true);
    const errors = await errorNotifications();
    check("neither restart shows an error notification", errors.length === 0, errors.join(" | "));
  });

  await step(page, "digest.toml", async () => {
    // Edit the configuration as a user would; the server applies it live.
    // Double clicks pin the editors: a preview of digest.toml would replace, and close, the digest.
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: FIXTURE }).dblclick();
    await page.locator(".tabs-container .tab.active", { hasText: FIXTURE }).waitFor();
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "digest.toml" }).dblclick();
    await page.locator(".tabs-container .tab.active", { hasText: "digest.toml" }).waitFor();
    await page.locator(".editor-group-container.active .monaco-editor .view-lines").click();
    await page.keyboard.press(`${MOD}+End`);
    await page.keyboard.insertText('\n[rules]\nmissing-section = "off"\n');
    await page.keyboard.press(`${MOD}+s`);
    await page.locator(".tabs-container .tab.active:not(.dirty)", { hasText: "digest.toml" }).waitFor();
    const rows = page.locator(".markers-panel .monaco-list-row");
    await rows.filter({ hasText: "missing-section" }).waitFor({ state: "detached" });
    await rows.filter({ hasText: "unresolved-reference" }).first().waitFor();
    check("an edit of digest.toml turns missing-section off live", true);
  });

  await step(page, "detection off", async () => {
    await runCommand("Digest: Show Server Output");
    await open(TXT_DIGEST);
    await waitForOutput(`${TXT_DIGEST} looks like a digest, but \`digest.detectPlainText\` is off: left as Plain Text.`);
    await statusMode.filter({ hasText: "Plain Text" }).waitFor();
    check(`with digest.detectPlainText off, ${TXT_DIGEST} stays Plain Text`, true);
  });

  await step(page, "rename in the explorer", async () => {
    await open(LINKER);
    await page.locator(".editor-group-container.active .monaco-editor .view-lines", { hasText: "[[old-name#Paper1" }).waitFor();
    const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: "old-name.digest" }).first();
    await row.click();
    await page.keyboard.press("F2");
    const box = page.locator(".explorer-folders-view .monaco-inputbox input");
    await box.waitFor();
    await box.fill("new-name.digest");
    await box.press("Enter");
    // VS Code asks the server (workspace/willRenameFiles), then asks the user
    // before it applies the edit to the open linker.digest.
    const dialog = page.locator(".monaco-dialog-box", { hasText: "wants to make refactoring changes with this file move" });
    await dialog.waitFor();
    await screenshot(page, "rename asks before the refactoring");
    await dialog.getByRole("button", { name: "OK", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "new-name.digest" }).first().waitFor();
    await page.locator(".tabs-container .tab", { hasText: LINKER }).first().click();
    await page.locator(".tabs-container .tab.active", { hasText: LINKER }).waitFor();
    await page.locator(".editor-group-container.active .monaco-editor .view-lines", { hasText: "[[new-name#Paper1" }).waitFor();
    await page.keyboard.press(`${MOD}+s`);
    await page.locator(".tabs-container .tab.active:not(.dirty)", { hasText: LINKER }).waitFor();
    await waitForFile(path.join(WORKSPACE, LINKER), EXTRA_DIGESTS[LINKER].replace("[[old-name#Paper1]]", "[[new-name#Paper1]]"));
    check(
      `renaming old-name.digest to new-name.digest in the Explorer rewrites [[old-name#Paper1]] in the open ${LINKER}`,
      !fs.existsSync(path.join(WORKSPACE, "old-name.digest")) && fs.existsSync(path.join(WORKSPACE, "new-name.digest")),
      "the files on disk",
    );
  });

  await step(page, "bibliography", async () => {
    // A reference manager's export beside the digests, with an entry a hand
    // edit broke: an error `bibliography` of refs.bib, gone once mended in
    // the editor, unsaved (a .bib is sent to the server whatever its language).
    const broken =
      "@article{editoronly2024,\n  title = {An Entry Only The Editor Test Has},\n  year = {2024},\n}\n\n@article{broken,\n  title = {Unclosed\n";
    fs.writeFileSync(path.join(WORKSPACE, "refs.bib"), broken);
    await open("refs.bib");
    const rows = page.locator(".markers-panel .monaco-list-row");
    if (!(await page.locator(".markers-panel").isVisible())) await page.keyboard.press(`${MOD}+Shift+m`);
    const message = "entry `broken`: unexpected end of file";
    await rows.filter({ hasText: message }).filter({ hasText: "bibliography" }).first().waitFor();
    check(`refs.bib's broken entry is in the Problems panel: bibliography, ${message}`, true);
    await page.locator(".editor-group-container.active .monaco-editor .view-lines").click();
    await page.keyboard.press(`${MOD}+End`);
    await page.keyboard.insertText("},\n}\n");
    await rows.filter({ hasText: message }).waitFor({ state: "detached" });
    const onDisk = fs.readFileSync(path.join(WORKSPACE, "refs.bib"), "utf8");
    check("mended in the editor, unsaved (the disk still holds the broken entry), the error goes", onDisk === broken, onDisk);
  });

  await stopAll();
}

/** Waits (at most TIMEOUT) until `file` holds `want`; the error says what it holds. */
async function waitForFile(file, want) {
  const until = Date.now() + TIMEOUT;
  for (;;) {
    const text = fs.readFileSync(file, "utf8");
    if (text === want) return;
    if (Date.now() > until) {
      throw new Error(`${path.basename(file)} holds ${JSON.stringify(text)}, want ${JSON.stringify(want)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Session 3: a user who formats on save and applies the fix-all action on
 * save, configured as the extension's README says, on FORMAT_WORKSPACE.
 */
async function formattingUser() {
  const expected = (relative) => fs.readFileSync(path.join(FORMAT_EXPECTED, relative), "utf8");
  const inWorkspace = (relative) => path.join(FORMAT_WORKSPACE, relative);
  // A second messy digest, for the format on save.
  fs.copyFileSync(inWorkspace("messy.digest"), inWorkspace("format-on-save.digest"));
  const settings = {
    "digest.server.path": DIGEST_LSP,
    "workbench.editor.enablePreview": false,
    // Each line of the text is one rendered line, holding only the text
    // (editorText): no word wrap, no inlay hint (the title after `Paper1`).
    "[digest]": { "editor.formatOnSave": true, "editor.wordWrap": "off" },
    "editor.inlayHints.enabled": "off",
    "editor.codeActionsOnSave": { "source.fixAll.digest": "explicit" },
  };
  const { page, input, runCommand, gotoLine, quickOpen, paperCount, waitForEditorText } =
    await launch("format", FORMAT_WORKSPACE, settings);
  const activeEditor = ".editor-group-container.active .monaco-editor";
  const save = async (name) => {
    await page.keyboard.press(`${MOD}+s`);
    await page.locator(".tabs-container .tab.active:not(.dirty)", { hasText: name }).waitFor();
  };

  await step(page, "format workbench loads", async () => {
    await page.locator(".monaco-workbench").waitFor({ timeout: 4 * TIMEOUT });
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "messy.digest" }).waitFor();
  });

  await step(page, "format document", async () => {
    await quickOpen("messy.digest");
    await paperCount(2); // the server is up and has the file
    await page.keyboard.press("Escape");
    await input.waitFor({ state: "hidden" });
    await screenshot(page, "messy before Format Document");
    await runCommand("Format Document", { exact: true });
    await waitForEditorText(expected("messy.digest"));
    check("Format Document (command palette) gives the canonical layout of messy.digest", true);
    await save("messy.digest");
    await waitForFile(inWorkspace("messy.digest"), expected("messy.digest"));
    check("saved, messy.digest holds exactly the formatted text (LF, one final newline)", true);
  });

  await step(page, "format on save", async () => {
    await quickOpen("format-on-save.digest");
    await paperCount(2);
    await page.keyboard.press("Escape");
    await input.waitFor({ state: "hidden" });
    await page.keyboard.press(`${MOD}+s`); // saves even an unmodified file, with its save participants
    await waitForFile(inWorkspace("format-on-save.digest"), expected("messy.digest"));
    await waitForEditorText(expected("messy.digest"));
    check('with "[digest]": { "editor.formatOnSave": true }, Ctrl+S formats the digest', true);
  });

  await step(page, "fix all", async () => {
    await quickOpen("typography/notes.digest");
    // The cjk-spacing warnings: the server read typography/digest.toml.
    await page.locator(`${activeEditor} .squiggly-warning`).first().waitFor();
    await screenshot(page, "notes before Fix All");
    await runCommand("Fix All", { exact: true });
    await waitForEditorText(expected("typography/notes.digest"));
    check("Fix All applies the cjk-spacing fixes of notes.digest, and nothing else", true);
    await page.locator(`${activeEditor} .squiggly-warning`).first().waitFor({ state: "detached" });
    check("after Fix All, notes.digest has no cjk-spacing warning left", true);
  });

  await step(page, "fix all on save", async () => {
    await quickOpen("no-format/on-save.digest");
    await page.locator(`${activeEditor} .squiggly-warning`).first().waitFor();
    await page.keyboard.press(`${MOD}+s`);
    await waitForFile(inWorkspace("no-format/on-save.digest"), expected("no-format/on-save.digest"));
    check(
      'with "editor.codeActionsOnSave": { "source.fixAll.digest": "explicit" }, Ctrl+S fixes the spacing; ' +
        "[format] enabled = false keeps the layout",
      true,
    );
    await page.locator(`${activeEditor} .squiggly-warning`).first().waitFor({ state: "detached" });
    check("after the save, on-save.digest has no cjk-spacing warning left", true);
  });

  await step(page, "fix all in the settings schema", async () => {
    // VS Code documents the kinds its code action providers announce: hovering the
    // key in settings.json shows the description it gave source.fixAll.digest.
    await runCommand("Preferences: Open User Settings (JSON)", { exact: true });
    await page.locator(".tabs-container .tab.active", { hasText: "settings.json" }).waitFor();
    const file = path.join(SCRATCH, "user-data-format", "User", "settings.json");
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const line = lines.findIndex((l) => l.includes('"source.fixAll.digest"')) + 1;
    const col = lines[line - 1].indexOf("source.fixAll.digest") + 1;
    const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: "'source.fixAll.digest' actions" });
    // The schema follows the providers with a delay: hover again until it shows.
    for (let attempt = 1; ; attempt++) {
      await page.mouse.move(5, 500);
      await gotoLine(line, col + 5);
      const box = await page.locator(`${activeEditor}.focused .cursor`).first().boundingBox();
      if (!box) throw new Error("no cursor on screen");
      await page.mouse.move(box.x + 2, box.y + box.height / 2);
      try {
        await hover.first().waitFor({ state: "visible", timeout: 5000 });
        break;
      } catch (err) {
        if (attempt === 5) throw err;
      }
    }
    await page.waitForTimeout(300); // the hover's fade-in, for the screenshot
    const text = await hover.first().innerText();
    check(
      "settings.json knows source.fixAll.digest in editor.codeActionsOnSave (its hover)",
      text.includes("Controls whether 'source.fixAll.digest' actions should be run on file save."),
      text,
    );
  });

  await stopAll();
}

/**
 * Session 4: the preview and the export (issue 16), on the digest saved as
 * .txt (TXT_WORKSPACE): the preview opens beside it, follows the cursor and
 * an edit, and a click on a paper in it moves the cursor; Digest: Export...
 * writes the HTML next to the file.
 */
async function previewUser() {
  const settings = { "digest.server.path": DIGEST_LSP, "workbench.editor.enablePreview": false };
  const { page, input, statusMode, statusSelection, runCommand, gotoLine, open, paperCount } =
    await launch("preview", TXT_WORKSPACE, settings);
  const digestFile = path.join(TXT_WORKSPACE, TXT_DIGEST);
  const text = fs.readFileSync(digestFile, "utf8").split(/\r\n|\n|\r/);
  /** The 1-based line of the heading of paper n. */
  const heading = (n) => text.findIndex((l) => new RegExp(`^Paper0*${n}(?![0-9])`).test(l)) + 1;
  // The webview: an iframe of the workbench, holding the page in another.
  const preview = page.frameLocator("iframe.webview.ready").first().frameLocator("#active-frame");
  const papers = preview.locator("[id^=paper][data-line]");
  /** True when the paper's element is marked current and its top is on screen. */
  const currentAndVisible = (n) =>
    preview.locator(`#paper${n}.digest-current`).evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      return top > -2 && top < window.innerHeight;
    });
  const waitCurrent = async (n) => {
    await preview.locator(`#paper${n}.digest-current`).waitFor({ state: "attached" });
    const until = Date.now() + TIMEOUT;
    while (!(await currentAndVisible(n))) {
      if (Date.now() > until) throw new Error(`#paper${n} is marked current but not scrolled into view`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const middle = Math.max(1, Math.min(20, TXT_PAPERS - 1));

  await step(page, "preview workbench loads", async () => {
    await page.locator(".monaco-workbench").waitFor({ timeout: 4 * TIMEOUT });
    await open(TXT_DIGEST);
    await statusMode.filter({ hasText: "Paper Digest" }).waitFor();
    await paperCount(TXT_PAPERS);
    await page.keyboard.press("Escape");
    await input.waitFor({ state: "hidden" });
  });

  await step(page, "preview opens beside", async () => {
    await gotoLine(heading(1) + 1, 1);
    await runCommand("Digest: Open Preview to the Side");
    await page.locator(".tabs-container .tab", { hasText: `Preview ${TXT_DIGEST}` }).waitFor();
    await preview.locator(`#paper${TXT_PAPERS}`).waitFor({ state: "attached" });
    const count = await papers.count();
    const groups = await page.locator(".editor-group-container").count();
    check(
      `Digest: Open Preview to the Side shows the ${TXT_PAPERS} papers of ${TXT_DIGEST} in a webview beside it`,
      count === TXT_PAPERS && groups === 2,
      `${count} paper elements, ${groups} editor groups`,
    );
    const lines = await papers.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-line"))));
    const want = Array.from({ length: TXT_PAPERS }, (_, i) => heading(i + 1) - 1);
    check("each paper of the preview carries the line of its heading", JSON.stringify(lines) === JSON.stringify(want), JSON.stringify(lines));
  });

  await step(page, "preview follows the cursor", async () => {
    await page.locator(".editor-group-container .monaco-editor .view-lines").first().click();
    await gotoLine(heading(middle), 3);
    await waitCurrent(middle);
    check(`moving the cursor into Paper${middle} scrolls the preview to it`, true);
  });

  await step(page, "preview follows an edit", async () => {
    const added = TXT_PAPERS + 1;
    await page.keyboard.press(`${MOD}+End`);
    await page.keyboard.insertText(`\n\nPaper${added} A Paper Typed During The Test\n\nAbstract: Written in the editor; the preview shows it.\n`);
    await preview.locator(`#paper${added}`).waitFor({ state: "attached" });
    await waitCurrent(added);
    const count = await papers.count();
    check(`a paper typed at the end appears in the preview (${count} papers), scrolled to`, count === added, `${count} paper elements`);
  });

  await step(page, "click in the preview", async () => {
    const target = Math.min(5, TXT_PAPERS);
    const element = preview.locator(`#paper${target}`);
    const box = await element.boundingBox();
    if (!box || box.height === 0) throw new Error(`#paper${target} has no size in the preview: nothing to click`);
    // Away from the heading's own link, if the page has one there.
    await element.click({ position: { x: Math.min(40, box.width / 2), y: box.height - 4 } });
    const line = heading(target);
    await statusSelection.filter({ hasText: `Ln ${line}, Col 1` }).waitFor();
    check(`a click on Paper${target} in the preview moves the cursor to its heading (Ln ${line})`, true);
  });

  await step(page, "link to another digest in the preview", async () => {
    // A wiki reference typed at the end becomes a link to the other
    // digest's export (its name without extension, .html#paper1); a click opens that digest
    // at the heading instead of leaving the preview blank.
    const other = fs.readFileSync(path.join(TXT_WORKSPACE, TXT_OTHER), "utf8").split(/\r\n|\n|\r/);
    const line = other.findIndex((l) => /^Paper0*1(?![0-9])/.test(l)) + 1;
    await page.locator(".tabs-container .tab", { hasText: TXT_DIGEST }).first().click();
    // The keyboard to the text (the last click was in the webview).
    await page.locator(".monaco-editor .view-lines").first().click();
    // Typed before Paper<middle>'s heading: the end of Paper<middle-1>.
    await gotoLine(heading(middle), 1);
    await page.keyboard.insertText(`See also [[${TXT_OTHER}#Paper1]].\n`);
    const link = preview.locator(`a[href="${TXT_OTHER.replace(/\.[^.]*$/, "")}.html#paper1"]`);
    await link.waitFor({ state: "attached" });
    await link.click();
    const tab = page.locator(".tabs-container .tab.active", { hasText: TXT_OTHER });
    await tab.waitFor();
    // The webview may keep the focus from the click (seen under load), and
    // the status bar shows the cursor of a focused editor only: its tab
    // gives the focus back without moving the cursor.
    await tab.click();
    await statusSelection.filter({ hasText: `Ln ${line}, Col 1` }).waitFor();
    check(`a click on [[${TXT_OTHER}#Paper1]] in the preview opens ${TXT_OTHER} at its Paper1 (Ln ${line})`, true);
  });

  await step(page, "export command", async () => {
    await page.locator(".tabs-container .tab", { hasText: TXT_DIGEST }).first().click();
    // Not runCommand: the format's quick pick follows the palette at once.
    // The palette once more when it closes under the click (seen now and
    // then in this workbench, whatever the step before).
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press("F1");
      await input.waitFor({ state: "visible" });
      await input.fill(">Digest: Export...");
      try {
        const row = page.locator(".quick-input-list .monaco-list-row", { hasText: "Digest: Export..." }).first();
        await row.click({ timeout: 10000 });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        await page.keyboard.press("Escape");
      }
    }
    await page.locator('.quick-input-widget input[placeholder="Format"]').waitFor({ state: "visible" });
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "one self-contained page" }).first().click();
    await input.waitFor({ state: "hidden" });
    const written = path.join(TXT_WORKSPACE, TXT_DIGEST.replace(/\.[^.]*$/, "") + ".html");
    const toast = page.locator(".notification-toast", { hasText: "Exported to" });
    await toast.first().waitFor();
    const message = await toast.first().innerText();
    const html = fs.existsSync(written) ? fs.readFileSync(written, "utf8") : "";
    const count = (html.match(/ id="paper\d+"/g) ?? []).length;
    check(
      `Digest: Export... > HTML writes ${path.basename(written)} next to the digest (the edited text, ${TXT_PAPERS + 1} papers) and says so`,
      message.includes(path.basename(written)) && count === TXT_PAPERS + 1,
      `${message}; ${count} paper elements`,
    );
  });

  await stopAll();
}

async function main() {
  // Install the extension into the scratch extensions folder.
  const installed = execFileSync(CODE_SERVER, [...commonArgs(path.join(SCRATCH, "user-data-install")), "--install-extension", VSIX], {
    env: scratchEnv,
    encoding: "utf8",
    timeout: TIMEOUT,
  });
  check("the .vsix installs", /successfully installed/i.test(installed), installed);
  installedServer = fs.readdirSync(extensions)
    .map((dir) => path.join(extensions, dir, "server", "digest-lsp"))
    .find((file) => fs.existsSync(file));
  const mode = installedServer ? fs.statSync(installedServer).mode : 0;
  check(
    "the installed extension has server/digest-lsp, executable",
    installedServer !== undefined && (mode & 0o111) === 0o111,
    `${installedServer} mode ${mode.toString(8)}`,
  );

  // The formatter default names the extension by its id.
  const manifest = installedServer && JSON.parse(fs.readFileSync(path.join(path.dirname(installedServer), "..", "package.json"), "utf8"));
  const id = manifest && `${manifest.publisher}.${manifest.name}`;
  const formatter = manifest?.contributes?.configurationDefaults?.["[digest]"]?.["editor.defaultFormatter"];
  check(`the extension is the default formatter of digests (${formatter}, its id ${id})`, id !== undefined && formatter === id, formatter);

  // E2E_SESSIONS="fresh configured format preview" (default: all) runs some.
  const sessions = (process.env.E2E_SESSIONS ?? "fresh configured format preview").split(/\s+/);
  if (sessions.includes("fresh")) await freshUser();
  if (sessions.includes("configured")) await configuredUser();
  if (sessions.includes("format")) await formattingUser();
  if (sessions.includes("preview")) await previewUser();
}

try {
  await main();
} catch (err) {
  check("the test ran to the end", false, err?.stack ?? err);
} finally {
  await stopAll();
}
log(`vscode: ${passed} checks passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
