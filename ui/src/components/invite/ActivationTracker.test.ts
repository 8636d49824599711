// Step 5's activation tracker: the pasted list goes to `activation_tracker` as `extra`, each state
// reads in words with what to do (English and Traditional Chinese), and the filter narrows the table.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import ActivationTracker from "./ActivationTracker.svelte";
import StepView from "../../views/StepView.svelte";
import { app } from "../../lib/app.svelte";
import { setLanguage } from "../../lib/i18n.svelte";
import { invite } from "../../lib/inviteStatus.svelte";
import { appInfo, dashboard } from "../../test/fixtures";
import type { ActivationRow } from "../../lib/bindings/ActivationRow";
import type { ActivationTracker as Tracker } from "../../lib/bindings/ActivationTracker";

type Call = { cmd: string; args: Record<string, unknown> };

const rows: ActivationRow[] = [
  {
    email: "ann@acme.com",
    invitedAt: "2026-11-20T10:00:00Z",
    source: "journal",
    state: { kind: "activated", at: "2026-11-21T09:00:00Z", lastUsed: null },
  },
  {
    email: "bob@acme.com",
    invitedAt: "2026-11-20T10:00:00Z",
    source: "journal",
    state: { kind: "noSalesforceUser", closest: "robert@acme.com" },
  },
  {
    email: "cat@acme.com",
    invitedAt: "2026-11-20T10:00:00Z",
    source: "journal",
    state: { kind: "noSalesforceUser", closest: null },
  },
  {
    email: "dan@acme.com",
    invitedAt: "2026-11-20T10:00:00Z",
    source: "journal",
    state: { kind: "inactive" },
  },
  {
    email: "eve@acme.com",
    invitedAt: "2026-11-20T10:00:00Z",
    source: "journal",
    state: { kind: "noApiAccess" },
  },
  {
    email: "fay@acme.com",
    invitedAt: "2026-11-20T10:00:00Z",
    source: "journal",
    state: { kind: "otherOrgKind", expected: "production", actual: "sandbox" },
  },
  {
    email: "gus@acme.com",
    invitedAt: "2026-11-20T10:00:00Z",
    source: "journal",
    state: { kind: "waiting" },
  },
  { email: "hal@acme.com", invitedAt: null, source: "pasted", state: { kind: "waiting" } },
];

function tracker(over: Partial<Tracker> = {}): Tracker {
  return {
    rows,
    summary: { activated: 1, waiting: 2, blocked: 5, notVisible: 0, total: 8 },
    actionsApp: "Sales Insight Actions",
    permissionSetsRead: true,
    othersGrantsVisible: true,
    ignored: [],
    checkedAt: "2026-11-24T10:00:00Z",
    ...over,
  };
}

function mock(answer: Tracker = tracker()): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    switch (cmd) {
      case "activation_tracker":
        return answer;
      case "check_step":
      case "dashboard":
        return dashboard();
      case "import_draft":
        return null;
      case "invite_overview":
        return { unfinished: [] };
      case "plugin:dialog|save":
        return "/home/admin/activation.csv";
      case "activation_export":
        return answer;
      default:
        throw { code: "unknown_command", message: cmd };
    }
  });
  return calls;
}

async function checkNow() {
  await userEvent.click(screen.getByTestId("activation-check"));
  return await screen.findByTestId("activation-table");
}

/** The state and what-to-do cells of `email`'s row. */
function cells(table: HTMLElement, email: string): string {
  const row = within(table).getByText(email).closest("tr")!;
  return row.textContent ?? "";
}

beforeEach(() => {
  setLanguage("en");
  app.errors = {};
  app.busy = false;
  app.info = appInfo();
});

afterEach(() => {
  clearMocks();
  setLanguage("en");
});

describe("the activation tracker", () => {
  it("sends the pasted list as `extra` and shows the summary", async () => {
    const calls = mock();
    render(ActivationTracker);
    expect(screen.getByRole("heading", { name: "Who has activated" })).toBeTruthy();
    await userEvent.type(
      screen.getByLabelText("Also track addresses invited from Actions"),
      "hal@acme.com\n\n  ivy@acme.com; jo@acme.com  \n",
    );
    await checkNow();
    const sent = calls.filter((c) => c.cmd === "activation_tracker");
    expect(sent).toHaveLength(1);
    expect(sent[0].args.extra).toEqual(["hal@acme.com", "ivy@acme.com; jo@acme.com"]);
    expect(screen.getByTestId("activation-summary").textContent).toBe(
      "1 of 8 activated · 2 waiting · 5 blocked",
    );
    expect(screen.getByTestId("activation-app").textContent).toContain("Sales Insight Actions");
    expect(screen.queryByTestId("activation-profiles-only")).toBeNull();
    // An admin with Customize Application sees everyone's grants: no notice, no extra filter.
    expect(screen.queryByTestId("activation-not-visible")).toBeNull();
    expect(screen.queryByLabelText("Cannot be seen")).toBeNull();
  });

  it("sends an empty `extra` when nothing is pasted", async () => {
    const calls = mock();
    render(ActivationTracker);
    await checkNow();
    expect(calls.find((c) => c.cmd === "activation_tracker")!.args.extra).toEqual([]);
  });

  it("says each state in words, with what to do, in English", async () => {
    mock();
    render(ActivationTracker);
    const table = await checkNow();
    expect(cells(table, "ann@acme.com")).toMatch(/Activated .*2026/);
    expect(cells(table, "ann@acme.com")).toContain("Nothing to do.");
    expect(cells(table, "bob@acme.com")).toContain("No Salesforce user with this email");
    expect(cells(table, "bob@acme.com")).toContain("Did you mean robert@acme.com?");
    expect(cells(table, "cat@acme.com")).not.toContain("Did you mean");
    expect(cells(table, "dan@acme.com")).toContain("Activate their Salesforce user.");
    expect(cells(table, "eve@acme.com")).toContain(
      "Give their profile or a permission set API Enabled.",
    );
    expect(cells(table, "fay@acme.com")).toContain(
      "Connected a sandbox org; Actions expects production",
    );
    expect(cells(table, "gus@acme.com")).toContain("Invited 4 days ago; nothing blocks them.");
    expect(cells(table, "hal@acme.com")).toContain("pasted");
    expect(cells(table, "hal@acme.com")).toContain("Nothing blocks them.");
  });

  it("says each state in words, with what to do, in Traditional Chinese", async () => {
    setLanguage("zh-TW");
    mock();
    render(ActivationTracker);
    expect(screen.getByRole("heading", { name: "誰已啟用" })).toBeTruthy();
    const table = await checkNow();
    expect(screen.getByTestId("activation-summary").textContent).toBe(
      "8 人中 1 人已啟用 · 2 人等待中 · 5 人受阻",
    );
    expect(cells(table, "ann@acme.com")).toMatch(/已於 .*2026.* 啟用/);
    expect(cells(table, "bob@acme.com")).toContain("沒有使用此電子郵件的 Salesforce 使用者");
    expect(cells(table, "bob@acme.com")).toContain("您是指 robert@acme.com 嗎？");
    expect(cells(table, "dan@acme.com")).toContain("請啟用其 Salesforce 使用者。");
    expect(cells(table, "eve@acme.com")).toContain("請在其設定檔或權限集中啟用 API Enabled。");
    expect(cells(table, "fay@acme.com")).toContain("連接了沙箱組織；Actions 需要正式環境");
    expect(cells(table, "gus@acme.com")).toContain("4 天前已邀請；沒有任何阻礙。");
    expect(cells(table, "hal@acme.com")).toContain("貼上的");
    expect(table.textContent).not.toMatch(/activation\./);
  });

  it("filters the table: activated, waiting, blocked, all", async () => {
    mock();
    render(ActivationTracker);
    const table = await checkNow();
    const emails = () =>
      [...table.querySelectorAll("tbody tr")].map((tr) => tr.querySelector("td")!.textContent);
    expect(emails()).toHaveLength(8);
    await userEvent.click(screen.getByLabelText("Activated"));
    expect(emails()).toEqual(["ann@acme.com"]);
    await userEvent.click(screen.getByLabelText("Waiting"));
    expect(emails()).toEqual(["gus@acme.com", "hal@acme.com"]);
    await userEvent.click(screen.getByLabelText("Blocked"));
    expect(emails()).toEqual([
      "bob@acme.com",
      "cat@acme.com",
      "dan@acme.com",
      "eve@acme.com",
      "fay@acme.com",
    ]);
    await userEvent.click(screen.getByLabelText("All"));
    expect(emails()).toHaveLength(8);
  });

  it("says to choose the Actions app in step 2, that API access came from profiles only, and what was left out", async () => {
    mock(tracker({ actionsApp: null, permissionSetsRead: false, ignored: ["not-an-email"] }));
    render(ActivationTracker);
    await checkNow();
    expect(screen.getByTestId("activation-no-app").textContent).toContain("Choose it in step 2");
    expect(screen.getByTestId("activation-profiles-only").textContent).toContain(
      "judged from profiles only",
    );
    expect(screen.getByTestId("activation-ignored").textContent).toContain("not-an-email");
  });

  it("exports what it reads as CSV through the save dialog, with the pasted list", async () => {
    const calls = mock();
    render(ActivationTracker);
    await userEvent.type(
      screen.getByLabelText("Also track addresses invited from Actions"),
      "hal@acme.com",
    );
    await checkNow();
    // The dashboard's step-5 line follows the last read.
    expect(invite.activation).toEqual({
      summary: { activated: 1, waiting: 2, blocked: 5, notVisible: 0, total: 8 },
      checkedAt: "2026-11-24T10:00:00Z",
    });
    await userEvent.click(screen.getByRole("button", { name: "Export as CSV…" }));
    const save = calls.find((c) => c.cmd === "plugin:dialog|save")!.args as {
      options: { defaultPath: string; filters: { extensions: string[] }[] };
    };
    expect(save.options.defaultPath).toBe("activation.csv");
    expect(save.options.filters[0].extensions).toEqual(["csv"]);
    expect(calls.find((c) => c.cmd === "activation_export")!.args).toEqual({
      path: "/home/admin/activation.csv",
      extra: ["hal@acme.com"],
    });
    expect((await screen.findByTestId("activation-exported")).textContent).toBe("8 rows written.");
  });

  it("shows a failure on step 5's screen", async () => {
    mockIPC((cmd) => {
      if (cmd === "activation_tracker") throw { code: "salesforce_not_connected", message: "no" };
      throw { code: "unknown_command", message: cmd };
    });
    render(ActivationTracker);
    await userEvent.click(screen.getByTestId("activation-check"));
    await waitFor(() =>
      expect(app.errors["step:inviteUsers"]?.code).toBe("salesforce_not_connected"),
    );
    expect(screen.queryByTestId("activation-table")).toBeNull();
  });

  it.each(["adminApi", "guided"] as const)("is on step 5's screen (%s)", async (actions) => {
    mock();
    app.info = appInfo({ mode: { demo: false, actions } });
    render(StepView, { dashboard: dashboard(), step: "inviteUsers" });
    expect(screen.getByTestId("activation-tracker")).toBeTruthy();
  });
});

/** What an admin without Customize Application reads: their own grant, blockers that do not
 *  depend on `OauthToken`, and everyone else "cannot be seen". */
const unseenRows: ActivationRow[] = [
  {
    email: "me@acme.com",
    invitedAt: null,
    source: "pasted",
    state: { kind: "activated", at: "2026-11-21T09:00:00Z", lastUsed: null },
  },
  {
    email: "dan@acme.com",
    invitedAt: "2026-11-20T10:00:00Z",
    source: "journal",
    state: { kind: "inactive" },
  },
  {
    email: "gus@acme.com",
    invitedAt: "2026-11-20T10:00:00Z",
    source: "journal",
    state: { kind: "notVisible" },
  },
  { email: "hal@acme.com", invitedAt: null, source: "pasted", state: { kind: "notVisible" } },
];
const unseen = () =>
  tracker({
    rows: unseenRows,
    summary: { activated: 1, waiting: 0, blocked: 1, notVisible: 2, total: 4 },
    othersGrantsVisible: false,
  });

describe("the activation tracker without Customize Application", () => {
  it("says once, above the table, why others' activation cannot be seen, and says so in each row", async () => {
    mock(unseen());
    render(ActivationTracker);
    const table = await checkNow();
    const notice = screen.getByTestId("activation-not-visible");
    expect(notice.textContent?.trim()).toBe(
      "Your Salesforce user cannot see other people's app authorisations: it needs the Customize Application permission. Ask a Salesforce admin with it to open this tracker, or give your user that permission.",
    );
    // The notice comes before the table.
    expect(notice.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getAllByTestId("activation-not-visible")).toHaveLength(1);
    expect(screen.getByTestId("activation-summary").textContent).toBe(
      "1 of 4 activated · 2 cannot be seen · 0 waiting · 1 blocked",
    );
    for (const email of ["gus@acme.com", "hal@acme.com"]) {
      expect(cells(table, email)).toContain("Activation cannot be seen");
      expect(cells(table, email)).toContain("Ask a Salesforce admin with Customize Application");
      expect(cells(table, email)).not.toContain("Waiting");
      expect(within(table).getByText(email).closest("tr")!.dataset.group).toBe("notVisible");
    }
    // Their own grant and the blockers Salesforce shows anyway still read as before.
    expect(cells(table, "me@acme.com")).toMatch(/Activated .*2026/);
    expect(cells(table, "dan@acme.com")).toContain("Activate their Salesforce user.");

    const emails = () =>
      [...table.querySelectorAll("tbody tr")].map((tr) => tr.querySelector("td")!.textContent);
    await userEvent.click(screen.getByLabelText("Cannot be seen"));
    expect(emails()).toEqual(["gus@acme.com", "hal@acme.com"]);
    // Nobody is waiting: not one of them is said to be.
    await userEvent.click(screen.getByLabelText("Waiting"));
    expect(screen.getByText("Nobody in this group.")).toBeTruthy();
    expect(screen.queryByTestId("activation-table")).toBeNull();
    // The dashboard's line gets the same counts.
    expect(invite.activation?.summary.notVisible).toBe(2);
  });

  it("shows everyone again when the next read can see them all", async () => {
    let answer = unseen();
    mockIPC((cmd) => {
      if (cmd === "activation_tracker") return answer;
      throw { code: "unknown_command", message: cmd };
    });
    render(ActivationTracker);
    await checkNow();
    await userEvent.click(screen.getByLabelText("Cannot be seen"));
    // Customize Application given: the filter it no longer offers gives way to "All".
    answer = tracker();
    await userEvent.click(screen.getByTestId("activation-check"));
    await waitFor(() => expect(screen.queryByTestId("activation-not-visible")).toBeNull());
    expect(screen.queryByLabelText("Cannot be seen")).toBeNull();
    expect((screen.getByLabelText("All") as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId("activation-table").querySelectorAll("tbody tr")).toHaveLength(8);
  });

  it("says it in Traditional Chinese", async () => {
    setLanguage("zh-TW");
    mock(unseen());
    render(ActivationTracker);
    const table = await checkNow();
    expect(screen.getByTestId("activation-not-visible").textContent).toContain(
      "您的 Salesforce 使用者無法查看其他人的應用程式授權",
    );
    expect(screen.getByTestId("activation-summary").textContent).toBe(
      "4 人中 1 人已啟用 · 2 人無法查看 · 0 人等待中 · 1 人受阻",
    );
    expect(cells(table, "gus@acme.com")).toContain("無法查看是否已啟用");
    expect(cells(table, "gus@acme.com")).toContain("自訂應用程式");
    expect(table.textContent).not.toMatch(/activation\./);
  });
});
