import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import MsiConfigChecklist from "./MsiConfigChecklist.svelte";
import { setLanguage } from "../../lib/i18n.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("step 7: the config tab checklist", () => {
  it("asks Rust about the key, warns about '&', and only then lets the admin tick it entered", async () => {
    setLanguage("en");
    const asked: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "salesforce_check_api_secret_key") return null;
      const key = (args as { key: string }).key;
      asked.push(key);
      return key.includes("&") ? ["ampersand"] : [];
    });
    render(MsiConfigChecklist);
    const input = screen.getByLabelText(/API secret key \(checked here/);
    expect((input as HTMLInputElement).type).toBe("password");
    await userEvent.type(input, "abc&def");
    expect(await screen.findByText(/contains "&"/, {}, { timeout: 2000 })).toBeTruthy();
    const entered = screen.getByLabelText(/I entered the API secret key/) as HTMLInputElement;
    expect(entered.disabled).toBe(true);
    await userEvent.clear(input);
    await userEvent.type(input, "abcdef");
    expect(
      await screen.findByText("This key is fine to enter.", {}, { timeout: 2000 }),
    ).toBeTruthy();
    expect(entered.disabled).toBe(false);
    expect(asked.at(-1)).toBe("abcdef");
  });
});
