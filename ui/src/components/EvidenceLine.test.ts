import { afterEach, describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import EvidenceLine from "./EvidenceLine.svelte";
import { setLanguage } from "../lib/i18n.svelte";
import type { Evidence } from "../lib/bindings/Evidence";
import type { StepStatus } from "../lib/bindings/StepStatus";

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

function checked(evidence: Evidence, extra: Partial<StepStatus> = {}) {
  return {
    evidence,
    checkedAt: minutesAgo(5),
    checkProblem: null,
    source: "checked" as const,
    updatedAt: minutesAgo(60),
    ...extra,
  };
}

function line(status: ReturnType<typeof checked>): string {
  render(EvidenceLine, { status });
  return screen.getByTestId("evidence").textContent!.replace(/\s+/g, " ").trim();
}

afterEach(() => setLanguage("en"));

const kinds: { evidence: Evidence; en: string[]; zh: string[] }[] = [
  {
    evidence: { kind: "marketoToken", munchkinId: "123-ABC-456", apiUser: "sia@example.com" },
    en: [
      "Marketo issued an API token for 123-ABC-456 (API user sia@example.com)",
      "Marketo identity API",
    ],
    zh: [
      "Marketo 已為 123-ABC-456 核發 API 權杖（API 使用者 sia@example.com）",
      "Marketo 身分識別 API",
    ],
  },
  {
    evidence: {
      kind: "salesforceAppAuthorized",
      appName: "Sales Insight Actions",
      username: "admin@acme.com",
      lastUsed: null,
      useCount: 12,
    },
    en: [
      "admin@acme.com has authorised “Sales Insight Actions” in Salesforce · used 12 times",
      "OauthToken",
    ],
    zh: [
      "admin@acme.com 已在 Salesforce 授權「Sales Insight Actions」・已使用 12 次",
      "OauthToken",
    ],
  },
  {
    evidence: { kind: "marketoApiCalls", apiUser: "actions@acme.com", last7Days: 1234, today: 56 },
    en: [
      "Marketo API calls by actions@acme.com, last 7 days: 1,234 (56 today;",
      "Marketo API usage statistics",
    ],
    zh: [
      "Marketo API 使用量，最近 7 天：actions@acme.com 呼叫 1,234 次（今天 56 次；",
      "Marketo API 使用量統計",
    ],
  },
  {
    evidence: {
      kind: "syncEstimate",
      apiUser: "actions@acme.com",
      callsToday: 10,
      peopleEstimated: 3000,
      peopleExpected: 12000,
      expectedAtLeast: true,
      peoplePerCall: 300,
    },
    en: [
      "Estimate: about 3,000 of at least 12,000 people synced (≈300 people per API call; API calls today by actions@acme.com: 10)",
    ],
    zh: [
      "估計：約已同步至少 12,000 人中的 3,000 人（每次 API 呼叫約 300 人，actions@acme.com 今天呼叫 10 次）",
    ],
  },
  {
    evidence: { kind: "msiPackage", installed: "1.9000", required: "1.8000" },
    en: ["MSI package 1.9000 is installed (1.8000 or newer needed)", "Salesforce Tooling API"],
    zh: ["已安裝 MSI 套件 1.9000（需要 1.8000 或更新版本）", "Salesforce Tooling API"],
  },
  {
    evidence: { kind: "remoteSites", active: 1, required: 2 },
    en: ["1 of 2 Remote Site Settings are active"],
    zh: ["2 個遠端站台設定中有 1 個已啟用"],
  },
  {
    evidence: { kind: "actionsApi", detail: "instance active" },
    en: ["Actions admin API: instance active", "source: Actions admin API"],
    zh: ["Actions 管理 API：instance active", "來源：Actions 管理 API"],
  },
];

describe("EvidenceLine", () => {
  for (const { evidence, en, zh } of kinds) {
    it(`words ${evidence.kind} with its source and age, in English and Traditional Chinese`, () => {
      setLanguage("en");
      const english = line(checked(evidence));
      for (const part of en) expect(english).toContain(part);
      expect(english).toContain("checked 5 minutes ago");
      document.body.innerHTML = "";
      setLanguage("zh-TW");
      const chinese = line(checked(evidence));
      for (const part of zh) expect(chinese).toContain(part);
      expect(chinese).toContain("檢查於5 分鐘前");
    });
  }

  it("labels the sync estimate as an estimate, with an exact expected count too", () => {
    const text = line(
      checked({
        kind: "syncEstimate",
        apiUser: "a@b.c",
        callsToday: 2,
        peopleEstimated: 600,
        peopleExpected: 1000,
        expectedAtLeast: false,
        peoplePerCall: 300,
      }),
    );
    expect(text).toContain("Estimate: about 600 of 1,000 people synced");
    expect(text).not.toContain("at least");
  });

  it("says confirmed by you, never a bare tick, when the admin confirmed the step", () => {
    setLanguage("en");
    expect(
      line(checked({ kind: "actionsApi", detail: "x" }, { source: "confirmed", evidence: null })),
    ).toContain("Confirmed by you");
    document.body.innerHTML = "";
    setLanguage("zh-TW");
    expect(
      line(checked({ kind: "actionsApi", detail: "x" }, { source: "confirmed", evidence: null })),
    ).toContain("由您確認");
  });

  it("says why a check failed and how old the last result is", () => {
    const status = checked(
      { kind: "marketoToken", munchkinId: "123-ABC-456", apiUser: null },
      { checkedAt: minutesAgo(120), checkProblem: { code: "marketo_network", at: minutesAgo(0) } },
    );
    setLanguage("en");
    render(EvidenceLine, { status });
    const problem = screen.getByTestId("evidence-problem").textContent!;
    expect(problem).toMatch(/^Could not check just now \(.+\); last result from 2 hours ago\.$/);
    expect(screen.getByTestId("evidence").textContent).toContain(
      "Marketo issued an API token for 123-ABC-456",
    );
    document.body.innerHTML = "";
    setLanguage("zh-TW");
    render(EvidenceLine, { status });
    expect(screen.getByTestId("evidence-problem").textContent).toMatch(
      /^目前無法檢查（.+）；以下為2 小時前的最後結果。$/,
    );
  });

  it("shows the code itself for a problem this build cannot translate", () => {
    render(EvidenceLine, {
      status: checked(
        { kind: "remoteSites", active: 2, required: 2 },
        {
          checkProblem: { code: "brand_new_code", at: minutesAgo(0) },
        },
      ),
    });
    expect(screen.getByTestId("evidence-problem").textContent).toContain("(brand_new_code)");
  });

  it("shows nothing when nothing was checked or confirmed", () => {
    render(EvidenceLine, {
      status: {
        evidence: null,
        checkedAt: null,
        checkProblem: null,
        source: "unknown",
        updatedAt: null,
      },
    });
    expect(screen.queryByTestId("evidence")).toBeNull();
  });
});
