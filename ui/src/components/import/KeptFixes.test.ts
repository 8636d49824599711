// Fixes kept from an import that was never confirmed: offered with the file's name, how many and
// when; reopened or discarded only on the admin's word; when the file changed since, the error
// stays on the screen and the fixes are listed open so the admin can make them by hand.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import KeptFixes from "./KeptFixes.svelte";
import ScreenError from "../ScreenError.svelte";
import { app } from "../../lib/app.svelte";
import { setLanguage } from "../../lib/i18n.svelte";
import type { ImportDraft } from "../../lib/bindings/ImportDraft";

const draft: ImportDraft = {
  fileName: "people.csv",
  savedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  edits: [
    { row: 1, line: 3, field: "email", value: "raj@example.com" },
    { row: 4, line: 6, field: "first_name", value: "Mei" },
  ],
};

function mock(reopen: "ok" | "changed"): string[] {
  const calls: string[] = [];
  mockIPC((cmd) => {
    calls.push(cmd);
    switch (cmd) {
      case "import_draft":
        return draft;
      case "import_reopen_draft":
        if (reopen === "changed")
          throw { code: "csv_draft_source_changed", message: "changed", params: {} };
        return { fileName: "people.csv" };
      case "import_discard_draft":
        return null;
      default:
        throw { code: "unknown_command", message: cmd };
    }
  });
  return calls;
}

beforeEach(() => {
  setLanguage("en");
  app.errors = {};
  app.busy = false;
});

afterEach(() => clearMocks());

describe("kept fixes", () => {
  it("offers them and reopens only when asked", async () => {
    const calls = mock("ok");
    const reopened: unknown[] = [];
    render(KeptFixes, { on: "import", busy: false, onreopened: (s) => reopened.push(s) });
    const card = await screen.findByTestId("kept-fixes");
    expect(card.textContent).toContain(
      "SIA Setup closed before you confirmed the import of people.csv. Your 2 fixes were kept (last one saved 5 minutes ago).",
    );
    expect(calls).toEqual(["import_draft"]);
    await userEvent.click(screen.getByRole("button", { name: "Reopen people.csv with my fixes" }));
    await waitFor(() => expect(reopened).toEqual([{ fileName: "people.csv" }]));
    expect(screen.queryByTestId("kept-fixes")).toBeNull();
  });

  it("keeps the error and lists the fixes when the file changed", async () => {
    mock("changed");
    setLanguage("zh-TW");
    render(ScreenError, { on: "import" });
    render(KeptFixes, { on: "import", busy: false, onreopened: () => {} });
    await userEvent.click(
      await screen.findByRole("button", { name: "重新開啟 people.csv 並套用我的修正" }),
    );
    await screen.findByText(/這個檔案在您修正之後已經變更/);
    const list = screen.getByTestId("kept-fixes-list") as HTMLDetailsElement;
    expect(list.open).toBe(true);
    expect(list.textContent).toContain("第 3 行 · 電子郵件");
    expect(list.textContent).toContain("raj@example.com");
    expect(screen.getByTestId("kept-fixes")).toBeTruthy();
  });

  it("discards on the admin's word and says so", async () => {
    const calls = mock("ok");
    render(KeptFixes, { on: "import", busy: false, onreopened: () => {}, replaceNote: true });
    expect((await screen.findByTestId("kept-fixes")).textContent).toContain(
      "Opening another file discards them.",
    );
    await userEvent.click(screen.getByRole("button", { name: "Discard the fixes" }));
    await screen.findByText("The kept fixes were discarded.");
    expect(calls).toContain("import_discard_draft");
  });
});
