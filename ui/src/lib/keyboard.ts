// The window's shortcuts: Alt+1 … Alt+7 open step 1 … 7 from any screen, Esc goes back to the
// dashboard. Esc is left alone where something else uses it: a text field (Esc there must never
// throw away what was typed by leaving the screen), a dialog, or a handler that already took it.
export type Shortcut = { kind: "step"; number: number } | { kind: "back" };

const TEXT_INPUTS = new Set(["text", "search", "email", "url", "tel", "password", "number"]);

/** Whether Esc pressed in `target` belongs to it rather than to the window. */
export function escapeBelongsTo(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest("dialog, [role=dialog], [role=alertdialog]")) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return TEXT_INPUTS.has(target.type);
  return target instanceof HTMLElement && target.isContentEditable;
}

/** The shortcut `event` asks for, if any. Digits by their key position (`code`), so the row of
 *  digits works whatever the keyboard layout or input method. */
export function shortcutFor(event: KeyboardEvent, onDashboard: boolean): Shortcut | null {
  if (event.defaultPrevented || event.isComposing) return null;
  if (event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
    const digit =
      /^(?:Digit|Numpad)([1-7])$/.exec(event.code)?.[1] ?? /^[1-7]$/.exec(event.key)?.[0];
    return digit ? { kind: "step", number: Number(digit) } : null;
  }
  if (event.key === "Escape" && !event.altKey && !event.ctrlKey && !event.metaKey) {
    if (onDashboard || escapeBelongsTo(event.target)) return null;
    return { kind: "back" };
  }
  return null;
}
