// The HTML export of a digest opened in headless Chromium (playwright-core):
// the page is self-contained (it asks for nothing but itself), shows a table
// of contents with a link per paper and an element per paper, and is
// screenshotted.
//
//   node export-page.mjs PAGE.html SHOT.png PAPERS
//
// Environment: CHROMIUM (default /usr/bin/chromium), SCRATCH (an empty
// folder for the browser's profile). Prints one `PASS export-html: <check>`
// or `FAIL export-html: <check>: <why>` line per check; exits non-zero when
// one failed.

import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./chromium.mjs";

const [page_, shot, papersArg] = process.argv.slice(2);
const PAPERS = Number(papersArg);
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
let failed = 0;

function check(name, ok, why = "") {
  if (!ok) failed++;
  const line = ok ? `PASS export-html: ${name}` : `FAIL export-html: ${name}: ${String(why).slice(0, 1000)}`;
  fs.writeSync(1, line + "\n");
}

let browser;
try {
  if (!page_ || !fs.existsSync(page_)) throw new Error(`no page at ${page_}`);
  const profile = fs.mkdtempSync(path.join(process.env.SCRATCH ?? "/tmp", "chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: CHROMIUM_ARGS,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const url = pathToFileURL(path.resolve(page_)).href;
  const elsewhere = [];
  page.on("request", (request) => {
    if (request.url() !== url && !request.url().startsWith("data:")) elsewhere.push(request.url());
  });
  await page.goto(url, { waitUntil: "load", timeout: 30_000 });
  const found = await page.evaluate(() => ({
    papers: document.querySelectorAll("[id^=paper][data-line]").length,
    toc: document.querySelectorAll('nav a[href^="#paper"]').length,
    title: document.title,
  }));
  check(`the page shows a table of contents with a link per paper (${PAPERS})`, found.toc === PAPERS, `${found.toc} links in <nav>`);
  check(`the page has an element per paper (${PAPERS}), id="paperN" with data-line`, found.papers === PAPERS, `${found.papers} elements`);
  check("the page is self-contained: it asks for no other resource", elsewhere.length === 0, elsewhere.join(" "));
  check("the page has a title", found.title.trim() !== "", JSON.stringify(found.title));
  await page.screenshot({ path: shot });
  check(`a screenshot is taken (${path.basename(shot)})`, fs.existsSync(shot));
} catch (err) {
  check("the page opened in Chromium", false, err?.message ?? err);
} finally {
  if (browser) await browser.close().catch(() => {});
}
process.exit(failed > 0 ? 1 : 0);
