import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import App from "../../App.svelte";
import { app } from "../../lib/app.svelte";
import { setLanguage } from "../../lib/i18n.svelte";
import { appInfo, dashboard } from "../../test/fixtures";
import type { SalesforceOverview } from "../../lib/bindings/SalesforceOverview";

const overview: SalesforceOverview = {
  settings: {
    loginHost: "https://login.salesforce.com",
    consumerKey: "",
    ports: { kind: "list", ports: [53682, 53683] },
    callbackHost: "ipv4Loopback",
  },
  callbackUrls: ["http://127.0.0.1:53682/callback", "http://127.0.0.1:53683/callback"],
  connection: null,
};

beforeEach(() => {
  setLanguage("en");
  app.view = { kind: "step", step: "connectSalesforce" };
  app.errors = {};
  app.problem = null;
});
// Unmount first: components unlisten from events, which needs the mocks still in place.
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("step 2: connect to Salesforce", () => {
  it("needs a consumer key, sends the chosen org, and shows the link to copy", async () => {
    const sent: unknown[] = [];
    mockIPC(
      (cmd, args) => {
        if (cmd === "app_info") return appInfo();
        if (cmd === "dashboard") return dashboard();
        if (cmd === "salesforce_overview") return overview;
        if (cmd === "salesforce_connect") {
          sent.push((args as { settings: unknown }).settings);
          return {
            authorizeUrl: "http://127.0.0.1:47801/services/oauth2/authorize?x=1",
            redirectUri: "http://127.0.0.1:53682/callback",
            browserOpened: false,
          };
        }
        return null;
      },
      { shouldMockEvents: true },
    );
    render(App);
    const connect = await screen.findByRole("button", { name: "Connect to Salesforce" });
    expect((connect as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText("http://127.0.0.1:53682/callback")).toBeTruthy();
    await userEvent.click(screen.getByLabelText("Sandbox (test.salesforce.com)"));
    await userEvent.type(screen.getByLabelText(/Consumer key/), "  3MVG9.key  ");
    await userEvent.click(connect);
    expect(sent).toEqual([
      {
        ...overview.settings,
        loginHost: "https://test.salesforce.com",
        consumerKey: "3MVG9.key",
        // A sandbox host means a sandbox org is expected: a production login is refused.
        expectedOrgType: "sandbox",
      },
    ]);
    expect(await screen.findByText(/No browser could be opened/)).toBeTruthy();
    expect(
      (screen.getByLabelText("Sign-in link") as HTMLInputElement).value.startsWith(
        "http://127.0.0.1:47801/",
      ),
    ).toBe(true);
  });

  it("shows who is connected, and offers disconnect", async () => {
    mockIPC(
      (cmd) => {
        if (cmd === "app_info") return appInfo();
        if (cmd === "dashboard") return dashboard();
        if (cmd === "salesforce_overview")
          return {
            ...overview,
            connection: {
              service: "salesforce",
              environment: "production",
              storedIn: "keychain",
              savedOn: "2026-11-23T10:00:00Z",
              connection: {
                account: "ada@example.com",
                connectedAs: "Ada Admin",
                baseUrl: "https://example.my.salesforce.com",
              },
            },
          };
        return null;
      },
      { shouldMockEvents: true },
    );
    render(App);
    expect((await screen.findByTestId("salesforce-connected")).textContent).toContain(
      "Signed in as Ada Admin at https://example.my.salesforce.com.",
    );
    expect(screen.getByRole("button", { name: "Disconnect and revoke" })).toBeTruthy();
  });

  it("keeps a refused sign-in's message on screen after the refresh that follows it", async () => {
    const calls: string[] = [];
    mockIPC(
      (cmd) => {
        calls.push(cmd);
        if (cmd === "app_info") return appInfo();
        if (cmd === "dashboard") return dashboard();
        if (cmd === "salesforce_overview") return overview;
        return null;
      },
      { shouldMockEvents: true },
    );
    render(App);
    await screen.findByRole("button", { name: "Connect to Salesforce" });
    const readsBefore = calls.filter((c) => c === "salesforce_overview").length;
    await emit("salesforce-login", {
      kind: "failed",
      error: { code: "salesforce_wrong_org_type", message: "production org, sandbox expected" },
    });
    // The screen re-reads where the sign-in stands and the dashboard: reads, which clear no error.
    await waitFor(() =>
      expect(calls.filter((c) => c === "salesforce_overview").length).toBeGreaterThan(readsBefore),
    );
    await waitFor(() => expect(calls.filter((c) => c === "dashboard").length).toBeGreaterThan(1));
    expect((await screen.findByRole("alert")).textContent).toContain(
      "You signed in to the wrong kind of org",
    );
    // Only the admin dismissing it (or a sign-in that works) takes it away.
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("clears the refusal once a sign-in works", async () => {
    mockIPC(
      (cmd) => {
        if (cmd === "app_info") return appInfo();
        if (cmd === "dashboard") return dashboard();
        if (cmd === "salesforce_overview") return overview;
        return null;
      },
      { shouldMockEvents: true },
    );
    render(App);
    await screen.findByRole("button", { name: "Connect to Salesforce" });
    await emit("salesforce-login", {
      kind: "failed",
      error: { code: "salesforce_access_denied", message: "access_denied" },
    });
    expect(await screen.findByRole("alert")).toBeTruthy();
    await emit("salesforce-login", {
      kind: "connected",
      session: {
        orgId: "00D000000000001",
        userId: "005000000000001",
        username: "ada@example.com",
        displayName: "Ada Admin",
        email: "ada@example.com",
        instanceUrl: "https://example.my.salesforce.com",
        loginHost: "https://login.salesforce.com",
        orgType: "production",
        apiVersion: "62.0",
      },
      stored: {
        service: "salesforce",
        environment: "production",
        storedIn: "keychain",
        savedOn: "2026-11-23T10:00:00Z",
        connection: { account: "ada@example.com", connectedAs: "Ada Admin", baseUrl: null },
      },
    });
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
  });
});
