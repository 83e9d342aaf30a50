// The tour as JavaScript for node, once `tsc --noEmit --strict` has checked it: the types
// are erased, nothing else changes (no second type check).
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import ts from "typescript";

const source = readFileSync(new URL("./tour.ts", import.meta.url), "utf8");
const { outputText } = ts.transpileModule(source, {
  compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
});
mkdirSync(new URL("./build/", import.meta.url), { recursive: true });
writeFileSync(new URL("./build/tour.mjs", import.meta.url), outputText);
