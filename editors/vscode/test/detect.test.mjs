// Unit tests of src/detect.ts (the plain-text digest detection), under plain
// Node: esbuild compiles the module in memory. The cases are shared with the
// Neovim plugin's test: editors/fixtures/detect-cases.json.   npm run test:detect
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import * as esbuild from "esbuild";

const { outputFiles } = await esbuild.build({
  entryPoints: [new URL("../src/detect.ts", import.meta.url).pathname],
  bundle: true,
  format: "esm",
  platform: "node",
  write: false,
});
const { looksLikeDigest, DETECT_LINES } = await import(
  `data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString("base64")}`
);
const { cases } = JSON.parse(fs.readFileSync(new URL("../../fixtures/detect-cases.json", import.meta.url), "utf8"));

for (const { why, digest, lines } of cases) {
  test(`${digest ? "digest" : "not a digest"}: ${why}`, () => {
    assert.equal(looksLikeDigest(lines), digest);
  });
}

test(`only the first ${DETECT_LINES} lines count`, () => {
  assert.equal(DETECT_LINES, 200);
  const filler = Array.from({ length: DETECT_LINES - 2 }, (_, i) => `line ${i}`);
  assert.equal(looksLikeDigest([...filler, "Paper1 T", "Abstract: x"]), true); // lines 199 and 200
  assert.equal(looksLikeDigest([...filler, "line", "Paper1 T", "Abstract: x"]), false); // 200 and 201
});
