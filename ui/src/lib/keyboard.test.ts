import { describe, expect, it } from "vitest";
import { escapeBelongsTo, shortcutFor } from "./keyboard";

const key = (init: KeyboardEventInit, target?: EventTarget) => {
  const event = new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });
  if (target) Object.defineProperty(event, "target", { value: target });
  return event;
};

describe("the window's shortcuts", () => {
  it("Alt with a digit from 1 to 7 opens that step, by key position or by key", () => {
    expect(shortcutFor(key({ altKey: true, code: "Digit3", key: "3" }), true)).toEqual({
      kind: "step",
      number: 3,
    });
    // A layout whose digit row types something else still has the key at Digit7.
    expect(shortcutFor(key({ altKey: true, code: "Digit7", key: "¶" }), false)).toEqual({
      kind: "step",
      number: 7,
    });
    expect(shortcutFor(key({ altKey: true, code: "Numpad1", key: "1" }), false)).toEqual({
      kind: "step",
      number: 1,
    });
  });

  it("ignores other digits, other modifiers and plain digits", () => {
    expect(shortcutFor(key({ altKey: true, code: "Digit8", key: "8" }), true)).toBeNull();
    expect(shortcutFor(key({ altKey: true, code: "Digit0", key: "0" }), true)).toBeNull();
    expect(
      shortcutFor(key({ altKey: true, ctrlKey: true, code: "Digit1", key: "1" }), true),
    ).toBeNull();
    expect(
      shortcutFor(key({ altKey: true, shiftKey: true, code: "Digit1", key: "!" }), true),
    ).toBeNull();
    expect(shortcutFor(key({ code: "Digit1", key: "1" }), true)).toBeNull();
  });

  it("Esc goes back, except on the dashboard and where something else uses it", () => {
    expect(shortcutFor(key({ key: "Escape" }), false)).toEqual({ kind: "back" });
    expect(shortcutFor(key({ key: "Escape" }), true)).toBeNull();
    const handled = key({ key: "Escape" });
    handled.preventDefault();
    expect(shortcutFor(handled, false)).toBeNull();
    const field = document.createElement("input");
    expect(shortcutFor(key({ key: "Escape" }, field), false)).toBeNull();
  });

  it("knows which targets keep Esc for themselves", () => {
    const make = (html: string) => {
      const host = document.createElement("div");
      host.innerHTML = html;
      return host.querySelector("[data-t]")!;
    };
    expect(escapeBelongsTo(make('<input data-t type="text">'))).toBe(true);
    expect(escapeBelongsTo(make('<input data-t type="password">'))).toBe(true);
    expect(escapeBelongsTo(make("<textarea data-t></textarea>"))).toBe(true);
    expect(escapeBelongsTo(make("<select data-t></select>"))).toBe(true);
    expect(escapeBelongsTo(make('<div role="dialog"><button data-t>x</button></div>'))).toBe(true);
    expect(escapeBelongsTo(make('<input data-t type="checkbox">'))).toBe(false);
    expect(escapeBelongsTo(make("<button data-t>x</button>"))).toBe(false);
    expect(escapeBelongsTo(null)).toBe(false);
  });
});
