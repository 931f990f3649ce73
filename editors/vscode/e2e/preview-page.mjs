// The browser preview (`digest.preview`, for editors without a webview) in
// headless Chromium (playwright-core), its script running for real against
// the real server: this script is the editor (a minimal LSP client over the
// server's stdio, which answers window/showDocument) and Chromium is the
// browser. Checks that the page shows the digest under its strict policy,
// takes an edit and the cursor from its event stream, and that a click on a
// paper or on a link to another digest asks the editor to show it there.
//
//   node preview-page.mjs SERVER WORKSPACE SHOT.png
//
// WORKSPACE: a scratch copy of editors/fixtures/workspace. Environment:
// CHROMIUM (default /usr/bin/chromium), SCRATCH (an empty folder for the
// browser's profile). Prints one `PASS preview-page: <check>` or
// `FAIL preview-page: <check>: <why>` line per check; exits non-zero when
// one failed. Waits on events with timeouts, never on fixed delays.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./chromium.mjs";

const [SERVER, WORKSPACE, SHOT] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const TIMEOUT = 20_000;
let failed = 0;

function check(name, ok, why = "") {
  if (!ok) failed++;
  const line = ok ? `PASS preview-page: ${name}` : `FAIL preview-page: ${name}: ${String(why).slice(0, 1000)}`;
  fs.writeSync(1, line + "\n");
  return ok;
}

/** A language client over the server's stdio: requests, notifications,
 * and the server's window/showDocument requests recorded and answered. */
class Lsp {
  constructor(command) {
    this.child = spawn(command, [], { stdio: ["pipe", "pipe", "inherit"] });
    this.buffer = Buffer.alloc(0);
    this.next = 1;
    this.pending = new Map();
    this.shown = [];
    this.waiters = [];
    this.child.stdout.on("data", (chunk) => this.read(chunk));
  }

  read(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString("utf8"));
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.received(message);
    }
  }

  received(message) {
    if (message.id !== undefined && message.method === undefined) {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiting?.reject(new Error(message.error.message));
      else waiting?.resolve(message.result);
    } else if (message.id !== undefined) {
      if (message.method === "window/showDocument") {
        this.shown.push(message.params);
        this.waiters.forEach((w) => w());
      }
      const result = message.method === "window/showDocument" ? { success: true } : null;
      this.send({ jsonrpc: "2.0", id: message.id, result });
    }
  }

  send(message) {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request(method, params) {
    const id = this.next++;
    this.send({ jsonrpc: "2.0", id, method, params });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      setTimeout(() => reject(new Error(`no answer to ${method} within ${TIMEOUT} ms`)), TIMEOUT).unref();
    });
  }

  notify(method, params) {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /** The next window/showDocument request (the n-th, counting from 0). */
  async showDocument(n) {
    const deadline = Date.now() + TIMEOUT;
    while (this.shown.length <= n) {
      if (Date.now() > deadline) throw new Error(`no window/showDocument within ${TIMEOUT} ms`);
      await new Promise((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, deadline - Date.now()).unref();
      });
      this.waiters = [];
    }
    return this.shown[n];
  }
}

const headingLine = (text, pattern) => text.split(/\r\n|\r|\n/).findIndex((l) => pattern.test(l));

let browser;
let lsp;
try {
  const digest = path.join(WORKSPACE, "vision-kd.digest");
  const related = path.join(WORKSPACE, "related.digest");
  const uri = pathToFileURL(digest).href;
  const text = fs.readFileSync(digest, "utf8");
  lsp = new Lsp(SERVER);
  await lsp.request("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(WORKSPACE).href,
    capabilities: { window: { showDocument: { support: true } } },
  });
  lsp.notify("initialized", {});
  lsp.notify("textDocument/didOpen", { textDocument: { uri, languageId: "digest", version: 1, text } });
  const url = await lsp.request("workspace/executeCommand", { command: "digest.preview", arguments: [uri] });
  check("digest.preview answers an address on 127.0.0.1", /^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/\d+\/$/.test(url), url);

  const profile = fs.mkdtempSync(path.join(process.env.SCRATCH ?? "/tmp", "chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 400 },
    args: CHROMIUM_ARGS,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(e.message));
  const elsewhere = [];
  const origin = new URL(url).origin;
  page.on("request", (r) => {
    const at = r.url();
    if (!at.startsWith(origin) && !at.startsWith("data:") && !at.endsWith("/redirect.html")) elsewhere.push(at);
  });
  // As Neovim opens it: a local file that redirects to the address (the
  // token never on the browser's command line).
  const redirect = path.join(profile, "redirect.html");
  fs.writeFileSync(redirect, `<!DOCTYPE html>\n<meta charset="utf-8">\n<meta http-equiv="refresh" content="0;url=${url}">\n`);
  await page.goto(pathToFileURL(redirect).href, { waitUntil: "load", timeout: TIMEOUT });
  await page.waitForURL(url, { timeout: TIMEOUT });
  check("a local file that redirects to the address lands on the page", page.url() === url, page.url());
  const papers = await page.locator("article[data-line]").count();
  check("the page shows the digest's four papers", papers === 4, `${papers} papers`);

  // The script runs (the policy lets it) and applies the stream's rendering.
  await page.waitForFunction(() => document.body.dataset.version === "1", null, { timeout: TIMEOUT });
  check("the script runs under the page's policy and applies the stream's first rendering (version 1)", true);

  const edited = `${text}\nPaper5 Typed In The Editor\n\nAbstract: Not saved.\n`;
  lsp.notify("textDocument/didChange", {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: edited }],
  });
  await page.locator("#paper5").waitFor({ timeout: TIMEOUT });
  const version = await page.evaluate(() => document.body.dataset.version);
  check("an edit in the editor reaches the page (Paper5, version 2)", version === "2", version);

  const paper3 = headingLine(edited, /^Paper3 /);
  lsp.notify("digest/cursor", { textDocument: { uri }, position: { line: paper3 + 1, character: 0 } });
  await page.locator("#paper3.digest-current").waitFor({ timeout: TIMEOUT });
  const top = await page.evaluate(() => Math.round(document.getElementById("paper3").getBoundingClientRect().top));
  check(`the page scrolls to the paper under the editor's cursor (Paper3 at the top: ${top}px)`, Math.abs(top) <= 2, `${top}px`);
  await page.screenshot({ path: SHOT });
  check(`a screenshot is taken (${path.basename(SHOT)})`, fs.existsSync(SHOT));

  const paper2 = headingLine(edited, /^Paper2 /);
  await page.locator("#paper2 h2").first().click();
  const shown = await lsp.showDocument(0);
  check(
    `a click on Paper2 asks the editor to show it at its heading (line ${paper2})`,
    shown.uri === uri && shown.selection?.start?.line === paper2 && shown.takeFocus === true,
    JSON.stringify(shown),
  );
  const link = page.locator('a[href^="related.html#paper1"]').first();
  await link.click();
  const followed = await lsp.showDocument(1);
  const relatedLine = headingLine(fs.readFileSync(related, "utf8"), /^Paper1 /);
  check(
    `a click on [[related#Paper1]] asks the editor to show related.digest at its Paper1 (line ${relatedLine})`,
    followed.uri === pathToFileURL(related).href && followed.selection?.start?.line === relatedLine,
    JSON.stringify(followed),
  );
  check("the preview stays on its page after the clicks", page.url() === url, page.url());
  check("the page asks for nothing but its own address", elsewhere.length === 0, elsewhere.join(" "));
  check("no error in the page's console (no policy violation)", problems.length === 0, problems.join(" | "));
} catch (err) {
  check("the preview ran in Chromium", false, err?.stack ?? err);
} finally {
  await browser?.close().catch(() => {});
  if (lsp) {
    await lsp.request("shutdown", null).catch(() => {});
    lsp.notify("exit", null);
  }
}
process.exit(failed ? 1 : 0);
