// Test data shaped exactly like the Rust types (the generated bindings type-check it).
import type { AppInfo } from "../lib/bindings/AppInfo";
import type { Dashboard } from "../lib/bindings/Dashboard";
import type { StepId } from "../lib/bindings/StepId";
import type { StepStatus } from "../lib/bindings/StepStatus";

export const stepIds: StepId[] = [
  "activateAccount",
  "connectSalesforce",
  "connectMarketo",
  "startSync",
  "inviteUsers",
  "installPackage",
  "configureSalesforce",
];

const roles: StepStatus["role"][] = [
  "marketoAdmin",
  "either",
  "marketoAdmin",
  "marketoAdmin",
  "marketoAdmin",
  "salesforceAdmin",
  "salesforceAdmin",
];

export function dashboard(overrides: Partial<Record<StepId, Partial<StepStatus>>> = {}): Dashboard {
  const steps = stepIds.map((step, i): StepStatus => ({
    step,
    number: i + 1,
    role: roles[i],
    state: "notStarted",
    reason: null,
    source: "unknown",
    updatedAt: null,
    dependsOn: [],
    evidence: null,
    checkedAt: null,
    checkProblem: null,
    ...overrides[step],
  }));
  const done = steps.filter((s) => s.state === "done").length;
  return {
    prerequisites: [
      { id: "actionsEnabled", confirmed: false, confirmedAt: null },
      { id: "marketoSalesforceSync", confirmed: false, confirmedAt: null },
    ],
    steps,
    doneCount: done,
    nextStep: steps.find((s) => s.state !== "done")?.step ?? null,
    // Tests of the first-run offer say so; the others show a setup under way.
    firstRun: false,
  };
}

export function appInfo(overrides: Partial<AppInfo> = {}): AppInfo {
  return {
    version: "0.1.0",
    demo: false,
    // The Actions admin API unless a test says otherwise (guided tests pass `mode`).
    mode: { demo: overrides.demo ?? false, actions: "adminApi" },
    language: "en",
    theme: "system",
    launch: "default",
    osLocale: "en-US",
    storeProblem: null,
    vaultProblem: null,
    demoServices: null,
    demoProblem: null,
    openImport: false,
    ...overrides,
  };
}
