// The dashboard's hand-over parts: step 5's card says how many invitees activated at the last
// tracker read, and how long ago (nothing before any tracker ran); "Export setup report…" writes
// the report where the save dialog says.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import { app } from "../lib/app.svelte";
import { setLanguage } from "../lib/i18n.svelte";
import { invite } from "../lib/inviteStatus.svelte";
import { appInfo, dashboard } from "../test/fixtures";
import type { ActivationLast } from "../lib/bindings/ActivationLast";

type Call = { cmd: string; args: Record<string, unknown> };

beforeEach(() => {
  setLanguage("en");
  app.view = { kind: "dashboard" };
  app.errors = {};
  app.problem = null;
  invite.activation = null;
});
afterEach(() => {
  cleanup();
  clearMocks();
});

function mock(last: ActivationLast | null, language: "en" | "zh-TW" = "en"): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    switch (cmd) {
      case "app_info":
        return appInfo({ language });
      case "dashboard":
        return dashboard();
      case "invite_overview":
        return { running: null, unfinished: [] };
      case "activation_last":
        return last;
      case "plugin:dialog|save":
        return "/home/ada/report.html";
      default:
        return null;
    }
  });
  return calls;
}

const card = async () =>
  (
    await screen.findByRole("heading", { name: /Invite users to Actions|邀請使用者加入 Actions/ })
  ).closest("li") as HTMLElement;

describe("the dashboard's step-5 line", () => {
  it("shows the last tracker's count and its age", async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000).toISOString();
    mock({
      summary: { activated: 14, waiting: 4, blocked: 2, notVisible: 0, total: 20 },
      checkedAt: tenMinutesAgo,
    });
    render(App);
    const step5 = await card();
    const line = await within(step5).findByTestId("step-detail");
    expect(line.textContent).toBe("14 of 20 activated · checked 10 minutes ago");
    // Only step 5 says it.
    expect(screen.getAllByTestId("step-detail")).toHaveLength(1);
  });

  it("says it in Traditional Chinese too", async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString();
    mock(
      {
        summary: { activated: 1, waiting: 2, blocked: 0, notVisible: 0, total: 3 },
        checkedAt: twoHoursAgo,
      },
      "zh-TW",
    );
    render(App);
    const line = await within(await card()).findByTestId("step-detail");
    expect(line.textContent).toBe("3 人中 1 人已啟用 · 檢查於2 小時前");
  });

  it("names the invitees whose activation could not be seen, never as activated or waiting", async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000).toISOString();
    mock({
      summary: { activated: 1, waiting: 0, blocked: 0, notVisible: 2, total: 3 },
      checkedAt: tenMinutesAgo,
    });
    render(App);
    const line = await within(await card()).findByTestId("step-detail");
    expect(line.textContent).toBe("1 of 3 activated · 2 cannot be seen · checked 10 minutes ago");
  });

  it("names them in Traditional Chinese too", async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString();
    mock(
      {
        summary: { activated: 1, waiting: 0, blocked: 0, notVisible: 2, total: 3 },
        checkedAt: twoHoursAgo,
      },
      "zh-TW",
    );
    render(App);
    const line = await within(await card()).findByTestId("step-detail");
    expect(line.textContent).toBe("3 人中 1 人已啟用 · 2 人無法查看 · 檢查於2 小時前");
  });

  it("shows nothing before any tracker ran", async () => {
    const calls = mock(null);
    render(App);
    const step5 = await card();
    await waitFor(() => expect(calls.some((c) => c.cmd === "activation_last")).toBe(true));
    expect(within(step5).queryByTestId("step-detail")).toBeNull();
  });
});

describe("Export setup report…", () => {
  it("asks where, then has the report written there", async () => {
    const calls = mock(null);
    render(App);
    await userEvent.click(await screen.findByRole("button", { name: "Export setup report…" }));
    expect(await screen.findByTestId("report-saved")).toBeTruthy();
    const save = calls.find((c) => c.cmd === "plugin:dialog|save")!.args as {
      options: { defaultPath: string; filters: { extensions: string[] }[] };
    };
    expect(save.options.defaultPath).toBe("sia-setup-report.html");
    expect(save.options.filters[0].extensions).toEqual(["html"]);
    const written = calls.find((c) => c.cmd === "export_setup_report");
    expect(written?.args).toEqual({ path: "/home/ada/report.html" });
  });

  it("writes nothing when the admin cancels the dialog", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "app_info") return appInfo();
      if (cmd === "dashboard") return dashboard();
      return null;
    });
    render(App);
    await userEvent.click(await screen.findByRole("button", { name: "Export setup report…" }));
    await waitFor(() => expect(calls).toContain("plugin:dialog|save"));
    expect(calls).not.toContain("export_setup_report");
    expect(screen.queryByTestId("report-saved")).toBeNull();
  });
});
