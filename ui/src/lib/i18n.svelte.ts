// The UI's one translation function. Every visible string goes through `t`,
// so the zh-TW and en catalogues (same keys, checked by a test) cover the app.
import type { UiLanguage as Language } from "./bindings/UiLanguage";

export type Catalogue = { [key: string]: string | Catalogue };

// Each language is `i18n/<lang>.json` plus one `i18n/<area>.<lang>.json` per feature area, merged
// deeply: a feature brings its own strings (and its `errors.*` codes) without touching the others.
const files = import.meta.glob<Catalogue>("./i18n/*.json", { eager: true, import: "default" });

function merge(into: Catalogue, from: Catalogue, path: string): Catalogue {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    if (typeof value === "object" && typeof existing === "object")
      merge(existing, value, `${path}${key}.`);
    else if (existing !== undefined)
      throw new Error(`catalogue key ${path}${key} is defined twice`);
    else into[key] = typeof value === "object" ? merge({}, value, `${path}${key}.`) : value;
  }
  return into;
}

function catalogue(lang: Language): Catalogue {
  const own = Object.entries(files)
    .filter(([name]) => name.endsWith(`/${lang}.json`) || name.endsWith(`.${lang}.json`))
    .sort(([a], [b]) => a.localeCompare(b));
  return own.reduce<Catalogue>((all, [name, tree]) => merge(all, tree, `${name}: `), {});
}

export const catalogues: Record<Language, Catalogue> = {
  en: catalogue("en"),
  "zh-TW": catalogue("zh-TW"),
};
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
