// Step 5's invite helpers for the views: the form's shape, and the translated words for a row's
// result, its reason and the time left. The facts come from Rust; the sentences live here.
import type { CsvProblem } from "./bindings/CsvProblem";
import type { InviteRole } from "./bindings/InviteRole";
import type { InviteRowState } from "./bindings/InviteRowState";
import { has, t } from "./i18n.svelte";

/** What the form sends to `invite_check`. */
export type InviteFormValue = {
  list: string;
  teams: string[];
  role: InviteRole;
  workspace: string | null;
};

/** The form as the admin fills it in: the team checkboxes and the free "other teams" field. */
export type InviteFormState = {
  list: string;
  chosen: string[];
  other: string;
  role: InviteRole;
  workspace: string | null;
};

export function emptyForm(): InviteFormState {
  return { list: "", chosen: ["Everyone"], other: "", role: "User", workspace: null };
}

/** A checked entry's problem, in the import's words (the same codes, the same sentences). */
export function problemText(p: CsvProblem): string {
  return t(`import.problem.${p.code}`, p.params as Record<string, string>);
}

export function stateText(state: InviteRowState): string {
  return t(`invite.state.${state.kind}`);
}

/** Why a row failed or was skipped: the service's or the engine's code, translated. */
export function reasonText(state: InviteRowState): string {
  if (state.kind !== "failed" && state.kind !== "skipped") return "";
  const key = `invite.reason.${state.reason}`;
  return has(key) ? t(key) : t("invite.reason.other", { code: state.reason });
}

export function etaText(secs: number | null): string {
  if (secs === null || !Number.isFinite(secs)) return t("invite.job.etaUnknown");
  const time =
    secs < 90
      ? t("invite.job.seconds", { count: Math.max(1, Math.round(secs)) })
      : t("invite.job.minutes", { count: Math.round(secs / 60) });
  return t("invite.job.eta", { time });
}
