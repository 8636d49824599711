// The UI's translations as the app sees them: `<lang>.json` merged with every
// `<area>.<lang>.json` (the same rule as ui/src/lib/i18n.svelte.ts).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../ui/src/lib/i18n");

function merge(into, from) {
  for (const [key, value] of Object.entries(from)) {
    if (typeof value === "object" && typeof into[key] === "object") merge(into[key], value);
    else into[key] = typeof value === "object" ? merge({}, value) : value;
  }
  return into;
}

export function loadCatalogue(lang) {
  return readdirSync(dir)
    .filter((name) => name === `${lang}.json` || name.endsWith(`.${lang}.json`))
    .sort()
    .reduce((all, name) => merge(all, JSON.parse(readFileSync(path.join(dir, name), "utf8"))), {});
}

/** Looks up a dotted key, e.g. `t(catalogue, "step.activate.title")`. */
export function lookup(catalogue, key) {
  return key.split(".").reduce((node, part) => node?.[part], catalogue);
}
