// axe-core in the real window: the serious and critical accessibility violations on screen now.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core in the window; returns the serious and critical violations, one line each. */
export async function seriousViolations(session) {
  await session.execute(`${axeSource}; return typeof window.axe;`);
  await session.setTimeouts(30000);
  const json = await session.executeAsync(`
    const done = arguments[arguments.length - 1];
    window.axe.run(document, { resultTypes: ["violations"] })
      .then((r) => done(JSON.stringify(r.violations)))
      .catch((e) => done(JSON.stringify([{ id: "axe-failed", impact: "critical", description: String(e), nodes: [] }])));
  `);
  return JSON.parse(json)
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.description} — ${v.nodes.map((n) => n.target).join(", ")}`);
}
