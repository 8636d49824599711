import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import App from "../App.svelte";
import { app } from "../lib/app.svelte";
import { setLanguage } from "../lib/i18n.svelte";
import { appInfo, dashboard } from "../test/fixtures";
import type { VaultStatus } from "../lib/bindings/VaultStatus";
import type { UpdateCheck } from "../lib/bindings/UpdateCheck";

const stored: VaultStatus = {
  keychain: { kind: "available", backend: "Secret Service" },
  credentials: [
    {
      service: "salesforce",
      environment: "demo",
      storedIn: "keychain",
      savedOn: "2026-11-23T10:00:00Z",
      connection: { account: "admin@example.com", connectedAs: "Ada Admin" },
    },
  ],
};

beforeEach(() => {
  setLanguage("en");
  app.view = { kind: "dashboard" };
  app.errors = {};
  app.problem = null;
});
// Unmount first: components unlisten from events, which needs the mocks still in place.
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the settings screen", () => {
  it("lists what is stored, never a value, and forgets everything after a confirmation", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      switch (cmd) {
        case "app_info":
          return appInfo();
        case "dashboard":
          return dashboard();
        case "vault_status":
          return stored;
        case "forget_everything":
          return {
            removed: stored.credentials,
            failed: [],
            revoked: 1,
            notRevoked: 0,
            status: { ...stored, credentials: [] },
          };
        default:
          return null;
      }
    });
    render(App);
    await userEvent.click(await screen.findByTestId("open-settings"));
    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeTruthy();
    expect(await screen.findByText("Ada Admin")).toBeTruthy();
    expect(screen.getByText(/Secret Service/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Forget everything" }));
    expect(calls).not.toContain("forget_everything");
    await userEvent.click(screen.getByRole("button", { name: "Yes, forget everything" }));
    expect(calls).toContain("forget_everything");
    expect(await screen.findByText("Nothing is stored yet.")).toBeTruthy();
    expect(screen.getAllByText(/1 Salesforce sign-ins revoked/).length).toBeGreaterThan(0);
  });

  it("says in zh-TW when no keychain is available", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return appInfo({ language: "zh-TW" });
      if (cmd === "dashboard") return dashboard();
      if (cmd === "vault_status")
        return {
          keychain: { kind: "unavailable", code: "keychain_unavailable", message: "no bus" },
          credentials: [],
        };
      return null;
    });
    render(App);
    await userEvent.click(await screen.findByTestId("open-settings"));
    expect(await screen.findByText(/目前沒有可用的鑰匙圈/)).toBeTruthy();
  });
});

describe("the demo's way to Actions", () => {
  it("switches the demo between guided and the Actions admin API, and reloads the dashboard", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      switch (cmd) {
        case "app_info":
          return appInfo({ demo: true, mode: { demo: true, actions: "adminApi" } });
        case "dashboard":
          return dashboard();
        case "vault_status":
          return { ...stored, credentials: [] };
        case "set_demo_actions_access":
          return { demo: true, actions: (args as { access: string }).access };
        default:
          return null;
      }
    });
    app.info = null;
    render(App);
    await userEvent.click(await screen.findByTestId("open-settings"));
    const adminApi = (await screen.findByLabelText(
      "With the Actions admin API",
    )) as HTMLInputElement;
    expect(adminApi.checked).toBe(true);
    expect(screen.getByTestId("mode-badge").textContent).toBe("Demo");
    const dashboardReads = calls.filter((c) => c.cmd === "dashboard").length;
    await userEvent.click(screen.getByLabelText("Guided, like the real product"));
    expect(calls).toContainEqual({ cmd: "set_demo_actions_access", args: { access: "guided" } });
    expect(
      await screen.findByText("The demo now runs as: Demo — guided like the real product."),
    ).toBeTruthy();
    expect(screen.getByTestId("mode-badge").textContent).toBe(
      "Demo — guided like the real product",
    );
    expect(calls.filter((c) => c.cmd === "dashboard").length).toBe(dashboardReads + 1);
    expect(app.info).toMatchObject({ mode: { demo: true, actions: "guided" } });
  });

  it("is not offered outside the demo", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return appInfo({ mode: { demo: false, actions: "guided" } });
      if (cmd === "dashboard") return dashboard();
      if (cmd === "vault_status") return { ...stored, credentials: [] };
      return null;
    });
    app.info = null;
    render(App);
    await userEvent.click(await screen.findByTestId("open-settings"));
    await screen.findByText("Nothing is stored yet.");
    expect(screen.queryByTestId("demo-access")).toBeNull();
  });
});

describe("help from support", () => {
  it("exports the diagnostics to the zip the admin chose, and says what is in it", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      switch (cmd) {
        case "app_info":
          return appInfo();
        case "dashboard":
          return dashboard();
        case "vault_status":
          return stored;
        case "plugin:dialog|save":
          return "/home/ada/sia-setup-diagnostics.zip";
        case "export_diagnostics":
          return { entries: ["about.json"], logFiles: 2, errorCodes: 3 };
        default:
          return null;
      }
    });
    render(App);
    await userEvent.click(await screen.findByTestId("open-settings"));
    await userEvent.click(await screen.findByRole("button", { name: "Export diagnostics…" }));
    expect(await screen.findByTestId("diagnostics-notice")).toHaveProperty(
      "textContent",
      "Diagnostics saved: 2 log files and 3 recent error codes.",
    );
    const save = calls.find((c) => c.cmd === "plugin:dialog|save");
    expect(save?.args).toMatchObject({
      options: { defaultPath: "sia-setup-diagnostics.zip", filters: [{ extensions: ["zip"] }] },
    });
    expect(calls).toContainEqual({
      cmd: "export_diagnostics",
      args: { path: "/home/ada/sia-setup-diagnostics.zip" },
    });
  });

  it("writes nothing when the admin cancels, and shows a failure in zh-TW until dismissed", async () => {
    let picked: string | null = null;
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      switch (cmd) {
        case "app_info":
          return appInfo({ language: "zh-TW" });
        case "dashboard":
          return dashboard();
        case "vault_status":
          return stored;
        case "plugin:dialog|save":
          return picked;
        case "export_diagnostics":
          throw { code: "diagnostics_write_failed", message: "could not be written" };
        default:
          return null;
      }
    });
    render(App);
    await userEvent.click(await screen.findByTestId("open-settings"));
    const button = await screen.findByRole("button", { name: "匯出診斷資料…" });
    await userEvent.click(button);
    expect(calls).not.toContain("export_diagnostics");
    picked = "/tmp/d.zip";
    await userEvent.click(button);
    expect(await screen.findByText("無法寫入診斷檔案。請選擇其他資料夾後再試一次。")).toBeTruthy();
    expect(screen.queryByTestId("diagnostics-notice")).toBeNull();
  });
});

describe("updates", () => {
  const offer: UpdateCheck = {
    currentVersion: "0.1.0",
    offer: {
      version: "0.2.0",
      currentVersion: "0.1.0",
      notes: "Faster invites.\nFixes.",
      date: "2026-12-01T09:30:00Z",
      selfInstall: true,
    },
  };

  function mockUpdates(answers: Record<string, () => unknown>) {
    const calls: string[] = [];
    mockIPC(
      (cmd) => {
        calls.push(cmd);
        if (cmd in answers) return answers[cmd]();
        if (cmd === "app_info") return appInfo();
        if (cmd === "dashboard") return dashboard();
        if (cmd === "vault_status") return stored;
        return null;
      },
      { shouldMockEvents: true },
    );
    return calls;
  }

  it("checks only on the click, offers the update, installs it on the second click and restarts on the third", async () => {
    let check: UpdateCheck = { currentVersion: "0.1.0", offer: null };
    let finishInstall: (v: unknown) => void = () => {};
    const calls = mockUpdates({
      update_check: () => check,
      update_install: () => new Promise((resolve) => (finishInstall = resolve)),
      update_restart: () => null,
    });
    render(App);
    await userEvent.click(await screen.findByTestId("open-settings"));
    expect(await screen.findByTestId("update-version")).toHaveProperty(
      "textContent",
      "SIA Setup 0.1.0",
    );
    expect(calls.filter((c) => c.startsWith("update_"))).toEqual([]);

    await userEvent.click(screen.getByRole("button", { name: "Check for updates" }));
    expect(await screen.findByText("You have the latest version (checked just now).")).toBeTruthy();

    check = offer;
    await userEvent.click(screen.getByRole("button", { name: "Check for updates" }));
    expect(await screen.findByText("Version 0.2.0 is available.")).toBeTruthy();
    expect(screen.getByTestId("update-notes").textContent).toBe("Faster invites.\nFixes.");
    expect(screen.queryByTestId("update-not-self-install")).toBeNull();
    expect(calls).not.toContain("update_install");

    await userEvent.click(screen.getByRole("button", { name: "Download and install" }));
    expect(await screen.findByText("Downloading…")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Download and install" })).toHaveProperty(
      "disabled",
      true,
    );
    await emit("update-progress", { downloaded: 512, total: 2048 });
    expect(await screen.findByText("Downloading… 25%")).toBeTruthy();
    finishInstall({ version: "0.2.0" });
    expect(
      await screen.findByText(
        "Version 0.2.0 is installed. Restart SIA Setup to finish: it starts the new version.",
      ),
    ).toBeTruthy();
    expect(calls).not.toContain("update_restart");
    await userEvent.click(screen.getByRole("button", { name: "Restart to finish" }));
    expect(calls.filter((c) => c.startsWith("update_"))).toEqual([
      "update_check",
      "update_check",
      "update_install",
      "update_restart",
    ]);
  });

  it("keeps a refused signature on screen, says so plainly, and installs nothing", async () => {
    const calls = mockUpdates({
      update_check: () => ({ ...offer, offer: { ...offer.offer!, selfInstall: false } }),
      update_install: () => {
        throw { code: "update_bad_signature", message: "not signed" };
      },
    });
    render(App);
    await userEvent.click(await screen.findByTestId("open-settings"));
    await userEvent.click(await screen.findByRole("button", { name: "Check for updates" }));
    expect((await screen.findByTestId("update-not-self-install")).textContent).toContain(
      "cannot replace itself",
    );
    await userEvent.click(screen.getByRole("button", { name: "Download and install" }));
    // Beside the button, not at the top of the long Settings screen, until dismissed.
    const alert = await within(screen.getByTestId("updates")).findByRole("alert");
    expect(alert.dataset.errorCode).toBe("update_bad_signature");
    expect(alert.textContent).toContain("was not signed by SIA Setup's publisher");
    expect(alert.textContent).toContain("nothing was installed");
    expect(screen.queryByTestId("update-installed")).toBeNull();
    expect(screen.getByRole("button", { name: "Download and install" })).toHaveProperty(
      "disabled",
      false,
    );
    expect(calls).not.toContain("update_restart");
  });

  it("says in zh-TW when the update server cannot be reached", async () => {
    mockUpdates({
      app_info: () => appInfo({ language: "zh-TW" }),
      update_check: () => {
        throw { code: "update_unreachable", message: "unreachable" };
      },
    });
    render(App);
    await userEvent.click(await screen.findByTestId("open-settings"));
    expect(await screen.findByRole("heading", { name: "更新" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "檢查更新" }));
    expect(await screen.findByText(/無法連線到更新伺服器/)).toBeTruthy();
  });
});
