// The UI's one translation function. Every visible string goes through `t`,
// so the zh-TW and en catalogues (same keys, checked by a test) cover the app.
import en from "./i18n/en.json";
import zhTW from "./i18n/zh-TW.json";
import type { UiLanguage as Language } from "./bindings/UiLanguage";

type Catalogue = { [key: string]: string | Catalogue };

export const catalogues: Record<Language, Catalogue> = { en, "zh-TW": zhTW };
export const languages: { tag: Language; name: string }[] = [
  { tag: "en", name: "English" },
  { tag: "zh-TW", name: "繁體中文" },
];

export const i18n = $state<{ lang: Language }>({ lang: "en" });

export function setLanguage(lang: Language): void {
  i18n.lang = lang;
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

function lookup(catalogue: Catalogue, key: string): string | undefined {
  let node: string | Catalogue | undefined = catalogue;
  for (const part of key.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = node[part];
  }
  return typeof node === "string" ? node : undefined;
}

export type Params = Record<string, string | number>;

/** Translates `key`, filling `{name}` placeholders. A missing key shows itself, never blank. */
export function t(key: string, params: Params = {}): string {
  const template = lookup(catalogues[i18n.lang], key) ?? lookup(catalogues.en, key) ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether the catalogue has `key` (used for error codes that may be unknown to this build). */
export function has(key: string): boolean {
  return lookup(catalogues[i18n.lang], key) !== undefined;
}

/** A date in the admin's language, e.g. "23 Nov 2026, 10:00" or "2026年11月23日 10:00". */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.lang, { dateStyle: "medium", timeStyle: "short" }).format(
    date,
  );
}
