// Builds the platform-specific .vsix: the extension with the digest-lsp
// binary in server/ and the repository's two licence files.
//
//   npm run package                       (after `cargo build --release -p digest-lsp --locked`)
//   DIGEST_LSP_BINARY=/path/to/digest-lsp npm run package
//   VSCE_TARGET=linux-arm64 ...           (default: this machine's platform)
//
// Writes digest-lsp-<target>-<version>.vsix here. The binary and the licences
// are copied in for vsce and removed afterwards: git keeps one copy of each,
// at the repository root.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(path.dirname(fileURLToPath(import.meta.url))); // editors/vscode
const root = path.resolve(here, "..", "..");
const exe = process.platform === "win32" ? ".exe" : "";
const binary = path.resolve(process.env.DIGEST_LSP_BINARY || path.join(root, "target", "release", `digest-lsp${exe}`));
const target = process.env.VSCE_TARGET || thisTarget();
const { version } = JSON.parse(fs.readFileSync(path.join(here, "package.json"), "utf8"));
const out = `digest-lsp-${target}-${version}.vsix`;

/** vsce's name for this machine: win32-x64, linux-arm64, alpine-x64, darwin-arm64, ... */
function thisTarget() {
  const arch = { x64: "x64", arm64: "arm64", arm: "armhf" }[process.arch];
  let platform = process.platform;
  if (platform === "linux" && fs.existsSync("/etc/alpine-release")) platform = "alpine";
  if (!arch || !["win32", "linux", "alpine", "darwin"].includes(platform)) {
    throw new Error(`no VS Code target for ${process.platform}-${process.arch}: set VSCE_TARGET`);
  }
  return `${platform}-${arch}`;
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(binary)) {
  fail(`${binary} does not exist: build it with \`cargo build --release -p digest-lsp --locked\`, or set DIGEST_LSP_BINARY`);
}
let reported;
try {
  reported = execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 10_000 }).trim();
} catch (err) {
  fail(`${binary} --version failed: ${err.message}`);
}
if (!reported.startsWith("digest-lsp ")) fail(`${binary} --version printed ${JSON.stringify(reported)}`);

const copies = {
  server: path.join(here, "server"),
  mit: path.join(here, "LICENSE-MIT"),
  apache: path.join(here, "LICENSE-APACHE"),
  notice: path.join(here, "LICENSE.md"),
};
const cleanUp = () => {
  for (const file of Object.values(copies)) fs.rmSync(file, { recursive: true, force: true });
};

cleanUp();
try {
  fs.mkdirSync(copies.server);
  const bundled = path.join(copies.server, `digest-lsp${exe}`);
  fs.copyFileSync(binary, bundled);
  fs.chmodSync(bundled, 0o755); // vsce stores the file's mode; VS Code restores it on install
  fs.copyFileSync(path.join(root, "LICENSE-MIT"), copies.mit);
  fs.copyFileSync(path.join(root, "LICENSE-APACHE"), copies.apache);
  // vsce wants one LICENSE file (the marketplace's licence link): it names the two.
  fs.writeFileSync(
    copies.notice,
    "# Licence\n\n" +
      "The Paper Digests extension and the `digest-lsp` server it bundles are licensed under either of\n\n" +
      "- the Apache License, Version 2.0 ([LICENSE-APACHE](LICENSE-APACHE)), or\n" +
      "- the MIT license ([LICENSE-MIT](LICENSE-MIT)),\n\n" +
      "at your option.\n",
  );
  console.log(`package: ${reported} from ${binary}, target ${target}`);
  const vsce = path.join(here, "node_modules", ".bin", process.platform === "win32" ? "vsce.cmd" : "vsce");
  execFileSync(
    vsce,
    ["package", "--no-dependencies", "--allow-missing-repository", "--target", target, "-o", out],
    { cwd: here, stdio: "inherit", shell: process.platform === "win32" },
  );
} catch (err) {
  console.error(`package: ${err.message}`);
  process.exitCode = 1;
} finally {
  cleanUp();
}
