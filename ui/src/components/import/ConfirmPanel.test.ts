import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import ConfirmPanel from "./ConfirmPanel.svelte";
import { app } from "../../lib/app.svelte";
import { setLanguage } from "../../lib/i18n.svelte";
import { appInfo } from "../../test/fixtures";
import type { CsvCounts } from "../../lib/bindings/CsvCounts";

const counts: CsvCounts = {
  rows: 3,
  valid: 2,
  invalid: 1,
  duplicates: 0,
  blank: 0,
  footer: 0,
  cleaned: 0,
};
const noop = () => {};
const props = {
  counts,
  busy: false,
  confirmation: { confirmed: 2, skipped: 1 },
  blocked: null,
  onpolicy: noop,
  onexportclean: noop,
  onexporterrors: noop,
  oninvite: noop,
};

afterEach(() => {
  app.info = null;
  setLanguage("en");
});

describe("the import's last stage", () => {
  it("offers sending invites with the Actions admin API", () => {
    app.info = appInfo({ mode: { demo: false, actions: "adminApi" } });
    render(ConfirmPanel, props);
    expect(screen.getByTestId("import-invite")).toBeTruthy();
    expect(screen.queryByTestId("import-guided-note")).toBeNull();
  });

  it("in guided mode, points to the upload file and Actions' Invite users via CSV instead", () => {
    app.info = appInfo({ mode: { demo: false, actions: "guided" } });
    setLanguage("zh-TW");
    render(ConfirmPanel, props);
    expect(screen.queryByTestId("import-invite")).toBeNull();
    expect(screen.getByTestId("import-guided-note").textContent).toContain("透過 CSV 邀請使用者");
    expect(screen.getByRole("button", { name: "匯出乾淨的上傳檔案" })).toBeTruthy();
  });

  it("keeps the mapped team(s), role and workspace in the upload file unless the admin unticks it", async () => {
    app.info = appInfo({ mode: { demo: false, actions: "guided" } });
    const onexportclean = vi.fn();
    render(ConfirmPanel, { ...props, onexportclean });
    const keep = screen.getByRole("checkbox", {
      name: "Keep team(s), role and workspace in the upload file",
    }) as HTMLInputElement;
    expect(keep.checked).toBe(true);
    const exportButton = screen.getByRole("button", { name: "Export clean upload file" });
    await userEvent.click(exportButton);
    expect(onexportclean).toHaveBeenLastCalledWith(true);
    await userEvent.click(keep);
    expect(screen.getByText(/Email, First Name, Last Name, UTF-8/)).toBeTruthy();
    await userEvent.click(exportButton);
    expect(onexportclean).toHaveBeenLastCalledWith(false);
  });
});
