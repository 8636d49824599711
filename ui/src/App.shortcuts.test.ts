// The keyboard in the window: Alt+N opens step N with the focus on its heading, Esc goes back,
// and the shortcuts are shown where the steps are and in Settings, in both languages.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import { app } from "./lib/app.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { appInfo, dashboard } from "./test/fixtures";

beforeEach(() => {
  setLanguage("en");
  app.info = null;
  app.dashboard = null;
  app.view = { kind: "dashboard" };
  app.errors = {};
  app.problem = null;
  mockIPC((cmd) => {
    switch (cmd) {
      case "app_info":
        return appInfo();
      case "dashboard":
      case "refresh_checks":
      case "check_step":
        return dashboard();
      case "vault_status":
        return { keychain: { kind: "available", backend: "Secret Service" }, credentials: [] };
      default:
        return null;
    }
  });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

const heading = () => screen.getByRole("heading", { level: 1 });

describe("keyboard shortcuts", () => {
  it("Alt+7 opens step 7 with the focus on its heading, Esc goes back to the dashboard", async () => {
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { level: 1, name: "Setup dashboard" });

    await user.keyboard("{Alt>}7{/Alt}");
    await waitFor(() => expect(heading().textContent).toBe("Configure MSI Actions in Salesforce"));
    await waitFor(() => expect(document.activeElement).toBe(heading()));

    await user.keyboard("{Alt>}2{/Alt}");
    await waitFor(() =>
      expect(heading().textContent).toBe("Connect the Actions account to Salesforce"),
    );

    await user.keyboard("{Escape}");
    await waitFor(() => expect(heading().textContent).toBe("Setup dashboard"));
    await waitFor(() => expect(document.activeElement).toBe(heading()));
  });

  it("Esc typed in a field stays in the field", async () => {
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { level: 1, name: "Setup dashboard" });
    await user.keyboard("{Alt>}7{/Alt}");
    await screen.findByTestId("msi-config");
    const key = document.getElementById("msi-api-key")!;
    await user.click(key);
    await user.keyboard("abc{Escape}");
    expect(heading().textContent).toBe("Configure MSI Actions in Salesforce");
    // Out of the field, Esc is the window's again.
    await user.click(heading());
    await user.keyboard("{Escape}");
    await waitFor(() => expect(heading().textContent).toBe("Setup dashboard"));
  });

  it("shows each step's shortcut on its card and the keys in the footer and Settings", async () => {
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { level: 1, name: "Setup dashboard" });
    const open7 = screen.getByRole("button", { name: "Open step 7" });
    expect(open7.getAttribute("aria-keyshortcuts")).toBe("Alt+7");
    expect(open7.getAttribute("title")).toBe("Open step 7 (Alt+7)");
    expect(open7.parentElement!.querySelector("kbd")!.textContent).toBe("Alt+7");
    expect(screen.getByTestId("footer-keyboard").textContent).toContain("Alt+1 to Alt+7");

    await user.click(screen.getByRole("button", { name: "Settings" }));
    const help = await screen.findByTestId("keyboard-help");
    expect(help.textContent).toContain("Alt+1 to Alt+7: open step 1 to 7");
    expect(help.textContent).toContain("Esc: back to the dashboard");

    await user.click(screen.getByRole("button", { name: "繁體中文" }));
    await waitFor(() => expect(help.textContent).toContain("Alt+1 到 Alt+7"));
    expect(screen.getByTestId("footer-keyboard").textContent).toContain("Esc 回到設定總覽");
  });
});
