// The first-run offer (real setup or demo), the switch between the demo and the real setup in
// Settings, and the theme switch.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import { app } from "../lib/app.svelte";
import { setLanguage } from "../lib/i18n.svelte";
import { applyRememberedTheme } from "../lib/theme";
import { appInfo, dashboard } from "../test/fixtures";
import type { AppInfo } from "../lib/bindings/AppInfo";
import type { Dashboard } from "../lib/bindings/Dashboard";

type Call = { cmd: string; args: Record<string, unknown> };

function backend(info: AppInfo, board: Dashboard, fail: Record<string, unknown> = {}) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    if (fail[cmd]) throw fail[cmd];
    switch (cmd) {
      case "app_info":
        return info;
      case "dashboard":
      case "refresh_checks":
      case "check_step":
        return board;
      case "vault_status":
        return { keychain: { kind: "available", backend: "Secret Service" }, credentials: [] };
      default:
        return null;
    }
  });
  return calls;
}

beforeEach(() => {
  setLanguage("en");
  app.info = null;
  app.dashboard = null;
  app.view = { kind: "dashboard" };
  app.errors = {};
  app.problem = null;
  app.startedReal = false;
  delete document.documentElement.dataset.theme;
  localStorage.clear();
});
afterEach(() => {
  cleanup();
  clearMocks();
});

const firstRun = () => ({ ...dashboard(), firstRun: true });

describe("the first run", () => {
  it("offers the demo beside the real setup, saying what the demo button does", async () => {
    const calls = backend(appInfo(), firstRun());
    const user = userEvent.setup();
    render(App);
    const offer = await screen.findByTestId("first-run");
    expect(offer.textContent).toContain("Welcome to SIA Setup");
    const demo = screen.getByRole("button", { name: "Try it with demo services" });
    expect(screen.getByRole("button", { name: "Start the real setup" })).toBeTruthy();
    // The button's description says it restarts, with stand-ins, and leaves the real setup alone.
    const help = document.getElementById(demo.getAttribute("aria-describedby")!)!;
    expect(help.textContent).toContain("restarts SIA Setup");
    expect(help.textContent).toContain("Demo");

    await user.click(demo);
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "switch_launch_mode")?.args).toEqual({ demo: true }),
    );
    expect(screen.getByRole("status").textContent).toContain("Restarting");
  });

  it("goes away when the admin starts the real setup, and switches nothing", async () => {
    const calls = backend(appInfo(), firstRun());
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByRole("button", { name: "Start the real setup" }));
    expect(screen.queryByTestId("first-run")).toBeNull();
    expect(document.activeElement?.id).toBe("prereq-heading");
    expect(calls.some((c) => c.cmd === "switch_launch_mode")).toBe(false);
  });

  it("is not offered once anything was done, nor in the demo", async () => {
    backend(appInfo(), dashboard());
    render(App);
    await screen.findByRole("heading", { level: 1, name: "Setup dashboard" });
    expect(screen.queryByTestId("first-run")).toBeNull();
    cleanup();
    app.info = null;
    app.dashboard = null;

    backend(appInfo({ demo: true }), firstRun());
    render(App);
    await waitFor(() =>
      expect(screen.getByTestId("mode-badge").dataset.mode).toBe("demo-adminApi"),
    );
    expect(screen.queryByTestId("first-run")).toBeNull();
  });

  it("offers no demo button when SIA_DEMO decided the mode", async () => {
    backend(appInfo({ launch: "env" }), firstRun());
    render(App);
    await screen.findByTestId("first-run");
    expect(screen.queryByRole("button", { name: "Try it with demo services" })).toBeNull();
  });

  it("keeps a failed switch on screen", async () => {
    backend(appInfo(), firstRun(), {
      switch_launch_mode: { code: "app_launch_not_saved", message: "not saved" },
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByRole("button", { name: "Try it with demo services" }));
    expect((await screen.findByRole("alert")).textContent).toContain(
      "could not remember which mode",
    );
    expect(
      (screen.getByRole("button", { name: "Try it with demo services" }) as HTMLButtonElement)
        .disabled,
    ).toBe(false);
  });
});

describe("Settings: demo or real setup", () => {
  it("switches to the demo only after a confirmation that says it restarts", async () => {
    const calls = backend(appInfo(), dashboard());
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByRole("button", { name: "Settings" }));
    const section = await screen.findByTestId("launch-switch");
    expect(section.textContent).toContain("working with your real Marketo");
    await user.click(screen.getByRole("button", { name: "Restart with demo services" }));
    expect(calls.some((c) => c.cmd === "switch_launch_mode")).toBe(false);
    expect(screen.getByRole("alert").textContent).toContain("Restart SIA Setup now?");
    await user.click(screen.getByRole("button", { name: "Restart now" }));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "switch_launch_mode")?.args).toEqual({ demo: true }),
    );
  });

  it("offers the way back from the demo, and nothing to switch when a flag decided", async () => {
    const calls = backend(appInfo({ demo: true }), dashboard());
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByRole("button", { name: "Settings" }));
    await user.click(await screen.findByRole("button", { name: "Restart with the real setup" }));
    await user.click(screen.getByRole("button", { name: "Restart now" }));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "switch_launch_mode")?.args).toEqual({ demo: false }),
    );
    cleanup();
    app.info = null;
    app.dashboard = null;
    app.view = { kind: "dashboard" };

    backend(appInfo({ demo: true, launch: "flag" }), dashboard());
    render(App);
    await user.click(await screen.findByRole("button", { name: "Settings" }));
    expect((await screen.findByTestId("launch-forced")).textContent).toContain("--demo");
    expect(screen.queryByTestId("launch-switch-button")).toBeNull();
  });
});

describe("the theme", () => {
  it("applies the stored choice at load and a new one at once, and keeps it", async () => {
    const calls = backend(appInfo({ theme: "dark" }), dashboard());
    const user = userEvent.setup();
    render(App);
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));
    await user.click(await screen.findByRole("button", { name: "Settings" }));
    expect((screen.getByRole("radio", { name: "Dark" }) as HTMLInputElement).checked).toBe(true);

    await user.click(screen.getByRole("radio", { name: "Light" }));
    expect(document.documentElement.dataset.theme).toBe("light");
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "set_theme")?.args).toEqual({ theme: "light" }),
    );

    // "Follow the system" leaves the attribute off: the stylesheet's media query decides.
    await user.click(screen.getByRole("radio", { name: "Follow the system" }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it("is set from the webview's copy before the app has asked Rust", () => {
    localStorage.setItem("sia-setup.theme", "dark");
    applyRememberedTheme();
    expect(document.documentElement.dataset.theme).toBe("dark");
    localStorage.setItem("sia-setup.theme", "neon");
    delete document.documentElement.dataset.theme;
    applyRememberedTheme();
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });
});
