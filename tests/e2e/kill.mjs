// Killing the app as a crash or `kill -9` would: the process started for a data folder is found
// by its binary and environment, sent SIGKILL, and waited for.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Every running process of `app` (its binary's path): apps the tests started. */
function appPids(app, matches = () => true) {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv0 = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[0];
      if (path.resolve(argv0) !== path.resolve(app)) continue;
      if (matches(entry)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** SIGKILLs every running process of `app` (a window whose session never came up, say). */
export function killApps(app = process.env.SIA_APP_BINARY) {
  for (const pid of appPids(app)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** The app process started for `dataDir` (the WebDriver's child), found by its binary and environment. */
export function appPid(dataDir, app = process.env.SIA_APP_BINARY) {
  const wanted = `SIA_DATA_DIR=${dataDir}`;
  const found = appPids(app, (pid) => readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(wanted));
  assert.equal(found.length, 1, `one app process for the data folder (found ${found.length})`);
  return found[0];
}

/** SIGKILLs the app started for `dataDir` and waits until the process is gone. */
export async function killApp(dataDir) {
  const pid = appPid(dataDir);
  process.kill(pid, "SIGKILL");
  const deadline = Date.now() + 10000;
  while (alive(pid)) {
    assert.ok(Date.now() < deadline, "the app is gone after SIGKILL");
    await sleep(50);
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
