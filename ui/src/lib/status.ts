// Turns step statuses into words in the admin's language; shared by the
// dashboard cards and the step screen so both say the same thing.
import type { Attention } from "./bindings/Attention";
import type { StepStatus } from "./bindings/StepStatus";
import type { StepId } from "./bindings/StepId";
import { formatDate, t } from "./i18n.svelte";

const numbers: Record<StepId, number> = {
  activateAccount: 1,
  connectSalesforce: 2,
  connectMarketo: 3,
  startSync: 4,
  inviteUsers: 5,
  installPackage: 6,
  configureSalesforce: 7,
};

export function stepNumber(step: StepId): number {
  return numbers[step];
}

export function stepTitle(step: StepId): string {
  return t(`step.${step}.title`);
}

export function reasonText(reason: Attention): string {
  switch (reason.code) {
    case "waitingFor":
      return t("reason.waitingFor", {
        number: stepNumber(reason.step),
        title: stepTitle(reason.step),
      });
    case "packageOutdated":
      return t("reason.packageOutdated", {
        installed: reason.installed,
        required: reason.required,
      });
    case "remoteSitesMissing":
    case "syncErrors":
    case "invitesFailed":
      return t(`reason.${reason.code}`, { count: reason.count });
    default:
      return t(`reason.${reason.code}`);
  }
}

export function sourceText(status: StepStatus): string {
  if (!status.updatedAt || status.source === "unknown") return "";
  return t(`source.${status.source}`, { date: formatDate(status.updatedAt) });
}
