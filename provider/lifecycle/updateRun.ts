import type { CheckedInputs, TaskRunOutputs } from "../types";
import { WATCH_KEYS } from "../plan/settings";
import { redactDeep, secretStrings } from "../plan/redact";

/**
 * An in-place update: `diff` sends here only changes to watching settings and to which inputs
 * are secret, so the new state is the old one with the new settings, the new plan (which shows the
 * same run, redacted with the new secret inputs) and the log tail redacted again with them (a
 * value made secret after the run must not stay readable there).
 */
export function updateRun(olds: TaskRunOutputs, news: CheckedInputs): TaskRunOutputs {
    const secrets = secretStrings(news as unknown as Record<string, unknown>, news.__secretKeys);
    const next: Record<string, unknown> = {
        ...olds,
        plan: news.plan,
        __secretKeys: news.__secretKeys,
        logTail: redactDeep(olds.logTail ?? [], secrets),
    };
    for (const key of WATCH_KEYS) {
        if (news[key] === undefined) delete next[key];
        else next[key] = news[key];
    }
    return next as unknown as TaskRunOutputs;
}
