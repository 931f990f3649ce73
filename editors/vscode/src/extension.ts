// The VS Code client for digest-lsp: find the binary, start it, restart it.
// All intelligence lives in the server; this file only wires it up.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";
import { looksLikeDigest } from "./detect";
import { exportInteractively, registerPreview } from "./preview";

const CLIENT_ID = "digest"; // also the prefix of the `digest.trace.server` setting
const CLIENT_NAME = "Digest Language Server";
const BINARY = "digest-lsp";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
/** Serialises start/stop/restart so that quick config edits cannot race. */
let pending: Promise<void> = Promise.resolve();
/** The folder of the installed extension: the bundled server is in its `server/`. */
let extensionPath = "";
/** Whether the server is wanted: a digest is open, or the workspace has a digest.toml. */
let wanted = false;
/**
 * Plain-text documents this extension gave the language `digest`, while they
 * stay open. One that is plain text again was switched back by the user (a
 * language change is a close and an open of the same document, in one go):
 * it is left alone.
 */
const switched = new Set<string>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  traceOutput = vscode.window.createOutputChannel(`${CLIENT_NAME} Trace`);
  context.subscriptions.push(
    output,
    traceOutput,
    vscode.commands.registerCommand("digest.restartServer", () => {
      output.appendLine("Restarting the server.");
      wanted = true;
      return serialise(restart);
    }),
    vscode.commands.registerCommand("digest.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("digest.showReferences", showReferences),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("digest.server") && wanted) {
        void serialise(restart);
      }
    }),
    vscode.workspace.onDidOpenTextDocument(onOpen),
    // (`digest.export` is the server's command, registered by the client:
    // see setRunning.)
    vscode.workspace.onDidCloseTextDocument(onClose),
  );
  registerPreview(context, () => client, output);
  // The extension also activates on plain text (to look for digests in it):
  // the server starts only once there is a digest to serve.
  for (const doc of vscode.workspace.textDocuments) onOpen(doc);
  if (!wanted) {
    const configs = await vscode.workspace.findFiles("**/digest.toml", "**/node_modules/**", 1);
    if (configs.length > 0) want();
  }
  await pending;
}

/** Starts the server the first time it is wanted. */
function want(): void {
  if (!wanted) {
    wanted = true;
    void serialise(start);
  }
}

function onOpen(doc: vscode.TextDocument): void {
  if (doc.languageId === "digest") {
    want();
  } else if (doc.languageId === "plaintext") {
    detectDigest(doc);
  }
}

/** A document really closed (not a language change) is forgotten: opened again, it is looked at again. */
function onClose(doc: vscode.TextDocument): void {
  const key = doc.uri.toString();
  if (!switched.has(key)) return;
  setTimeout(() => {
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) switched.delete(key);
  }, 0);
}

/**
 * Gives a plain-text file that looks like a digest (see src/detect.ts) the
 * language `digest`, unless `digest.detectPlainText` is false or the user
 * switched it back to plain text.
 */
function detectDigest(doc: vscode.TextDocument): void {
  if (doc.uri.scheme !== "file") return;
  const name = vscode.workspace.asRelativePath(doc.uri);
  if (switched.has(doc.uri.toString())) {
    output.appendLine(`${name} was switched back to Plain Text: left so.`);
    return;
  }
  const lines = function* () {
    for (let i = 0; i < doc.lineCount; i++) yield doc.lineAt(i).text;
  };
  if (!looksLikeDigest(lines())) return;
  if (!vscode.workspace.getConfiguration("digest", doc.uri).get<boolean>("detectPlainText", true)) {
    output.appendLine(`${name} looks like a digest, but \`digest.detectPlainText\` is off: left as Plain Text.`);
    return;
  }
  switched.add(doc.uri.toString());
  output.appendLine(`${name} looks like a digest: language set to digest.`);
  vscode.languages.setTextDocumentLanguage(doc, "digest").then(
    () => undefined,
    (err) => output.appendLine(`Could not set the language of ${name}: ${String(err)}`),
  );
}

/** A position, a range and a location as LSP writes them. */
interface LspPosition {
  line: number;
  character: number;
}
interface LspRange {
  start: LspPosition;
  end: LspPosition;
}
interface LspLocation {
  uri: string;
  range: LspRange;
}

/**
 * The reference lens's command: the server sends client-neutral arguments
 * (the heading's document URI, its position, the references' LSP locations);
 * VS Code's own `editor.action.showReferences` takes them as VS Code types.
 */
function showReferences(uri: string, position: LspPosition, locations: LspLocation[]): Thenable<unknown> {
  const asPosition = (p: LspPosition) => new vscode.Position(p.line, p.character);
  const asLocation = (l: LspLocation) =>
    new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Range(asPosition(l.range.start), asPosition(l.range.end)));
  return vscode.commands.executeCommand(
    "editor.action.showReferences",
    vscode.Uri.parse(uri),
    asPosition(position),
    (locations ?? []).map(asLocation),
  );
}

export function deactivate(): Thenable<void> | undefined {
  return stop();
}

function serialise(step: () => Promise<void>): Promise<void> {
  pending = pending.then(step, step);
  return pending;
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

/**
 * Stops the running client, if any. dispose() is stop() that also marks the
 * client as done; it is called once, and a client that never got running
 * (its start failed) is only dropped: stopping it again would throw.
 */
async function stop(): Promise<void> {
  const old = client;
  client = undefined;
  setRunning(false);
  if (old) {
    try {
      if (old.needsStop()) await old.dispose(2000);
    } catch (err) {
      output.appendLine(`The server did not stop cleanly: ${String(err)}`);
    }
  }
}

/**
 * The context key `digest.serverRunning`: the server's `digest.export`
 * exists as a VS Code command only while a client runs, so "Digest:
 * Export..." is offered only then (not as "command not found" while the
 * server is missing or restarting).
 */
function setRunning(running: boolean): void {
  void vscode.commands.executeCommand("setContext", "digest.serverRunning", running);
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("digest");
  const found = findServer(config.get<string>("server.path"));
  if (!found.path) {
    reportMissing(found.reason);
    return;
  }
  let version: string;
  try {
    version = await checkVersion(found.path);
  } catch (err) {
    reportMissing(`\`${found.path}\` (${found.source}) does not run: ${String(err)}`);
    return;
  }
  output.appendLine(`Using ${version} at ${found.path} (${found.source}).`);

  const run: Executable = {
    command: found.path,
    args: config.get<string[]>("server.extraArgs") ?? [],
  };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "digest" },
      { scheme: "untitled", language: "digest" },
      // Bibliography files, whatever language another extension gives them
      // (`bibtex`, or plain text): their unsaved edits reach the digests'
      // hovers and diagnostics, and their broken entries are shown. CSL-JSON
      // files are read from the disk (all JSON would be too broad a selector).
      { scheme: "file", pattern: "**/*.bib" },
    ],
    synchronize: {
      // Configuration edits, digests changed on disk (cross-file references)
      // and bibliographies re-exported by the reference manager.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher("**/digest.toml"),
        vscode.workspace.createFileSystemWatcher("**/*.digest"),
        vscode.workspace.createFileSystemWatcher("**/*.bib"),
      ],
    },
    outputChannel: cleanExitAsInfo(output),
    middleware: {
      // The server's `digest.export` (which the client registers as a VS Code
      // command) takes [uri, format]: from the palette or the editor's title
      // bar (no argument, or the file's URI) it asks for the format first.
      executeCommand: (command, args, next) => {
        const interactive = args.length === 0 || (args.length === 1 && args[0] instanceof vscode.Uri);
        if (command !== "digest.export" || !interactive) return next(command, args);
        const run = (uri: string, format: string) => Promise.resolve(next(command, [uri, format]));
        return exportInteractively(run, args[0] as vscode.Uri | undefined);
      },
    },
    traceOutputChannel: traceOutput,
  };
  const created = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = created;
  try {
    await created.start();
  } catch (err) {
    output.appendLine(`The server failed to start: ${String(err)}`);
    void vscode.window.showErrorMessage(`digest-lsp failed to start: ${String(err)}`, "Show Output")
      .then((choice) => choice && output.show(true));
    return;
  }
  setRunning(true);
  const info = created.initializeResult?.serverInfo;
  output.appendLine(`Started ${info ? `${info.name} ${info.version ?? ""}`.trim() : "the server"}.`);
}

/**
 * vscode-languageclient 9.0.1 logs every exit of the server as an error, a
 * clean one after a stop or restart too (`[Error - …] Server process exited
 * with code 0.`; made an info upstream later, microsoft/vscode-languageserver-node#1403):
 * the client writes through this view of the channel, which logs that line as info.
 */
function cleanExitAsInfo(channel: vscode.OutputChannel): vscode.OutputChannel {
  const cleanExit = /^\[Error - ([^\]]*)\] (Server process exited with code 0\.)$/;
  return new Proxy(channel, {
    get(target, prop) {
      if (prop === "appendLine") {
        return (line: string) => target.appendLine(line.replace(cleanExit, "[Info  - $1] $2"));
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

interface Found {
  path?: string;
  /** Where the path came from, for the output channel. */
  source: string;
  reason: string;
}

/**
 * The binary from the `digest.server.path` setting, else the one bundled in
 * the extension (`server/digest-lsp`, in the platform-specific .vsix), else
 * the first `digest-lsp` on PATH.
 */
function findServer(setting: string | undefined): Found {
  if (setting && setting.trim() !== "") {
    const resolved = expand(setting.trim());
    return fs.existsSync(resolved)
      ? { path: resolved, source: "from digest.server.path", reason: "" }
      : { source: "", reason: `\`digest.server.path\` is set to \`${setting}\`, which does not exist.` };
  }
  const exe = process.platform === "win32" ? ".exe" : "";
  const bundled = path.join(extensionPath, "server", BINARY + exe);
  if (fs.existsSync(bundled)) {
    makeExecutable(bundled);
    return { path: bundled, source: "bundled with the extension", reason: "" };
  }
  const exts = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, BINARY + ext);
      if (isExecutable(candidate)) return { path: candidate, source: "found on PATH", reason: "" };
    }
  }
  return {
    source: "",
    reason: "this build of the extension has no bundled server, `digest-lsp` was not found on PATH and `digest.server.path` is not set.",
  };
}

/**
 * The .vsix keeps the binary's mode and VS Code restores it; should an
 * installer have dropped the executable bit, put it back (best effort: the
 * version check then says what is wrong).
 */
function makeExecutable(file: string): void {
  if (process.platform === "win32" || isExecutable(file)) return;
  try {
    fs.chmodSync(file, 0o755);
    output.appendLine(`${file} was not executable: made it so.`);
  } catch (err) {
    output.appendLine(`${file} is not executable and chmod failed: ${String(err)}`);
  }
}

function expand(p: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  let out = p
    .replace(/\$\{workspaceFolder\}/g, folder)
    .replace(/\$\{userHome\}/g, os.homedir());
  if (out === "~" || out.startsWith("~/")) out = path.join(os.homedir(), out.slice(1));
  if (!path.isAbsolute(out) && folder) out = path.join(folder, out);
  return out;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Runs `digest-lsp --version`; resolves to its first line. */
function checkVersion(binary: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ["--version"], { timeout: 10_000 }, (err, stdout) => {
      const line = stdout.toString().trim().split(/\r?\n/)[0] ?? "";
      if (err) reject(err.message);
      else if (!line.startsWith("digest-lsp")) reject(`unexpected --version output: ${line}`);
      else resolve(line);
    });
  });
}

/** Says why the server cannot start, with a button to the setting. Does not wait for the user. */
function reportMissing(reason: string): void {
  output.appendLine(`Cannot start the digest language server: ${reason}`);
  void vscode.window
    .showErrorMessage(
      `Cannot start the digest language server: ${reason} Install it with \`cargo install --locked --path server/lsp\`, or set \`digest.server.path\`.`,
      "Open Settings",
      "Show Output",
    )
    .then((choice) => {
      if (choice === "Open Settings") {
        // The setting is machine-scoped: in a remote window (SSH, WSL, code-server)
        // only the Remote tab of the settings editor shows it.
        void (vscode.env.remoteName
          ? vscode.commands.executeCommand("workbench.action.openRemoteSettings", { query: "digest.server.path" })
          : vscode.commands.executeCommand("workbench.action.openSettings", "digest.server.path"));
      } else if (choice === "Show Output") {
        output.show(true);
      }
    });
}
