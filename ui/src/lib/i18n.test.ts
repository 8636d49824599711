import { describe, expect, it } from "vitest";
import { catalogues, i18n, setLanguage, t } from "./i18n.svelte";

type Tree = { [key: string]: string | Tree };
const en = catalogues.en as Tree & { step: Tree };
const zhTW = catalogues["zh-TW"];

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix + key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path + ".")) out.set(k, v);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the catalogues", () => {
  const enKeys = flatten(en);
  const zhKeys = flatten(zhTW);

  it("have exactly the same keys in English and Traditional Chinese", () => {
    expect([...zhKeys.keys()].sort()).toEqual([...enKeys.keys()].sort());
  });

  it("use the same placeholders for every key", () => {
    for (const [key, text] of enKeys) {
      expect(placeholders(zhKeys.get(key) ?? ""), key).toEqual(placeholders(text));
    }
  });

  it("leave no string empty except deliberate blanks", () => {
    const blanks = ["source.unknown"];
    for (const [key, text] of [...enKeys, ...zhKeys]) {
      if (!blanks.includes(key)) expect(text.trim(), key).not.toBe("");
    }
  });

  it("has a title, summary, details and three how-to lines for each of the seven steps", () => {
    const steps = Object.keys(en.step);
    expect(steps).toHaveLength(7);
    for (const step of steps) {
      for (const part of ["title", "summary", "details", "how1", "how2", "how3"]) {
        expect(enKeys.has(`step.${step}.${part}`), `${step}.${part}`).toBe(true);
      }
    }
  });

  it("never points the admin to a file of this repository (they have the app, not the source)", () => {
    for (const [key, text] of [...enKeys, ...zhKeys]) {
      expect(text, key).not.toMatch(/\bdocs\/[\w./-]+\.(md|ya?ml)\b/);
    }
  });

  it("is written in Chinese in the zh-TW catalogue, not left in English", () => {
    const han = /\p{Script=Han}/u;
    const untranslated = [...zhKeys].filter(
      ([key, text]) => text && !han.test(text) && text === enKeys.get(key),
    );
    // Brand and product names legitimately stay the same.
    expect(untranslated.map(([k]) => k).sort()).toEqual([
      "activate.munchkinId",
      "app.title",
      "evidence.source.msiPackage",
      "evidence.source.remoteSites",
      // The name printed on the key, in either language.
      "keyboard.stepKey",
      "service.actions",
      "service.marketo",
      "service.salesforce",
      // The product's name and version number.
      "updates.version",
    ]);
  });
});

describe("t", () => {
  it("fills placeholders and follows the language", () => {
    setLanguage("en");
    expect(t("dashboard.progress", { done: 2, total: 7 })).toBe("2 of 7 steps done");
    setLanguage("zh-TW");
    expect(t("dashboard.progress", { done: 2, total: 7 })).toBe("已完成 2 / 7 個步驟");
    expect(document.documentElement.lang).toBe("zh-TW");
    setLanguage("en");
    expect(i18n.lang).toBe("en");
  });

  it("shows the key itself for a missing key instead of a blank", () => {
    expect(t("no.such.key")).toBe("no.such.key");
  });
});
