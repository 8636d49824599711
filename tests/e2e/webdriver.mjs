// A small W3C WebDriver client over fetch, enough to drive the app through
// tauri-driver: sessions, elements, clicks, scripts and screenshots.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import net from "node:net";
import assert from "node:assert/strict";
import { killApps } from "./kill.mjs";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecc";

/** WebDriver's codes for the keys that are not characters. */
export const KEY = {
  Tab: "\uE004",
  Enter: "\uE007",
  Shift: "\uE008",
  Alt: "\uE00A",
  Escape: "\uE00C",
  Space: "\uE00D",
};

// WebKitWebDriver may answer with the legacy key; take whichever is there.
const elementId = (value) => value[ELEMENT] ?? value.ELEMENT ?? Object.values(value)[0];

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts tauri-driver on free ports and waits until it answers. */
export async function startDriver({ env }) {
  const port = await freePort();
  const nativePort = await freePort();
  // The driver, WebKitWebDriver and the app get their own process group, killed as one on stop,
  // and write to a log file rather than the test runner's pipe: an app that outlived its session
  // would otherwise keep that pipe open and the runner waiting forever.
  const logs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "artifacts");
  mkdirSync(logs, { recursive: true });
  const log = openSync(path.join(logs, `driver-${port}.log`), "a");
  const child = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", log, log],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) return { url, stop: () => stopProcess(child) };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  stopProcess(child);
  throw new Error("tauri-driver did not start within 10 s");
}

/** Stops the driver and everything it started (its process group), whatever state they are in. */
function stopProcess(child) {
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  return new Promise((resolve) => {
    const done = () => {
      signalGroup("SIGKILL"); // whatever the driver left behind (an app that outlived its session)
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once("exit", done);
    signalGroup("SIGTERM");
    setTimeout(() => signalGroup("SIGKILL"), 3000).unref();
  });
}

/**
 * One WebDriver call. Every call has a time limit: a webview that never answers (seen once in many
 * runs, a window whose page never connected) must fail its test, not hang the whole suite.
 */
async function request(method, url, body, { timeoutMs = 120000 } = {}) {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((error) => {
    if (error.name !== "TimeoutError") throw error;
    throw new Error(`${method} ${url}: no answer within ${timeoutMs / 1000} s`);
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${url}: ${res.status} ${v.error ?? ""} ${v.message ?? ""}`);
  }
  return json.value;
}

export class Session {
  static async create(driverUrl, application, args = []) {
    const capabilities = {
      capabilities: { alwaysMatch: { "tauri:options": { application, args } } },
    };
    const create = () => request("POST", `${driverUrl}/session`, capabilities, { timeoutMs: 60000 });
    let value;
    try {
      value = await create();
    } catch (first) {
      // Creating sessions back to back has dropped the connection once, and once the new window's
      // page never connected (the app started, the session never came): end any such app, retry once.
      killApps(application);
      await appGone().catch(() => {});
      await sleep(1000);
      value = await create().catch(() => {
        throw first;
      });
    }
    return new Session(`${driverUrl}/session/${value.sessionId}`);
  }

  constructor(base) {
    this.base = base;
  }

  async find(css, { timeout = 10000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        const value = await request("POST", `${this.base}/element`, { using: "css selector", value: css });
        return new Element(this, elementId(value));
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`no element matches ${css}: ${error.message}`);
        await sleep(100);
      }
    }
  }

  async findAll(css) {
    const values = await request("POST", `${this.base}/elements`, { using: "css selector", value: css });
    return values.map((v) => new Element(this, elementId(v)));
  }

  /** Waits until `predicate` (run in the page) returns a truthy value, and returns it. */
  async waitFor(script, args = [], { timeout = 10000, what = script } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      last = await this.execute(script, args).catch((e) => e);
      if (last && !(last instanceof Error)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what} (last: ${last})`);
      await sleep(100);
    }
  }

  execute(script, args = []) {
    return request("POST", `${this.base}/execute/sync`, { script, args });
  }

  executeAsync(script, args = []) {
    return request("POST", `${this.base}/execute/async`, { script, args });
  }

  async screenshot() {
    // Let the webview paint what the DOM already holds before capturing it.
    await this.executeAsync(
      "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));",
    );
    return Buffer.from(await request("GET", `${this.base}/screenshot`), "base64");
  }

  /**
   * Presses keys as a person would (W3C key actions, no element is clicked). Each item is a key
   * ("a", KEY.Tab) or a chord: an array pressed in order and released in reverse (KEY.Alt, "7").
   */
  async keys(...items) {
    const actions = [];
    for (const item of items) {
      const chord = Array.isArray(item) ? item : [...item].length === 1 ? [item] : null;
      if (!chord) {
        // A string of several characters: typed one after another.
        for (const ch of item) actions.push({ type: "keyDown", value: ch }, { type: "keyUp", value: ch });
        continue;
      }
      for (const key of chord) actions.push({ type: "keyDown", value: key });
      for (const key of [...chord].reverse()) actions.push({ type: "keyUp", value: key });
    }
    await request("POST", `${this.base}/actions`, {
      actions: [{ type: "key", id: "keyboard", actions }],
    });
    await request("DELETE", `${this.base}/actions`).catch(() => {});
  }

  async setTimeouts(ms) {
    await request("POST", `${this.base}/timeouts`, { script: ms });
  }

  /** The window's outer position and size: `{ x, y, width, height }`. */
  rect() {
    return request("GET", `${this.base}/window/rect`);
  }

  setRect(rect) {
    return request("POST", `${this.base}/window/rect`, rect);
  }

  /** Closes the window as the admin would (the app quits cleanly, saving what it saves on exit). */
  async closeWindow() {
    await request("DELETE", `${this.base}/window`).catch(() => {});
  }

  /** Ends the session; unless told otherwise, waits until its app has let go (see `appGone`). */
  async close({ waitForApp = true } = {}) {
    await request("DELETE", this.base).catch(() => {});
    if (waitForApp) await appGone();
  }
}

/**
 * Clicks `css` until `doneScript` (run in the page) answers truthy, as a person clicks again when
 * the first click did nothing: a screen that redraws as its background checks land can move a
 * button from under the pointer between WebDriver finding it and clicking it.
 */
export async function clickUntil(session, css, doneScript, { what = css, attempts = 3 } = {}) {
  for (let attempt = 1; ; attempt++) {
    await (await session.find(css)).click();
    const done = await session
      .waitFor(doneScript, [], { what, timeout: 5000 })
      .catch(() => null);
    if (done) return done;
    assert.ok(attempt < attempts, `${what}: nothing after ${attempts} clicks on ${css}`);
  }
}

/** Calls an app command from the page, as the UI does; fails the test on an error answer. */
export async function invoke(session, command, args = {}) {
  const out = await session.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
       .then((r) => done(JSON.stringify({ ok: r })), (e) => done(JSON.stringify({ error: e })));`,
    [command, args],
  );
  const parsed = JSON.parse(out);
  assert.equal(parsed.error, undefined, JSON.stringify(parsed.error));
  return parsed.ok;
}

/**
 * The app is one instance per desktop session (its D-Bus name), and in demo mode it serves the
 * stand-ins on fixed ports: wait until the closed one has let go of both, so the next session's
 * app starts as the first instance and can bind the stand-ins' ports. (The name goes at the
 * app's cleanup, the ports only when the process has ended.)
 */
export async function appGone({ timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (!singleInstanceOwned() && !(await demoPortsInUse())) return;
    await sleep(100);
  }
  throw new Error("the app still holds its single-instance name or the demo's ports 10 s after its session closed");
}

/** The demo stand-ins' fixed ports (crates/sandbox/src/sandbox.rs). */
const DEMO_PORTS = [47801, 47802, 47803];

async function demoPortsInUse() {
  const answers = await Promise.all(
    DEMO_PORTS.map(
      (port) =>
        new Promise((resolve) => {
          const socket = net.connect({ host: "127.0.0.1", port });
          socket.once("connect", () => {
            socket.destroy();
            resolve(true);
          });
          socket.once("error", () => resolve(false));
        }),
    ),
  );
  return answers.some(Boolean);
}

function singleInstanceOwned() {
  try {
    const out = execFileSync(
      "dbus-send",
      [
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner",
        "string:app.siasetup.desktop.SingleInstance",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    return /boolean true/.test(out);
  } catch {
    return false; // no session bus: the app runs without the single-instance lock
  }
}

class Element {
  constructor(session, id) {
    this.session = session;
    this.url = `${session.base}/element/${id}`;
  }

  click() {
    return request("POST", `${this.url}/click`, {});
  }

  text() {
    return request("GET", `${this.url}/text`);
  }

  attribute(name) {
    return request("GET", `${this.url}/attribute/${name}`);
  }
}
