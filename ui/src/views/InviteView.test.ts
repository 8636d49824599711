import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import InviteView from "./InviteView.svelte";
import App from "../App.svelte";
import { app } from "../lib/app.svelte";
import { appInfo, dashboard } from "../test/fixtures";
import { setLanguage } from "../lib/i18n.svelte";
import type { CsvPeopleCheck } from "../lib/bindings/CsvPeopleCheck";
import type { InviteJobEntry } from "../lib/bindings/InviteJobEntry";
import type { InviteJobSummary } from "../lib/bindings/InviteJobSummary";
import type { InviteOverview } from "../lib/bindings/InviteOverview";
import type { InviteProgress } from "../lib/bindings/InviteProgress";
import type { InviteResults } from "../lib/bindings/InviteResults";

type Call = { cmd: string; args: Record<string, unknown> };

const checked: CsvPeopleCheck = {
  people: [
    {
      entry: 1,
      email: "jane@example.com",
      firstName: "Jane",
      lastName: "Doe",
      valid: true,
      problems: [
        {
          code: "name_split",
          severity: "warning",
          field: "full_name",
          params: { first: "Jane", last: "Doe" },
        },
      ],
    },
    { entry: 2, email: "bob@example.com", firstName: "", lastName: "", valid: true, problems: [] },
    {
      entry: 3,
      email: "old@example.com",
      firstName: "",
      lastName: "",
      valid: false,
      problems: [
        {
          code: "already_invited",
          severity: "error",
          field: "email",
          params: { email: "old@example.com" },
        },
      ],
    },
    {
      entry: 4,
      email: "nope",
      firstName: "",
      lastName: "",
      valid: false,
      problems: [
        { code: "email_invalid", severity: "error", field: "email", params: { value: "nope" } },
      ],
    },
  ],
  counts: { rows: 4, valid: 2, invalid: 2, duplicates: 0, blank: 0, footer: 0, cleaned: 0 },
  seatsLeft: null,
  directoryReadAt: null,
};

const summary = (over: Partial<InviteJobSummary> = {}): InviteJobSummary => ({
  jobId: "job1",
  status: "completed",
  total: 2,
  invited: 1,
  alreadyThere: 0,
  failed: 1,
  skipped: 0,
  revoked: 0,
  unfinished: 0,
  failures: [{ reason: "seat_limit_reached", count: 1 }],
  ...over,
});

const job = {
  jobId: "job1",
  target: "http://127.0.0.1:47803/scim/v2",
  source: "form",
  createdAt: "2026-11-24T00:10:00Z",
  status: "unfinished" as const,
  options: {
    concurrency: 4,
    rate: null,
    useBulk: true,
    bulkBatch: 50,
    maxAttempts: 8,
    backoffBaseMs: 250,
    backoffMaxMs: 30000,
    requestTimeoutMs: 30000,
  },
};

const results: InviteResults = {
  job: { ...job, status: "completed" },
  summary: summary(),
  rows: [
    {
      index: 0,
      invitee: {
        email: "jane@example.com",
        firstName: "Jane",
        lastName: "Doe",
        teams: ["Everyone"],
        role: "User",
        workspace: null,
      },
      state: { kind: "invited" },
      attempts: 1,
      userId: "u1",
    },
    {
      index: 1,
      invitee: {
        email: "bob@example.com",
        firstName: "",
        lastName: "",
        teams: ["Everyone"],
        role: "User",
        workspace: null,
      },
      state: { kind: "failed", reason: "seat_limit_reached" },
      attempts: 1,
      userId: null,
    },
  ],
};

const progress = (over: Partial<InviteProgress> = {}): InviteProgress => ({
  jobId: "job1",
  total: 2,
  invited: 0,
  alreadyThere: 0,
  failed: 0,
  skipped: 0,
  done: 0,
  remaining: 2,
  ratePerSec: 0,
  etaSecs: null,
  paused: false,
  inFlight: 0,
  finished: false,
  ...over,
});

function backend(overview: InviteOverview = { running: null, unfinished: [] }) {
  const calls: Call[] = [];
  let running: InviteProgress | null = overview.running;
  mockIPC(
    (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: a });
      switch (cmd) {
        case "invite_form_info":
          return {
            teams: ["Everyone", "Sales"],
            workspaces: [],
            seatsLeft: 40,
            directoryReadAt: new Date(Date.now() - 5 * 60_000).toISOString(),
          };
        case "invite_overview":
          return { ...overview, running };
        case "invite_check":
          return { checkId: 7, check: checked };
        case "invite_start_checked":
        case "invite_resume_job":
          running = progress();
          return { jobId: "job1", total: 2 };
        case "invite_pause":
        case "invite_resume":
        case "invite_cancel":
          return null;
        case "invite_results":
          return results;
        case "invite_revoke":
          return { revoked: 1, keptActive: 0, alreadyGone: 0, failed: 0 };
        case "invite_export_results":
        case "invite_export_upload":
          return 2;
        case "plugin:dialog|save":
          return "/home/admin/results.csv";
        default:
          throw { code: "unknown_command", message: cmd };
      }
    },
    { shouldMockEvents: true },
  );
  return calls;
}

beforeEach(() => {
  setLanguage("en");
  app.errors = {};
  app.problem = null;
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("individual invites", () => {
  it("says how old the facts are that the list is checked against", async () => {
    backend();
    render(InviteView);
    expect((await screen.findByTestId("invite-directory-read-at")).textContent?.trim()).toBe(
      "Checks use what Actions and Salesforce said 5 minutes ago.",
    );
  });

  it("sends the pasted list as typed, with Everyone preselected, and shows who will and will not be invited", async () => {
    const calls = backend();
    render(InviteView);
    const list = await screen.findByLabelText("Email addresses");
    const everyone = (await screen.findByRole("checkbox", {
      name: "Everyone",
    })) as HTMLInputElement;
    expect(everyone.checked).toBe(true);
    expect((screen.getByRole("radio", { name: "User" }) as HTMLInputElement).checked).toBe(true);

    const pasted = "Jane Doe <jane@example.com>, bob@example.com;\nold@example.com\nnope";
    await userEvent.click(list);
    await userEvent.paste(pasted);
    await userEvent.click(screen.getByRole("checkbox", { name: "Sales" }));
    await userEvent.type(screen.getByLabelText("Other teams (separated by commas)"), "EMEA, APAC");
    await userEvent.click(screen.getByRole("radio", { name: "Admin" }));
    await userEvent.click(screen.getByRole("button", { name: "Check the list" }));

    const check = calls.find((c) => c.cmd === "invite_check")!;
    expect(check.args).toEqual({
      list: pasted,
      teams: ["Everyone", "Sales", "EMEA", "APAC"],
      role: "Admin",
      workspace: null,
    });

    const heading = await screen.findByRole("heading", { name: "Check before inviting" });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    const will = screen.getByTestId("invite-will");
    expect(within(will).getByText("jane@example.com")).toBeTruthy();
    expect(will.textContent).toContain(
      'Full name split into first name "Jane" and last name "Doe".',
    );
    const willNot = screen.getByTestId("invite-will-not");
    expect(willNot.textContent).toContain("old@example.com has already been invited.");
    expect(willNot.textContent).toContain('"nope" is not a valid email address.');
    expect(screen.getByRole("heading", { name: "2 will not be invited" })).toBeTruthy();
  });

  it("saves the checked list as Actions' upload file through the save dialog", async () => {
    const calls = backend();
    render(InviteView);
    await userEvent.type(await screen.findByLabelText("Email addresses"), "jane@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Check the list" }));
    await userEvent.click(await screen.findByRole("button", { name: "Save as upload file" }));
    expect(calls.find((c) => c.cmd === "invite_export_upload")!.args).toEqual({
      checkId: 7,
      path: "/home/admin/results.csv",
    });
    expect(screen.getByTestId("invite-saved").textContent).toBe(
      "2 people written to the upload file.",
    );
    // Saving does not send anything: the list can still be invited.
    expect(calls.some((c) => c.cmd === "invite_start_checked")).toBe(false);
    expect(screen.getByRole("button", { name: "Invite 2 people" })).toBeTruthy();
  });

  it("in real-product mode, turns a typed list into the upload file and offers no sending", async () => {
    app.info = { ...appInfo(), mode: { demo: false, actions: "guided" } };
    const calls = backend();
    render(InviteView);
    expect(await screen.findByTestId("invite-guided-note")).toBeTruthy();
    await userEvent.type(await screen.findByLabelText("Email addresses"), "jane@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Check the list" }));
    await userEvent.click(await screen.findByRole("button", { name: "Save as upload file" }));
    expect(calls.some((c) => c.cmd === "invite_export_upload")).toBe(true);
    expect(screen.queryByTestId("invite-send")).toBeNull();
    expect(calls.some((c) => c.cmd.startsWith("invite_start") || c.cmd === "invite_overview")).toBe(
      false,
    );
    app.info = null;
  });

  it("refuses an empty list without calling Rust and says why", async () => {
    const calls = backend();
    render(InviteView);
    await userEvent.click(await screen.findByRole("button", { name: "Check the list" }));
    expect(screen.getByRole("alert").textContent).toContain("Type or paste at least one");
    expect(document.activeElement).toBe(screen.getByLabelText("Email addresses"));
    expect(calls.some((c) => c.cmd === "invite_check")).toBe(false);
  });

  it("starts one job per click, shows live progress, then the translated results", async () => {
    const calls = backend();
    render(InviteView);
    await userEvent.type(await screen.findByLabelText("Email addresses"), "jane@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Check the list" }));
    const send = await screen.findByRole("button", { name: "Invite 2 people" });
    await userEvent.dblClick(send);
    expect(calls.filter((c) => c.cmd === "invite_start_checked")).toHaveLength(1);
    expect(calls.find((c) => c.cmd === "invite_start_checked")!.args).toEqual({ checkId: 7 });

    await screen.findByRole("heading", { name: "Sending invitations" });
    await emit(
      "invite-progress",
      progress({ invited: 1, done: 1, remaining: 1, ratePerSec: 2.5, etaSecs: 3 }),
    );
    const bar = await screen.findByRole("progressbar", { name: "Invitations sent" });
    await new Promise((r) => setTimeout(r, 0));
    expect(bar.getAttribute("aria-valuemax")).toBe("2");
    expect(bar.getAttribute("aria-valuenow")).toBe("1");
    expect(bar.getAttribute("aria-valuetext")).toBe("1 of 2 settled");
    expect(screen.getByText("Rate: 2.5 per second")).toBeTruthy();
    expect(screen.getByText("Time left: about 3 s")).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Pause" }));
    expect(calls.some((c) => c.cmd === "invite_pause")).toBe(true);
    expect(await screen.findByRole("button", { name: "Resume" })).toBeTruthy();

    await emit("invite-finished", { jobId: "job1", summary: summary(), error: null });
    const heading = await screen.findByRole("heading", { name: "Results" });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(screen.getByTestId("invite-results-summary").textContent).toContain(
      "1 invited, 0 already there, 1 failed",
    );
    expect(screen.getByText("No seat left in the instance.")).toBeTruthy();
    expect(screen.getByText("Invited")).toBeTruthy();
  });

  it("downloads the results through the save dialog and revokes only after asking", async () => {
    const calls = backend();
    render(InviteView, { jobId: "job1" });
    await screen.findByRole("heading", { name: "Results" });
    await userEvent.click(screen.getByRole("button", { name: "Download results" }));
    expect(calls.find((c) => c.cmd === "invite_export_results")!.args).toEqual({
      jobId: "job1",
      path: "/home/admin/results.csv",
    });
    expect(await screen.findByText("2 rows written.")).toBeTruthy();

    await userEvent.click(
      screen.getByRole("button", { name: "Revoke the pending invitations of this job" }),
    );
    expect(calls.some((c) => c.cmd === "invite_revoke")).toBe(false);
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toContain("Delete the 1 invitations");
    await userEvent.click(within(dialog).getByRole("button", { name: "Yes, revoke them" }));
    expect(calls.filter((c) => c.cmd === "invite_revoke")).toHaveLength(1);
    expect(await screen.findByText(/1 invitations revoked/)).toBeTruthy();
  });

  it("offers an unfinished job of an earlier run and resumes it only when asked", async () => {
    const entry: InviteJobEntry = {
      job,
      summary: summary({ status: "unfinished", invited: 3, failed: 0, total: 10, unfinished: 7 }),
    };
    const calls = backend({ running: null, unfinished: [entry] });
    setLanguage("zh-TW");
    render(InviteView);
    const offer = await screen.findByTestId("invite-unfinished");
    expect(offer.textContent).toContain("已處理 3 / 10");
    expect(calls.some((c) => c.cmd === "invite_resume_job")).toBe(false);
    await userEvent.click(within(offer).getByRole("button", { name: "繼續這個工作" }));
    expect(calls.find((c) => c.cmd === "invite_resume_job")!.args).toEqual({
      jobId: "job1",
      cancel: false,
    });
    expect(await screen.findByRole("heading", { name: "正在傳送邀請" })).toBeTruthy();
  });
});

describe("step 5's ways in", () => {
  it("offers the form and the import, and says on the dashboard and step 5 that a job did not finish", async () => {
    app.view = { kind: "dashboard" };
    const entry: InviteJobEntry = {
      job,
      summary: summary({ status: "unfinished", total: 10, unfinished: 7 }),
    };
    mockIPC((cmd) => {
      if (cmd === "app_info") return appInfo();
      if (cmd === "dashboard") return dashboard();
      if (cmd === "invite_overview") return { running: null, unfinished: [entry] };
      if (cmd === "invite_form_info")
        return { teams: ["Everyone"], workspaces: [], seatsLeft: null, directoryReadAt: null };
      return null;
    });
    render(App);
    const note = "An invite job did not finish. Open “Invite people” to resume it.";
    const card = (await screen.findByRole("button", { name: "Open step 5" })).closest("li")!;
    await waitFor(() => expect(within(card).getByTestId("step-note").textContent).toBe(note));
    await userEvent.click(within(card).getByRole("button", { name: "Open step 5" }));
    expect(await screen.findByTestId("invite-unfinished-note")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Import a spreadsheet" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Invite people" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Invite people" })).toBeTruthy();
    expect(await screen.findByTestId("invite-unfinished")).toBeTruthy();
    app.view = { kind: "dashboard" };
  });
});
