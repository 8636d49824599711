// The palettes in styles.css: dark has every colour light has (and the two copies of dark agree),
// and each pair of text and background meets WCAG AA in both themes.
import { describe, expect, it } from "vitest";
/// <reference types="node" />
import { readFileSync } from "node:fs";

// Vitest runs from ui/ (happy-dom gives import.meta.url an http scheme, so a path it is).
const css = readFileSync("src/styles.css", "utf8");

type Palette = Map<string, string>;

function block(selector: string, from = 0): string {
  const start = css.indexOf(selector, from);
  expect(start, `${selector} in styles.css`).toBeGreaterThanOrEqual(0);
  const open = css.indexOf("{", start);
  return css.slice(open + 1, css.indexOf("}", open));
}

function palette(body: string): Palette {
  return new Map(
    [...body.matchAll(/(--[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;/g)].map((m) => [m[1], m[2]]),
  );
}

const light = palette(block(":root {"));
const darkChosen = palette(block(':root[data-theme="dark"] {'));
const darkSystem = palette(
  block(':root:not([data-theme="light"]) {', css.indexOf("@media (prefers-color-scheme: dark)")),
);

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Text on a background: 4.5:1 (WCAG AA, normal text). */
const TEXT: [string, string][] = [
  ["--text", "--bg"],
  ["--text", "--surface"],
  ["--muted", "--bg"],
  ["--muted", "--surface"],
  ["--primary", "--surface"],
  ["--primary", "--bg"],
  ["--primary-text", "--primary"],
  ["--done", "--done-bg"],
  ["--progress", "--progress-bg"],
  ["--attention", "--attention-bg"],
  ["--idle", "--idle-bg"],
  ["--text", "--idle-bg"],
  ["--demo-text", "--demo"],
  ["--demo-explain-text", "--demo-explain-bg"],
  ["--danger-text", "--danger-bg"],
  ["--badge-real-text", "--badge-real-bg"],
];

/** What must be seen but is not text (field borders, the focus ring, a progress fill): 3:1. */
const NON_TEXT: [string, string][] = [
  ["--input-border", "--surface"],
  ["--focus", "--bg"],
  ["--focus", "--surface"],
  ["--meter", "--surface"],
];

describe("the palettes", () => {
  it("define the same colours in light and dark, and the two dark copies agree", () => {
    expect(light.size).toBeGreaterThan(20);
    expect([...darkChosen.keys()].sort()).toEqual([...light.keys()].sort());
    expect([...darkSystem.entries()]).toEqual([...darkChosen.entries()]);
  });

  for (const [name, colours] of [
    ["light", light],
    ["dark", darkChosen],
  ] as const) {
    it(`meet WCAG AA contrast in ${name}`, () => {
      for (const [fg, bg] of TEXT) {
        const ratio = contrast(colours.get(fg)!, colours.get(bg)!);
        expect(ratio, `${fg} on ${bg} in ${name}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
      }
      for (const [fg, bg] of NON_TEXT) {
        const ratio = contrast(colours.get(fg)!, colours.get(bg)!);
        expect(ratio, `${fg} on ${bg} in ${name}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(3);
      }
    });
  }

  it("colour nothing outside the palettes, and respect contrast themes", () => {
    const outside = css.replace(/:root[^{]*\{[^}]*\}/g, "").match(/#[0-9a-fA-F]{3,6}\b/g);
    expect(outside).toBeNull();
    expect(css).toContain("@media (forced-colors: active)");
  });
});
