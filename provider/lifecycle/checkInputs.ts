import type * as pulumi from "@pulumi/pulumi";
import type { CheckedInputs, TaskRunInputs } from "../types";
import { PLACEHOLDER } from "../types";
import { validateInputs } from "../plan/validate";
import { planRun } from "../plan/planRun";
import { redactDeep, secretStrings } from "../plan/redact";
import { runRegion } from "./region";

/**
 * `check`: every input is validated (each failure names its property, so `pulumi preview` shows
 * it), then the planned run — the task definition and RunTask request that would be sent, with
 * placeholders for what only the run knows — is added to the inputs as `plan`. Values of secret
 * inputs are redacted from the plan. Nothing here calls AWS.
 */
export async function checkInputs(news: TaskRunInputs): Promise<pulumi.dynamic.CheckResult<CheckedInputs | TaskRunInputs>> {
    const failures = validateInputs(news as unknown as Record<string, unknown>);
    if (failures.length > 0) return { inputs: news, failures };
    const region = (await runRegion(news.region)) ?? PLACEHOLDER.region;
    let plan;
    try {
        plan = planRun(news, { region });
    } catch (err) {
        return { inputs: news, failures: [{ property: "", reason: err instanceof Error ? err.message : String(err) }] };
    }
    const secrets = secretStrings(news as unknown as Record<string, unknown>, news.__secretKeys);
    return { inputs: { ...news, plan: redactDeep(plan, secrets) } };
}
