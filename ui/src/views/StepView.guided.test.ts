// Real-product mode (guided): steps 1-4 show what the admin does in the vendor's product, what they
// bring back, and what SIA Setup checked in a real API; none of them calls the Actions admin API.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import { app } from "../lib/app.svelte";
import { setLanguage } from "../lib/i18n.svelte";
import { appInfo, dashboard } from "../test/fixtures";
import type { ActionsAppCheck } from "../lib/bindings/ActionsAppCheck";
import type { Dashboard } from "../lib/bindings/Dashboard";
import type { MarketoSaved } from "../lib/bindings/MarketoSaved";
import type { MarketoUsageCheck } from "../lib/bindings/MarketoUsageCheck";
import type { StepId } from "../lib/bindings/StepId";

type Call = { cmd: string; args: Record<string, unknown> };

/** Commands of the Actions admin API: none may be sent in guided mode. */
const ACTIONS_API = /^(actions_|sync_start$|sync_progress$|invite_start_)/;

const now = () => new Date().toISOString();

const saved: MarketoSaved = {
  connection: {
    service: "marketo",
    environment: "production",
    storedIn: "keychain",
    savedOn: "2026-11-23T10:00:00Z",
    connection: { account: "123-ABC-456", munchkinId: "123-ABC-456", connectedAs: "api@x.com" },
  },
  test: {
    munchkinId: "123-ABC-456",
    endpoint: "https://123-ABC-456.mktorest.com",
    apiUser: "api@x.com",
    tokenExpiresInSeconds: 3599,
  },
  report: { fields: [], filledFromBlock: [] },
};

function appCheck(chosen: string | null, authorised: boolean): ActionsAppCheck {
  return {
    appNames: ["Other App", "Sales Insight Actions"],
    suggested: "Sales Insight Actions",
    chosen,
    adminToken: authorised
      ? { appName: chosen!, created: null, lastUsed: null, useCount: 7 }
      : null,
    username: "admin@acme.com",
    checkedAt: now(),
  };
}

function usage(chosen: string | null): MarketoUsageCheck {
  return {
    apiUsers: [
      { userId: "actions@acme.com", name: "Sales Insight Actions" },
      { userId: "other@acme.com", name: "Other integration" },
    ],
    suggested: "actions@acme.com",
    chosen,
    days: [],
    callsToday: chosen ? 10 : 0,
    callsLast7Days: chosen ? 1234 : 0,
    syncEstimate: chosen
      ? {
          kind: "syncEstimate",
          apiUser: chosen,
          callsToday: 10,
          peopleEstimated: 3000,
          peopleExpected: 12000,
          expectedAtLeast: true,
          peoplePerCall: 300,
        }
      : null,
    checkedAt: now(),
  };
}

function backend(initial: Dashboard = dashboard(), demo = false) {
  const calls: Call[] = [];
  let current = initial;
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      switch (cmd) {
        case "app_info":
          return appInfo({ demo, mode: { demo, actions: "guided" } });
        case "dashboard":
        case "refresh_checks":
        case "check_step":
          return current;
        case "import_draft":
          return null;
        case "marketo_overview":
          return { connection: null, demoAddress: null };
        case "marketo_test_and_save":
          current = dashboard({
            activateAccount: {
              state: "done",
              source: "checked",
              updatedAt: now(),
              checkedAt: now(),
              evidence: { kind: "marketoToken", munchkinId: "123-ABC-456", apiUser: "api@x.com" },
            },
          });
          return saved;
        case "salesforce_overview":
          return {
            settings: {
              loginHost: "https://login.salesforce.com",
              consumerKey: "",
              ports: { kind: "list", ports: [53682] },
              callbackHost: "ipv4Loopback",
            },
            callbackUrls: [],
            connection: null,
          };
        case "salesforce_actions_app":
          return appCheck("Sales Insight Actions", true);
        case "salesforce_choose_actions_app":
          return appCheck((args as { appName: string }).appName, false);
        case "marketo_usage":
          return usage("actions@acme.com");
        case "marketo_choose_actions_user":
          return usage((args as { userId: string }).userId);
        case "marketo_copy_field":
        case "set_language":
        case "ui_ready":
        case "plugin:opener|open_url":
          return null;
        default:
          throw { code: "unknown_command", message: cmd };
      }
    },
    { shouldMockEvents: true },
  );
  return calls;
}

async function open(step: StepId, title: string) {
  app.view = { kind: "step", step };
  render(App);
  await screen.findByRole("heading", { level: 1, name: title });
}

function noActionsApi(calls: Call[]) {
  expect(calls.map((c) => c.cmd).filter((cmd) => ACTIONS_API.test(cmd))).toEqual([]);
}

beforeEach(() => {
  setLanguage("en");
  app.info = null;
  app.dashboard = null;
  app.errors = {};
  app.problem = null;
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("guided step 1: set up the Marketo Sales account", () => {
  it("shows the Marketo clicks, takes the Integration Information, and shows the token as evidence", async () => {
    const calls = backend();
    await open("activateAccount", "Set up the Marketo Sales account");
    const doIt = screen.getByTestId("guided-do");
    expect(within(doIt).getByText("Click Sales Insight, then Actions Config.")).toBeTruthy();
    expect(within(doIt).getByText(/Only then does the Integration Information card/)).toBeTruthy();
    expect(within(doIt).getByRole("button", { name: "Open the vendor's guide" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "What you bring back" })).toBeTruthy();
    expect(screen.queryByTestId("activate-panel")).toBeNull();
    expect(screen.getByTestId("guided-checked").textContent).toContain(
      "SIA Setup has nothing to check",
    );

    await userEvent.type(
      await screen.findByLabelText("Munchkin ID or REST endpoint"),
      "123-ABC-456",
    );
    await userEvent.type(screen.getByLabelText("Client ID"), "id");
    await userEvent.type(screen.getByLabelText("Client Secret"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Test and save" }));
    await waitFor(() =>
      expect(screen.getByTestId("guided-evidence").textContent).toContain(
        "Marketo issued an API token for 123-ABC-456 (API user api@x.com)",
      ),
    );
    expect(screen.getByTestId("guided-evidence").textContent).toContain(
      "source: Marketo identity API, checked just now",
    );
    expect(calls).toContainEqual({ cmd: "check_step", args: { step: "activateAccount" } });
    noActionsApi(calls);
  });
});

describe("guided step 2: connect the Actions account to Salesforce", () => {
  it("says the sign-in is SIA Setup's, checks the Actions app in Salesforce and lets the admin change it", async () => {
    const calls = backend();
    await open("connectSalesforce", "Connect the Actions account to Salesforce");
    expect(screen.getByTestId("salesforce-connect-note").textContent).toContain(
      "It does not connect Actions to Salesforce",
    );
    expect(
      within(screen.getByTestId("guided-do")).getByText("Under Admin Settings, click Salesforce."),
    ).toBeTruthy();
    await userEvent.click(screen.getByTestId("actions-app-read"));
    const evidence = await screen.findByTestId("actions-app-evidence");
    expect(evidence.textContent).toContain(
      "admin@acme.com has authorised “Sales Insight Actions” in Salesforce · used 7 times",
    );
    expect(evidence.textContent).toContain("source: Salesforce, OauthToken, checked just now");

    await userEvent.click(screen.getByRole("button", { name: "Choose another app" }));
    expect(
      (screen.getByLabelText("Sales Insight Actions (suggested)") as HTMLInputElement).checked,
    ).toBe(true);
    await userEvent.click(screen.getByLabelText("Other App"));
    await userEvent.click(screen.getByRole("button", { name: "Use this app" }));
    expect(calls).toContainEqual({
      cmd: "salesforce_choose_actions_app",
      args: { appName: "Other App" },
    });
    expect((await screen.findByTestId("actions-app-not-authorised")).textContent).toContain(
      "admin@acme.com has not authorised “Other App” yet",
    );
    expect(screen.queryByTestId("actions-salesforce")).toBeNull();
    noActionsApi(calls);
  });
});

describe("guided step 3: connect the Actions account to Marketo", () => {
  it("copies the credentials through Rust and shows the Actions API user's calls", async () => {
    const calls = backend();
    await open("connectMarketo", "Connect the Actions account to Marketo");
    expect(screen.getByText(/cleared from the clipboard after 60 seconds/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Copy the Client Secret" }));
    expect(calls).toContainEqual({ cmd: "marketo_copy_field", args: { field: "clientSecret" } });
    expect(await screen.findByText(/Client Secret copied/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Copy the Munchkin ID" }));
    expect(calls).toContainEqual({ cmd: "marketo_copy_field", args: { field: "munchkinId" } });

    await userEvent.click(screen.getByTestId("marketo-usage-read"));
    const chosen = (await screen.findByLabelText(
      "Sales Insight Actions (actions@acme.com)",
    )) as HTMLInputElement;
    expect(chosen.checked).toBe(true);
    expect(screen.getByTestId("marketo-usage-evidence").textContent).toContain(
      "Marketo API calls by actions@acme.com, last 7 days: 1,234 (10 today;",
    );
    await userEvent.click(screen.getByLabelText("Other integration (other@acme.com)"));
    await userEvent.click(screen.getByRole("button", { name: "Use this API user" }));
    expect(calls).toContainEqual({
      cmd: "marketo_choose_actions_user",
      args: { userId: "other@acme.com" },
    });
    await waitFor(() =>
      expect(screen.getByTestId("marketo-usage-evidence").textContent).toContain(
        "by other@acme.com",
      ),
    );
    expect(screen.queryByTestId("actions-marketo")).toBeNull();
    noActionsApi(calls);
  });
});

describe("guided step 4: start the data sync", () => {
  it("keeps the field preview, warns about the original user, and labels the progress an estimate", async () => {
    const calls = backend();
    await open("startSync", "Start the data sync from Marketo");
    expect(
      within(screen.getByTestId("guided-do")).getByText(/^CAUTION: once the sync/),
    ).toBeTruthy();
    expect(screen.getByTestId("sync-preview")).toBeTruthy();
    expect(screen.queryByTestId("sync-run")).toBeNull();
    await userEvent.click(screen.getByTestId("sync-estimate-read"));
    const evidence = await screen.findByTestId("sync-estimate-evidence");
    expect(evidence.textContent).toContain(
      "Estimate: about 3,000 of at least 12,000 people synced (≈300 people per API call; API calls today by actions@acme.com: 10",
    );
    expect(evidence.textContent).toContain("Marketo API usage statistics");
    noActionsApi(calls);
  });

  it("shows the step's last evidence with the reason a newer check failed", async () => {
    const calls = backend(
      dashboard({
        startSync: {
          state: "inProgress",
          source: "checked",
          updatedAt: "2026-11-23T10:00:00Z",
          checkedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
          checkProblem: { code: "marketo_daily_quota_exceeded", at: now() },
          evidence: {
            kind: "marketoApiCalls",
            apiUser: "actions@acme.com",
            last7Days: 5,
            today: 1,
          },
        },
      }),
    );
    await open("startSync", "Start the data sync from Marketo");
    expect(screen.getByTestId("evidence-problem").textContent).toMatch(
      /^Could not check just now \(.+\); last result from 3 hours ago\.$/,
    );
    noActionsApi(calls);
  });
});

describe("guided step 5: invite users", () => {
  it("offers the import and the upload file, not sending invites", async () => {
    const calls = backend();
    await open("inviteUsers", "Invite users to Actions");
    expect(screen.queryByTestId("open-invite")).toBeNull();
    expect(screen.getByTestId("invite-guided-note").textContent).toContain("Invite users via CSV");
    noActionsApi(calls);
  });
});

describe("the mode badge and the checks", () => {
  const cases = [
    { demo: false, actions: "guided", text: "Real product (guided)" },
    { demo: true, actions: "guided", text: "Demo — guided like the real product" },
    { demo: false, actions: "adminApi", text: "Actions admin API" },
    { demo: true, actions: "adminApi", text: "Demo" },
  ] as const;
  for (const { demo, actions, text } of cases) {
    it(`says "${text}"`, async () => {
      mockIPC((cmd) => {
        if (cmd === "app_info") return appInfo({ demo, mode: { demo, actions } });
        if (["dashboard", "refresh_checks"].includes(cmd)) return dashboard();
        return null;
      });
      app.view = { kind: "dashboard" };
      render(App);
      await waitFor(() => expect(screen.getByTestId("mode-badge").textContent).toBe(text));
    });
  }

  it("checks the steps once after the first paint and shows the evidence on the dashboard", async () => {
    const calls = backend();
    const checked = dashboard({
      connectSalesforce: {
        state: "done",
        source: "checked",
        checkedAt: now(),
        evidence: {
          kind: "salesforceAppAuthorized",
          appName: "Sales Insight Actions",
          username: "admin@acme.com",
          lastUsed: null,
          useCount: null,
        },
      },
    });
    mockIPC((cmd) => {
      calls.push({ cmd, args: {} });
      if (cmd === "app_info") return appInfo({ mode: { demo: false, actions: "guided" } });
      if (cmd === "refresh_checks") return checked;
      if (cmd === "dashboard") return dashboard();
      return null;
    });
    app.view = { kind: "dashboard" };
    render(App);
    const card = await screen.findByText(/admin@acme.com has authorised/);
    expect(card.closest("[data-step]")?.getAttribute("data-step")).toBe("connectSalesforce");
    expect(calls.filter((c) => c.cmd === "refresh_checks")).toHaveLength(1);
    const order = calls.map((c) => c.cmd);
    expect(order.indexOf("ui_ready")).toBeLessThan(order.indexOf("refresh_checks"));
  });
});
