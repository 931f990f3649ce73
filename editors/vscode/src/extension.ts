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

const CLIENT_ID = "digest"; // also the prefix of the `digest.trace.server` setting
const CLIENT_NAME = "Digest Language Server";
const BINARY = "digest-lsp";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let folding: vscode.Disposable | undefined;
/** Serialises start/stop/restart so that quick config edits cannot race. */
let pending: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  traceOutput = vscode.window.createOutputChannel(`${CLIENT_NAME} Trace`);
  context.subscriptions.push(
    output,
    traceOutput,
    vscode.commands.registerCommand("digest.restartServer", () => {
      output.appendLine("Restarting the server.");
      return serialise(restart);
    }),
    vscode.commands.registerCommand("digest.showOutput", () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("digest.server")) {
        void serialise(restart);
      }
    }),
  );
  await serialise(start);
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

async function stop(): Promise<void> {
  folding?.dispose();
  folding = undefined;
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop(2000);
    } catch (err) {
      output.appendLine(`error while stopping the server: ${String(err)}`);
    }
    await old.dispose();
  }
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
    reportMissing(`\`${found.path}\` does not run: ${String(err)}`);
    return;
  }
  output.appendLine(`Using ${version} at ${found.path}`);

  const run: Executable = {
    command: found.path,
    args: config.get<string[]>("server.extraArgs") ?? [],
  };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "digest" },
      { scheme: "untitled", language: "digest" },
    ],
    synchronize: {
      // Configuration edits and digests changed on disk (cross-file references).
      fileEvents: [
        vscode.workspace.createFileSystemWatcher("**/digest.toml"),
        vscode.workspace.createFileSystemWatcher("**/*.digest"),
      ],
    },
    outputChannel: output,
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
  const info = created.initializeResult?.serverInfo;
  output.appendLine(`Started ${info ? `${info.name} ${info.version ?? ""}`.trim() : "the server"}.`);
  if (!created.initializeResult?.capabilities.foldingRangeProvider) {
    folding = vscode.languages.registerFoldingRangeProvider({ language: "digest" }, paperFolding);
  }
}

interface Found {
  path?: string;
  reason: string;
}

/** The binary from the setting, else the first `digest-lsp` on PATH. */
function findServer(setting: string | undefined): Found {
  if (setting && setting.trim() !== "") {
    const resolved = expand(setting.trim());
    return fs.existsSync(resolved)
      ? { path: resolved, reason: "" }
      : { reason: `\`digest.server.path\` is set to \`${setting}\`, which does not exist.` };
  }
  const exts = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, BINARY + ext);
      if (isExecutable(candidate)) return { path: candidate, reason: "" };
    }
  }
  return { reason: "`digest-lsp` was not found on PATH and `digest.server.path` is not set." };
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
      `Cannot start the digest language server: ${reason} Install it with \`cargo install --path server/lsp\`, or set \`digest.server.path\`.`,
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

/**
 * Folds each paper, heading to last non-blank line, used only while the
 * server offers no folding ranges (a language configuration cannot express
 * "up to the next heading"). Default heading keyword only.
 */
const HEADING = /^Paper ?\d+(?:$|[\s:：.])/;
const paperFolding: vscode.FoldingRangeProvider = {
  provideFoldingRanges(doc) {
    const ranges: vscode.FoldingRange[] = [];
    let open = -1;
    let lastText = -1;
    const close = () => {
      if (open >= 0 && lastText > open) ranges.push(new vscode.FoldingRange(open, lastText));
    };
    for (let i = 0; i < doc.lineCount; i++) {
      const text = doc.lineAt(i).text;
      if (HEADING.test(text)) {
        close();
        open = i;
      }
      if (text.trim() !== "") lastText = i;
    }
    close();
    return ranges;
  },
};
