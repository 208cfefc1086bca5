import type { CheckedInputs, TaskRunOutputs } from "../types";
import { WATCH_KEYS } from "../plan/settings";

/**
 * An in-place update: `diff` sends here only changes to watching settings, so the new state is
 * the old one with the new settings (and the new plan, which shows the same run).
 */
export function updateRun(olds: TaskRunOutputs, news: CheckedInputs): TaskRunOutputs {
    const next: Record<string, unknown> = { ...olds, plan: news.plan, __secretKeys: news.__secretKeys };
    for (const key of WATCH_KEYS) {
        if (news[key] === undefined) delete next[key];
        else next[key] = news[key];
    }
    return next as unknown as TaskRunOutputs;
}
