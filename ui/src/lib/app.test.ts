import { beforeEach, describe, expect, it } from "vitest";
import { app, attempt, dismissError, errorOn, raise } from "./app.svelte";

const refused = { code: "salesforce_access_denied", message: "access_denied" };
const offline = { code: "salesforce_network", message: "offline" };

beforeEach(() => {
  app.view = { kind: "step", step: "connectSalesforce" };
  app.errors = {};
  app.problem = null;
  app.busy = false;
});

describe("attempt: an error belongs to the screen that raised it", () => {
  it("shows a failed intent's error on the screen it started on, and only there", async () => {
    const pending = attempt(() => Promise.reject(refused));
    // The admin moves on before the answer arrives: the error still belongs to step 2.
    app.view = { kind: "settings" };
    expect(await pending).toBeUndefined();
    expect(errorOn("step:connectSalesforce")).toEqual(refused);
    expect(errorOn()).toBeNull();
    expect(errorOn("step:installPackage")).toBeNull();
  });

  it("is not cleared by a read that succeeds, nor replaced by one that fails", async () => {
    raise(refused);
    expect(await attempt(() => Promise.resolve(1), { passive: true })).toBe(1);
    await attempt(() => Promise.reject(offline), { passive: true });
    expect(errorOn()).toEqual(refused);
  });

  it("shows a failed read when the screen has no error", async () => {
    await attempt(() => Promise.reject(offline), { passive: true });
    expect(errorOn()).toEqual(offline);
  });

  it("is cleared when an intent on the same screen succeeds, not another screen's", async () => {
    raise(refused);
    await attempt(() => Promise.resolve(null), { on: "settings" });
    expect(errorOn()).toEqual(refused);
    await attempt(() => Promise.resolve(null));
    expect(errorOn()).toBeNull();
  });

  it("is cleared when the admin dismisses it", () => {
    raise(refused);
    raise(offline, "settings");
    dismissError();
    expect(errorOn()).toBeNull();
    expect(errorOn("settings")).toEqual(offline);
  });

  it("turns anything thrown into an error with a code, and keeps busy while calls overlap", async () => {
    let finish!: () => void;
    const slow = attempt(() => new Promise<void>((resolve) => (finish = resolve)));
    await attempt(() => Promise.reject(new Error("boom")));
    expect(errorOn()).toEqual({ code: "unknown", message: "Error: boom" });
    expect(app.busy).toBe(true);
    finish();
    await slow;
    expect(app.busy).toBe(false);
  });

  it("leaves the buttons usable while a background check runs, and keeps the screen's error", async () => {
    raise(refused);
    let finish: (value: number) => void = () => {};
    const pending = attempt(() => new Promise<number>((r) => (finish = r)), { background: true });
    expect(app.busy).toBe(false);
    finish(1);
    expect(await pending).toBe(1);
    expect(app.busy).toBe(false);
    expect(errorOn()).toEqual(refused);
  });
});
