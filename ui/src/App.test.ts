import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import { app } from "./lib/app.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { appInfo, dashboard } from "./test/fixtures";
import type { AppInfo } from "./lib/bindings/AppInfo";
import type { Dashboard } from "./lib/bindings/Dashboard";

type Call = { cmd: string; args: Record<string, unknown> };

function backend(info: AppInfo, initial: Dashboard) {
  const calls: Call[] = [];
  let current = initial;
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    switch (cmd) {
      case "app_info":
        return info;
      case "dashboard":
      case "refresh_checks":
      case "check_step":
        return current;
      case "confirm_step": {
        const { step, confirmed } = args as { step: string; confirmed: boolean };
        current = dashboard({
          [step]: confirmed
            ? { state: "done", source: "confirmed", updatedAt: "2026-11-23T10:00:00Z" }
            : {},
        });
        return current;
      }
      case "confirm_prerequisite":
        current = {
          ...current,
          prerequisites: current.prerequisites.map((p) =>
            p.id === (args as { id: string }).id
              ? { ...p, confirmed: true, confirmedAt: "2026-11-23T10:00:00Z" }
              : p,
          ),
        };
        return current;
      case "set_language":
      case "ui_ready":
      case "plugin:opener|open_url":
        return null;
      default:
        throw { code: "unknown_command", message: cmd };
    }
  });
  return calls;
}

beforeEach(() => {
  setLanguage("en");
  app.info = null;
  app.view = { kind: "dashboard" };
  app.errors = {};
  app.problem = null;
});
// Unmount first: components unlisten from events, which needs the mocks still in place.
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the setup dashboard", () => {
  it("shows the prerequisites and the seven steps with role and status", async () => {
    backend(appInfo(), dashboard());
    render(App);
    expect(await screen.findByRole("heading", { level: 1, name: "Setup dashboard" })).toBeTruthy();
    const steps = screen.getAllByRole("listitem").filter((li) => li.dataset.step);
    expect(steps).toHaveLength(7);
    expect(within(steps[0]).getByText("Set up the Marketo Sales account")).toBeTruthy();
    expect(within(steps[0]).getByText("Marketo admin")).toBeTruthy();
    expect(within(steps[5]).getByText("Salesforce admin")).toBeTruthy();
    expect(within(steps[1]).getByText("Marketo or Salesforce admin")).toBeTruthy();
    expect(within(steps[0]).getByText("Not started")).toBeTruthy();
    expect(screen.getByText("0 of 7 steps done")).toBeTruthy();
    expect(screen.getByLabelText(/Sales Insight Actions is enabled/)).toBeTruthy();
  });

  it("follows the language the back end chose and switches on request, remembering it", async () => {
    const calls = backend(appInfo({ language: "zh-TW" }), dashboard());
    render(App);
    expect(await screen.findByRole("heading", { level: 1, name: "設定總覽" })).toBeTruthy();
    expect(screen.getByText("設定 Marketo 銷售帳戶")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "English" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Setup dashboard" })).toBeTruthy();
    expect(calls).toContainEqual({ cmd: "set_language", args: { language: "en" } });
    expect(screen.getByRole("button", { name: "English" }).getAttribute("aria-pressed")).toBe(
      "true",
    );
  });

  it("labels demo mode clearly and says where the stand-ins listen", async () => {
    backend(
      appInfo({
        demo: true,
        demoServices: {
          salesforceUrl: "http://127.0.0.1:47801",
          salesforceOrgType: "production",
          salesforceRedirectUris: [],
          marketoUrl: "http://127.0.0.1:47802",
          marketoRestUrl: "http://127.0.0.1:47802/rest",
          marketoIdentityUrl: "http://127.0.0.1:47802/identity",
          munchkinId: "123-ABC-456",
          actionsUrl: "http://127.0.0.1:47803",
        },
      }),
      dashboard(),
    );
    render(App);
    expect((await screen.findByTestId("mode-badge")).textContent).toBe("Demo");
    expect(screen.getAllByText(/Demo mode/).length).toBeGreaterThan(0);
    expect(screen.getByTestId("demo-services").textContent).toContain(
      "Salesforce http://127.0.0.1:47801",
    );
  });

  it("says why the demo services did not start", async () => {
    backend(
      appInfo({
        demo: true,
        demoProblem: { code: "demo_bind_failed", message: "could not listen on port 47801" },
      }),
      dashboard(),
    );
    render(App);
    expect((await screen.findByRole("alert")).textContent).toContain("47801–47803");
  });

  it("explains a step that needs attention in words", async () => {
    backend(
      appInfo(),
      dashboard({
        installPackage: {
          state: "needsAttention",
          source: "checked",
          updatedAt: "2026-11-23T10:00:00Z",
          reason: { code: "packageOutdated", installed: "1.2", required: "1.4" },
        },
      }),
    );
    render(App);
    expect(
      await screen.findByText(
        "Version 1.2 is installed; 1.4 or newer is needed. Upgrade the package.",
      ),
    ).toBeTruthy();
    expect(screen.getByText("Needs attention")).toBeTruthy();
  });

  it("records a prerequisite the admin confirms", async () => {
    const calls = backend(appInfo(), dashboard());
    render(App);
    await userEvent.click(await screen.findByLabelText(/Marketo–Salesforce sync/));
    expect(calls).toContainEqual({
      cmd: "confirm_prerequisite",
      args: { id: "marketoSalesforceSync", confirmed: true },
    });
    expect(await screen.findByText(/Confirmed/)).toBeTruthy();
  });
});

describe("a step's screen", () => {
  it("opens from the dashboard, confirms the step, and goes back with Escape", async () => {
    const calls = backend(appInfo(), dashboard());
    render(App);
    await userEvent.click(await screen.findByRole("button", { name: "Open step 6" }));
    expect(
      await screen.findByRole("heading", {
        level: 1,
        name: "Install or upgrade the MSI package in Salesforce",
      }),
    ).toBeTruthy();
    expect(screen.getByText("Who does this: Salesforce admin")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "I have done this step" }));
    expect(calls).toContainEqual({
      cmd: "confirm_step",
      args: { step: "installPackage", confirmed: true },
    });
    expect(await screen.findByText("Done")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Mark as not done" })).toBeTruthy();
    await userEvent.keyboard("{Escape}");
    expect(await screen.findByRole("heading", { level: 1, name: "Setup dashboard" })).toBeTruthy();
  });
});

describe("the vendor's guide", () => {
  it("opens the step's Experience League page in the UI language", async () => {
    const calls = backend(appInfo({ language: "zh-TW" }), dashboard());
    render(App);
    await userEvent.click(await screen.findByRole("button", { name: "開啟步驟 6" }));
    await userEvent.click(screen.getByRole("button", { name: "開啟廠商指南" }));
    const root = "docs/marketo/using/product-docs/marketo-sales-insight";
    const page = `${root}/msi-for-salesforce/installation/install-marketo-sales-insight-package-in-salesforce-appexchange`;
    await waitFor(() =>
      expect(calls).toContainEqual({
        cmd: "plugin:opener|open_url",
        args: { url: `https://experienceleague.adobe.com/zh-hant/${page}` },
      }),
    );
    await userEvent.click(screen.getByRole("button", { name: "English" }));
    await userEvent.click(screen.getByRole("button", { name: "Open the vendor's guide" }));
    await waitFor(() =>
      expect(calls).toContainEqual({
        cmd: "plugin:opener|open_url",
        args: { url: `https://experienceleague.adobe.com/en/${page}` },
      }),
    );
  });
});

describe("errors", () => {
  it("shows a back-end error in the admin's language and keeps the screen", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return appInfo({ language: "zh-TW" });
      if (cmd === "dashboard") return dashboard();
      throw {
        code: "store_failed",
        message: "the setup progress file could not be read or written",
      };
    });
    render(App);
    await userEvent.click(await screen.findByRole("button", { name: "開啟步驟 1" }));
    await userEvent.click(screen.getByRole("button", { name: "我已完成這個步驟" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("無法儲存您的進度");
    expect(screen.getByRole("heading", { level: 1, name: "設定 Marketo 銷售帳戶" })).toBeTruthy();
  });

  it("shows an unknown error code with its fallback message", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return appInfo();
      if (cmd === "dashboard") return dashboard();
      throw { code: "brand_new_code", message: "Something specific happened." };
    });
    render(App);
    await userEvent.click(await screen.findByLabelText(/Sales Insight Actions is enabled/));
    expect((await screen.findByRole("alert")).textContent).toContain(
      "Unexpected error: Something specific happened.",
    );
  });

  it("keeps an error on the screen that raised it, not on the screens the admin opens next", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return appInfo();
      if (["dashboard", "refresh_checks", "check_step"].includes(cmd)) return dashboard();
      if (cmd === "confirm_step")
        throw { code: "store_failed", message: "the setup progress file could not be written" };
      // Live mode without Marketo or Actions set up: step 1's own reads fail too.
      throw { code: "brand_new_code", message: "Marketo is not configured." };
    });
    render(App);
    await userEvent.click(await screen.findByRole("button", { name: "Open step 1" }));
    await userEvent.click(screen.getByRole("button", { name: "I have done this step" }));
    await waitFor(() =>
      expect(screen.getByRole("alert").textContent).toContain("Your progress could not be saved"),
    );

    await userEvent.keyboard("{Escape}");
    await screen.findByRole("heading", { level: 1, name: "Setup dashboard" });
    expect(screen.queryByRole("alert")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Open step 6" }));
    await screen.findByRole("heading", {
      level: 1,
      name: "Install or upgrade the MSI package in Salesforce",
    });
    expect(screen.queryByRole("alert")).toBeNull();

    // Back on step 1 the error is still there: the screen's reads, failing again, do not replace it.
    await userEvent.keyboard("{Escape}");
    await userEvent.click(await screen.findByRole("button", { name: "Open step 1" }));
    await screen.findByRole("heading", { level: 1, name: "Set up the Marketo Sales account" });
    expect(screen.getAllByRole("alert")).toHaveLength(1);
    expect(screen.getByRole("alert").textContent).toContain("Your progress could not be saved");
  });
});
