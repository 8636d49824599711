// The window's look: "system" leaves `data-theme` off `<html>`, so the stylesheet follows the OS
// (`prefers-color-scheme`) by itself and live; "light" and "dark" set it. The choice lives in the
// progress store (Rust); a copy in the webview's localStorage lets main.ts set it before the first
// paint, since asking Rust takes a round trip and would flash the other theme first.
import type { Theme } from "./bindings/Theme";

const KEY = "sia-setup.theme";
const THEMES: Theme[] = ["system", "light", "dark"];

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Storage refused: the choice still comes from Rust once the app has loaded.
  }
}

/** Before the first paint: the look last shown, if this webview remembers one. */
export function applyRememberedTheme(): void {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(KEY);
  } catch {
    return;
  }
  if (THEMES.includes(saved as Theme)) applyTheme(saved as Theme);
}
