// Killing the app as a crash or `kill -9` would: the process started for a data folder is found
// by its binary and environment, sent SIGKILL, and waited for.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** The app process started for `dataDir` (the WebDriver's child), found by its binary and environment. */
export function appPid(dataDir, app = process.env.SIA_APP_BINARY) {
  const wanted = `SIA_DATA_DIR=${dataDir}`;
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv0 = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[0];
      if (path.resolve(argv0) !== path.resolve(app)) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (environ.includes(wanted)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
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
