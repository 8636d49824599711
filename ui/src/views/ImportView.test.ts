import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import ImportView from "./ImportView.svelte";
import App from "../App.svelte";
import { app } from "../lib/app.svelte";
import { appInfo, dashboard } from "../test/fixtures";
import { setLanguage } from "../lib/i18n.svelte";
import type { CsvCounts } from "../lib/bindings/CsvCounts";
import type { CsvFieldMapping } from "../lib/bindings/CsvFieldMapping";
import type { CsvPage } from "../lib/bindings/CsvPage";
import type { CsvRowView } from "../lib/bindings/CsvRowView";
import type { CsvSummary } from "../lib/bindings/CsvSummary";
import type { CsvTargetField } from "../lib/bindings/CsvTargetField";

type Call = { cmd: string; args: Record<string, unknown> };

const counts = (over: Partial<CsvCounts> = {}): CsvCounts => ({
  rows: 3,
  valid: 2,
  invalid: 1,
  duplicates: 0,
  blank: 0,
  footer: 0,
  cleaned: 0,
  ...over,
});

const fieldsOrder: CsvTargetField[] = [
  "email",
  "first_name",
  "last_name",
  "full_name",
  "teams",
  "role",
  "workspace",
];

function summary(
  fields: Partial<Record<CsvTargetField, Partial<CsvFieldMapping>>>,
  over: Partial<CsvSummary> = {},
): CsvSummary {
  return {
    fileName: "people.csv",
    source: "text",
    encoding: { name: "UTF-8", source: "utf8", replacements: 0 },
    delimiter: ",",
    hasHeader: true,
    headerLine: 1,
    headers: ["Mail Adress", "Given", "Surname"],
    columns: 3,
    mapping: {
      fields: fieldsOrder.map((field) => ({
        field,
        column: null,
        header: null,
        confidence: null,
        suggestion: null,
        ...fields[field],
      })),
      skippable: false,
      headerKey: "k",
    },
    counts: counts(),
    seatsLeft: null,
    skippedChecks: [],
    directoryReadAt: null,
    sheets: [],
    sheet: null,
    complete: true,
    fileSize: 100,
    ...over,
  };
}

function row(index: number, email: string, valid = true): CsvRowView {
  return {
    index,
    line: index + 2,
    kind: "person",
    valid,
    cells: [email],
    values: [{ field: "email", value: email, edited: false }],
    problems: valid
      ? []
      : [{ code: "email_invalid", severity: "error", field: "email", params: { value: email } }],
  };
}

/** A fake back end: `open` is what import_open answers, pages are generated. */
function backend(open: CsvSummary | { code: string; message: string }, total = 3) {
  const calls: Call[] = [];
  let current = "code" in open ? null : open;
  mockIPC(
    (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: a });
      switch (cmd) {
        case "import_summary":
        case "import_draft":
          return null;
        case "plugin:dialog|open":
          return "/home/admin/secret/people.csv";
        case "plugin:dialog|save":
          return "/home/admin/out.csv";
        case "import_open":
          if ("code" in open) throw open;
          return open;
        case "import_set_mapping": {
          const mapping = a.mapping as Record<CsvTargetField, number | null>;
          current = summary(
            Object.fromEntries(
              Object.entries(mapping).map(([f, c]) => [
                f,
                { column: c, confidence: c === null ? null : "manual" },
              ]),
            ),
          );
          return current;
        }
        case "import_page": {
          const offset = a.offset as number;
          const filter = a.filter as string;
          const all = Array.from({ length: total }, (_, i) =>
            row(i, i === 1 ? "not-an-email" : `p${i}@example.com`, i !== 1),
          );
          const matching = filter === "errorsOnly" ? all.filter((r) => !r.valid) : all;
          return {
            offset,
            total: matching.length,
            rows: matching.slice(offset, offset + (a.limit as number)),
          } satisfies CsvPage;
        }
        case "import_edit_cell":
          return {
            row: { ...row(a.row as number, a.value as string), values: [] },
            changed: [],
            counts: counts({ valid: 3, invalid: 0 }),
          };
        case "import_confirm":
          if (a.policy === "blockIfInvalid")
            throw { code: "csv_invalid_rows_block", message: "1 rows have problems" };
          return { confirmed: 2, skipped: 1 };
        case "import_export_clean":
          return 2;
        case "import_refresh_directory":
          return {
            ...(current ?? summary({ email: { column: 0, confidence: "exact" } })),
            skippedChecks: [],
          };
        default:
          throw { code: "unknown_command", message: cmd };
      }
    },
    { shouldMockEvents: true },
  );
  return calls;
}

async function openFile() {
  await userEvent.click(await screen.findByRole("button", { name: "Choose a file…" }));
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

describe("the spreadsheet import", () => {
  it("names the checks that did not run and reads Actions and Salesforce again on request", async () => {
    const calls = backend(
      summary(
        { email: { column: 0, confidence: "exact" } },
        {
          skippedChecks: [
            { check: "alreadyInActions", reason: "actions_unreachable" },
            { check: "salesforce", reason: "salesforce_not_connected" },
          ],
        },
      ),
    );
    render(ImportView);
    await openFile();
    const box = await screen.findByTestId("import-skipped-checks");
    expect(box.textContent).toContain(
      "already invited or active in Actions — the Actions admin API cannot be reached",
    );
    expect(box.textContent).toContain("Salesforce is not connected (step 2)");
    await userEvent.click(
      screen.getByRole("button", { name: "Check again against Actions and Salesforce" }),
    );
    expect(calls.some((c) => c.cmd === "import_refresh_directory")).toBe(true);
    await waitFor(() => expect(screen.queryByTestId("import-skipped-checks")).toBeNull());
  });

  it("applies exact matches, leaves suggestions unapplied until accepted, and confirms the mapping", async () => {
    const calls = backend(
      summary({
        first_name: { column: 1, header: "Given", confidence: "synonym" },
        email: { suggestion: { column: 0, header: "Mail Adress", score: 91 } },
      }),
    );
    render(ImportView);
    await openFile();
    expect(await screen.findByRole("heading", { name: "Match your columns" })).toBeTruthy();

    const email = screen.getByLabelText("Email") as HTMLSelectElement;
    expect(email.value).toBe("");
    expect(screen.getByTestId("how-email").textContent).toBe("suggestion");
    expect(screen.getByText("Suggestion: Mail Adress (91% alike)")).toBeTruthy();
    expect(screen.getByTestId("how-first_name").textContent).toBe("known synonym");
    const confirm = screen.getByRole("button", { name: "Use these columns" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    expect(calls.some((c) => c.cmd === "import_set_mapping")).toBe(false);

    await userEvent.click(screen.getByRole("button", { name: "Use suggestion: Email" }));
    expect(email.value).toBe("0");
    await userEvent.selectOptions(screen.getByLabelText("Last name"), "Surname");
    await userEvent.click(confirm);

    const set = calls.find((c) => c.cmd === "import_set_mapping")!;
    expect(set.args.mapping).toMatchObject({ email: 0, first_name: 1, last_name: 2, role: null });
    expect(set.args.remember).toBe(true);
    expect(await screen.findByRole("heading", { name: "Check the people" })).toBeTruthy();
  });

  it("pages the preview over IPC and filters to problems", async () => {
    const calls = backend(summary({ email: { column: 0, confidence: "exact" } }, {}), 250);
    render(ImportView);
    await openFile();
    await userEvent.click(await screen.findByRole("button", { name: "Use these columns" }));
    expect((await screen.findByTestId("page-range")).textContent).toContain("Rows 1–100 of 250");
    await userEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect((await screen.findByTestId("page-range")).textContent).toContain("Rows 101–200 of 250");
    const pages = calls.filter((c) => c.cmd === "import_page");
    expect(pages.at(-1)!.args).toMatchObject({ offset: 100, limit: 100, filter: "all" });

    await userEvent.click(screen.getByLabelText("Show only rows with problems"));
    expect((await screen.findByTestId("page-range")).textContent).toContain("Rows 1–1 of 1");
    expect(calls.filter((c) => c.cmd === "import_page").at(-1)!.args).toMatchObject({
      offset: 0,
      filter: "errorsOnly",
    });
    expect(screen.getByText('"not-an-email" is not a valid email address.')).toBeTruthy();
  });

  it("skips the mapping when every header matched exactly, and re-checks an inline edit", async () => {
    // A skippable mapping goes straight to the preview.
    const s = summary({ email: { column: 0, confidence: "exact" } });
    s.mapping.skippable = true;
    const calls = backend(s);
    render(ImportView);
    await openFile();
    expect(await screen.findByRole("heading", { name: "Check the people" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Review columns" })).toBeTruthy();

    const cell = (await screen.findByLabelText("Email, line 3")) as HTMLInputElement;
    expect(cell.value).toBe("not-an-email");
    await userEvent.clear(cell);
    await userEvent.type(cell, "fixed@example.com");
    cell.dispatchEvent(new Event("change", { bubbles: true }));
    await screen.findByText(/3 people: 3 ready, 0 with problems/);
    expect(calls.find((c) => c.cmd === "import_edit_cell")!.args).toEqual({
      row: 1,
      field: "email",
      value: "fixed@example.com",
    });
    const rowEl = document.querySelector('tr[data-row="1"]') as HTMLElement;
    expect(within(rowEl).getByText("Ready")).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Continue to confirmation" }));
    expect((await screen.findByTestId("confirmation")).textContent).toContain(
      "2 people are ready to invite.",
    );
    await userEvent.click(screen.getByLabelText("Do not continue while any row has a problem"));
    expect((await screen.findByTestId("confirmation")).textContent).toContain(
      "Some rows have problems.",
    );
    await userEvent.click(screen.getByRole("button", { name: "Export clean upload file" }));
    expect(await screen.findByText("2 rows written.")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "import_export_clean")!.args).toMatchObject({
      keepOptional: true,
    });
  });

  it("shows an unreadable file's error in Traditional Chinese, without the path", async () => {
    setLanguage("zh-TW");
    backend({ code: "csv_binary_file", message: "the file is not text (it looks binary)" });
    render(ImportView);
    await userEvent.click(await screen.findByRole("button", { name: "選擇檔案…" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("這個檔案不是文字試算表");
    expect(alert.textContent).not.toContain("secret");
  });

  it("opens a file dropped on the window and highlights the drop zone while dragging", async () => {
    backend(summary({ email: { column: 0, confidence: "exact" } }));
    render(ImportView);
    const zone = await screen.findByTestId("drop-zone");
    await new Promise((r) => setTimeout(r, 0));
    await emit("tauri://drag-enter", {});
    expect(await screen.findByText("Release to open this file")).toBeTruthy();
    expect(zone.classList.contains("import-drop-active")).toBe(true);
    await emit("tauri://drag-leave", {});
    expect(await screen.findByText("Drop a .csv, .tsv, .txt or .xlsx file here")).toBeTruthy();
    await emit("import-opened", summary({ email: { column: 0, confidence: "exact" } }));
    expect(await screen.findByRole("heading", { name: "Match your columns" })).toBeTruthy();
  });

  it("is opened from step 5 with a primary button", async () => {
    app.view = { kind: "dashboard" };
    mockIPC((cmd) => {
      if (cmd === "app_info") return appInfo();
      if (cmd === "dashboard") return dashboard();
      if (cmd === "import_summary") return null;
      return null;
    });
    render(App);
    await userEvent.click(await screen.findByRole("button", { name: "Open step 5" }));
    await userEvent.click(await screen.findByRole("button", { name: "Import a spreadsheet" }));
    expect(
      await screen.findByRole("heading", { level: 1, name: "Import people to invite" }),
    ).toBeTruthy();
    expect(screen.getByRole("button", { name: "Download a template" })).toBeTruthy();
    app.view = { kind: "dashboard" };
  });
});
