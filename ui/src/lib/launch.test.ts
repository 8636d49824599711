import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { app, load } from "./app.svelte";
import { appInfo, dashboard } from "../test/fixtures";

beforeEach(() => {
  app.view = { kind: "dashboard" };
  app.info = null;
});
afterEach(() => clearMocks());

describe("a launch with a file to import", () => {
  it("opens on step 5's import when the app was launched with a file", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return appInfo({ openImport: true });
      if (cmd === "dashboard") return dashboard();
      return null;
    });
    await load();
    expect(app.view).toEqual({ kind: "import" });
  });

  it("opens on the dashboard otherwise", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return appInfo();
      if (cmd === "dashboard") return dashboard();
      return null;
    });
    await load();
    expect(app.view).toEqual({ kind: "dashboard" });
  });
});
