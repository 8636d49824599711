import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "../../App.svelte";
import { app } from "../../lib/app.svelte";
import { setLanguage } from "../../lib/i18n.svelte";
import { appInfo, dashboard } from "../../test/fixtures";
import type { MarketoPastedCredentials } from "../../lib/bindings/MarketoPastedCredentials";
import type { MarketoSaved } from "../../lib/bindings/MarketoSaved";

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

function paste(target: HTMLElement, text: string) {
  const event = new Event("paste", { bubbles: true, cancelable: true }) as ClipboardEvent;
  Object.defineProperty(event, "clipboardData", {
    value: { getData: (type: string) => (type === "text/plain" ? text : "") },
  });
  return fireEvent(target, event);
}

beforeEach(() => {
  setLanguage("en");
  app.view = { kind: "step", step: "activateAccount" };
  app.errors = {};
  app.problem = null;
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the Marketo connect form", () => {
  it("fills all three fields from a pasted block, keeps the secret out of the page, and says what was cleaned", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    const view: MarketoPastedCredentials = {
      munchkinOrEndpoint: "123-ABC-456",
      clientId: "5f0c1b7e-client",
      clientSecretLength: 32,
      report: {
        fields: [{ field: "clientSecret", fixes: ["line_breaks", "zero_width"], empty: false }],
        filledFromBlock: ["munchkinId", "clientId", "clientSecret"],
      },
    };
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "app_info") return appInfo();
      if (cmd === "dashboard") return dashboard();
      if (cmd === "marketo_overview") return { connection: null, demoAddress: null };
      if (cmd === "marketo_paste") return view;
      if (cmd === "marketo_test_and_save") return saved;
      return null;
    });
    render(App);
    const clientId = await screen.findByLabelText("Client ID");
    paste(
      clientId,
      "Munchkin ID: 123-ABC-456\nClient ID: 5f0c1b7e-client\nClient Secret: abc\ndef",
    );
    expect(
      await screen.findByText(/filled the Munchkin ID, Client ID and Client Secret/),
    ).toBeTruthy();
    expect((screen.getByLabelText("Munchkin ID or REST endpoint") as HTMLInputElement).value).toBe(
      "123-ABC-456",
    );
    expect((clientId as HTMLInputElement).value).toBe("5f0c1b7e-client");
    expect(screen.getByTestId("marketo-secret-held").textContent).toContain("32 characters");
    expect(
      screen.getByText("Client Secret: line breaks, invisible characters removed or fixed."),
    ).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Test and save" }));
    const save = calls.find((c) => c.cmd === "marketo_test_and_save")!.args as {
      form: { clientSecret?: string };
      storage: string;
    };
    // The secret was pasted, so Rust holds it: the page sends none.
    expect(save.form.clientSecret).toBeUndefined();
    expect(save.storage).toBe("keychain");
    expect(await screen.findByTestId("marketo-connected")).toBeTruthy();
    expect(screen.getByText(/Munchkin ID 123-ABC-456, API user api@x.com/)).toBeTruthy();
  });

  it("offers this-session-only when the keychain refuses, and retries with it", async () => {
    const storages: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "app_info") return appInfo();
      if (cmd === "dashboard") return dashboard();
      if (cmd === "marketo_overview") return { connection: null, demoAddress: null };
      if (cmd === "marketo_test_and_save") {
        const storage = (args as { storage: string }).storage;
        storages.push(storage);
        if (storage === "keychain")
          throw {
            code: "vault_keychain_locked",
            message: "The keychain is locked.",
            sessionOnlyOffered: true,
          };
        return { ...saved, connection: { ...saved.connection, storedIn: "sessionOnly" } };
      }
      return null;
    });
    render(App);
    await userEvent.type(
      await screen.findByLabelText("Munchkin ID or REST endpoint"),
      "123-ABC-456",
    );
    await userEvent.type(screen.getByLabelText("Client ID"), "id");
    await userEvent.type(screen.getByLabelText("Client Secret"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Test and save" }));
    await userEvent.click(
      await screen.findByRole("button", { name: "Keep for this session only" }),
    );
    expect(storages).toEqual(["keychain", "sessionOnly"]);
    expect(await screen.findByText(/This session only/)).toBeTruthy();
  });
});
