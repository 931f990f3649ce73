// The preview beside a digest and the interactive export (spec, "Export").
//
// The preview is a webview showing the server's HTML rendering
// (`digest/render`): requested again as one types (debounced; each reply
// carries the version it renders, and one older than what is shown is
// dropped), scrolled to the paper under the cursor, and a click on a paper
// moves the cursor to its heading. It relies on the HTML contract of the
// server's renderer: every paper is an element with `id="paperN"` and
// `data-line="L"`, L the 0-based line of its heading.

import * as crypto from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

/** How long the preview waits for typing to pause before it asks again. */
const DEBOUNCE_MS = 150;

/** What `digest/render` answers. */
interface Rendered {
  uri: string;
  version: number | null;
  format: string;
  text: string;
}

/** The formats of the export, as the quick pick shows them. */
const FORMATS: { label: string; name: string; description: string }[] = [
  { label: "HTML", name: "html", description: "one self-contained page (.html)" },
  { label: "Markdown", name: "markdown", description: "CommonMark (.md)" },
  { label: "JSON", name: "json", description: "the digest as data (.json)" },
];

/** Registers the preview's command and what keeps the previews in step. */
export function registerPreview(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
  output: vscode.OutputChannel,
): void {
  const previews = new Map<string, Preview>();
  context.subscriptions.push(
    vscode.commands.registerCommand("digest.openPreview", (uri?: vscode.Uri) => {
      const editor = vscode.window.activeTextEditor;
      const document = uri
        ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
        : editor?.document;
      if (!document || document.languageId !== "digest") {
        void vscode.window.showInformationMessage("Open a digest to preview it.");
        return;
      }
      const key = document.uri.toString();
      const open = previews.get(key);
      if (open) {
        open.panel.reveal(undefined, true);
        return;
      }
      const preview = new Preview(document, client, output, () => previews.delete(key));
      previews.set(key, preview);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => previews.get(e.document.uri.toString())?.changed()),
    vscode.workspace.onDidSaveTextDocument((d) => previews.get(d.uri.toString())?.changed()),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      previews.get(e.textEditor.document.uri.toString())?.follow(e.selections[0].active.line);
    }),
    { dispose: () => [...previews.values()].forEach((p) => p.panel.dispose()) },
  );
}

/** One preview: a webview panel beside the digest it shows. */
class Preview {
  readonly panel: vscode.WebviewPanel;
  /** The version shown (-1: nothing yet). */
  private shown = -1;
  /** The last request sent; an answer to an older one is dropped. */
  private sent = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The cursor's line, to scroll to once a rendering arrives. */
  private line = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly document: vscode.TextDocument,
    private readonly client: () => LanguageClient | undefined,
    private readonly output: vscode.OutputChannel,
    onDispose: () => void,
  ) {
    const title = `Preview ${path.basename(document.uri.path)}`;
    this.panel = vscode.window.createWebviewPanel(
      "digest.preview",
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [], enableFindWidget: true },
    );
    this.panel.webview.html = shell(this.panel.webview);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    this.line = editor?.selection.active.line ?? 0;
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message) => this.received(message)),
      this.panel.onDidDispose(() => {
        clearTimeout(this.timer);
        this.disposables.forEach((d) => d.dispose());
        onDispose();
      }),
    );
    void this.render();
  }

  /** The document changed: render again once typing pauses. */
  changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.render(), DEBOUNCE_MS);
  }

  /** The cursor moved to `line`: scroll to the paper there. */
  follow(line: number): void {
    this.line = line;
    void this.panel.webview.postMessage({ type: "scroll", line });
  }

  private async render(): Promise<void> {
    const client = this.client();
    if (!client || !client.isRunning()) {
      void this.panel.webview.postMessage({ type: "notice", text: "The digest language server is not running." });
      return;
    }
    const request = ++this.sent;
    const version = this.document.version;
    let rendered: Rendered;
    try {
      rendered = await client.sendRequest<Rendered>("digest/render", {
        textDocument: { uri: this.document.uri.toString() },
        format: "html",
      });
    } catch (err) {
      // ContentModified: a newer version is on its way.
      this.output.appendLine(`The preview of ${this.document.uri.toString()} was not rendered: ${String(err)}`);
      return;
    }
    // Stale: a newer request was sent, or this renders an older version.
    const renderedVersion = rendered.version ?? version;
    if (request !== this.sent || renderedVersion < this.shown || this.document.isClosed) return;
    this.shown = renderedVersion;
    void this.panel.webview.postMessage({
      type: "update",
      html: rendered.text,
      version: renderedVersion,
      line: this.line,
    });
  }

  /** A message of the webview's script: a click on a paper, or on a link
   * to another digest. */
  private received(message: unknown): void {
    const m = message as { type?: string; line?: unknown; href?: unknown };
    if (m.type === "follow" && typeof m.href === "string") {
      void openExportedLink(this.document.uri, m.href);
      return;
    }
    if (m.type !== "reveal" || typeof m.line !== "number" || !Number.isInteger(m.line)) return;
    const line = Math.max(0, Math.min(m.line, this.document.lineCount - 1));
    const position = new vscode.Position(line, 0);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
    const column = visible?.viewColumn ?? vscode.ViewColumn.One;
    void vscode.window
      .showTextDocument(this.document, { viewColumn: column, preserveFocus: false })
      .then((editor) => {
        editor.selection = new vscode.Selection(position, position);
        editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      });
  }
}

/**
 * The digest an exported link names (`other.html#paper2`, relative to
 * `from`'s folder): `other.digest`, else `other` as written, else
 * `other.txt`, opened at its heading `PaperN` when the anchor names one.
 */
export async function openExportedLink(from: vscode.Uri, href: string): Promise<boolean> {
  const [path, anchor = ""] = href.split("#", 2);
  let base: string;
  try {
    base = decodeURIComponent(path).replace(/\.html$/, "");
  } catch {
    return false;
  }
  if (!base) return false;
  const folder = vscode.Uri.joinPath(from, "..");
  for (const name of [`${base}.digest`, base, `${base}.txt`]) {
    const uri = vscode.Uri.joinPath(folder, name);
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type !== vscode.FileType.File) continue;
    } catch {
      continue;
    }
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    const number = /^paper(\d+)/.exec(anchor)?.[1];
    if (number) {
      const heading = new RegExp(`^\\S+?\\s?0*${Number(number)}(?![0-9A-Za-z_])`);
      for (let line = 0; line < editor.document.lineCount; line++) {
        if (heading.test(editor.document.lineAt(line).text)) {
          const position = new vscode.Position(line, 0);
          editor.selection = new vscode.Selection(position, position);
          editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
          break;
        }
      }
    }
    return true;
  }
  void vscode.window.showWarningMessage(`Digest: no digest found for the link ${href}`);
  return false;
}

/**
 * The page of the webview: a strict Content Security Policy (no source but
 * the nonce's script; the rendering's inline styles allowed), and the script
 * that puts each rendering in, scrolls and reports clicks.
 */
function shell(webview: vscode.Webview): string {
  const nonce = crypto.randomBytes(16).toString("base64");
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `img-src ${webview.cspSource} https: data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">
  [data-line] { cursor: pointer; }
  .digest-current { outline: 2px solid var(--vscode-focusBorder, #0078d4); outline-offset: 4px; }
  #digest-notice { font-family: var(--vscode-font-family); color: var(--vscode-descriptionForeground); padding: 1em; }
</style>
<script nonce="${nonce}">${SCRIPT}</script>
</head>
<body><p id="digest-notice">Rendering…</p></body>
</html>`;
}

/** The webview's script (runs in the webview, not in the extension host). */
const SCRIPT = `
(() => {
  const vscode = acquireVsCodeApi();
  let pageStyles = [];
  let current = null;
  // The paper whose heading is the last at or before line.
  const paperAt = (line) => {
    let found = null;
    for (const el of document.querySelectorAll("[data-line]")) {
      const l = Number(el.getAttribute("data-line"));
      if (Number.isInteger(l) && l <= line && (!found || l >= Number(found.getAttribute("data-line")))) found = el;
    }
    return found;
  };
  const scrollTo = (line) => {
    const el = paperAt(line);
    if (current && current !== el) current.classList.remove("digest-current");
    current = el;
    if (!el) { window.scrollTo(0, 0); return; }
    el.classList.add("digest-current");
    el.scrollIntoView({ block: "start" });
  };
  window.addEventListener("message", (event) => {
    const m = event.data;
    if (!m || typeof m !== "object") return;
    if (m.type === "update" && typeof m.html === "string") {
      const page = new DOMParser().parseFromString(m.html, "text/html");
      for (const s of pageStyles) s.remove();
      pageStyles = [...page.head.querySelectorAll("style")].map((s) => {
        const style = document.createElement("style");
        style.textContent = s.textContent;
        document.head.appendChild(style);
        return style;
      });
      // Scripts of the page never run: the policy allows only this one.
      for (const s of page.body.querySelectorAll("script")) s.remove();
      document.body.replaceChildren(...[...page.body.childNodes].map((n) => document.importNode(n, true)));
      for (const name of ["class", "lang"]) {
        const value = page.documentElement.getAttribute(name);
        if (value !== null) document.documentElement.setAttribute(name, value);
      }
      document.body.dataset.version = String(m.version);
      current = null;
      scrollTo(m.line);
    } else if (m.type === "scroll" && typeof m.line === "number") {
      scrollTo(m.line);
    } else if (m.type === "notice" && typeof m.text === "string") {
      const p = document.createElement("p");
      p.id = "digest-notice";
      p.textContent = m.text;
      document.body.replaceChildren(p);
    }
  });
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const link = target.closest("a[href]");
    if (link) {
      // Anchors and web links keep their meaning; a link to another
      // digest's export (other.html#paper2) opens that digest instead of
      // leaving the preview blank.
      const href = link.getAttribute("href") || "";
      if (href.startsWith("#") || /^https?:/i.test(href)) return;
      event.preventDefault();
      vscode.postMessage({ type: "follow", href });
      return;
    }
    const paper = target.closest("[data-line]");
    if (!paper) return;
    const line = Number(paper.getAttribute("data-line"));
    if (Number.isInteger(line)) vscode.postMessage({ type: "reveal", line });
  });
})();
`;

/**
 * "Digest: Export...": a quick pick of the format, then the server's
 * `digest.export` command (`run`) on the active digest; shows the file
 * written, with an Open action.
 */
export async function exportInteractively(
  run: (uri: string, format: string) => Promise<unknown>,
  target?: vscode.Uri,
): Promise<void> {
  const document = target
    ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString())
    : vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== "digest") {
    void vscode.window.showInformationMessage("Open a digest to export it.");
    return;
  }
  const picked = await vscode.window.showQuickPick(FORMATS, {
    title: `Export ${path.basename(document.uri.path)}`,
    placeHolder: "Format",
  });
  if (!picked) return;
  let written: unknown;
  try {
    written = await run(document.uri.toString(), picked.name);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Export failed: ${message}`);
    return;
  }
  if (typeof written !== "string") return;
  const uri = vscode.Uri.parse(written);
  const shown = vscode.workspace.asRelativePath(uri);
  const choice = await vscode.window.showInformationMessage(`Exported to ${shown}`, "Open");
  if (choice === "Open") {
    await vscode.commands.executeCommand("vscode.open", uri, { viewColumn: vscode.ViewColumn.Beside });
  }
}
