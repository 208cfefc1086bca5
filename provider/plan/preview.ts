/** The text `pulumi preview` shows for a planned run. */
import { stringify } from "yaml";
import type { PlannedRun } from "../types";
import type { ResolvedRetryStrategy } from "./retryStrategy";

/**
 * The planned run as YAML documents, like the reference's `preview()`:
 * `---\n# Task definition\n<yaml>\n---\n# Task run request\n<yaml>`; the first document is left
 * out when the definition is not known (a `taskDefinitionArn` not described yet). Keys are sorted
 * so that the text only changes when the plan does.
 */
export function renderPreview(plan: PlannedRun): string {
    const task = plan.taskDefinition === null ? "" : `---\n# Task definition\n${toYaml(plan.taskDefinition)}\n`;
    return `${task}---\n# Task run request\n${toYaml(plan.runTaskRequest)}`;
}

/** The retry strategy as a YAML document for the preview (with its defaults applied), or "" when
 * the run makes one attempt. */
export function renderRetryStrategy(strategy: ResolvedRetryStrategy): string {
    return strategy.attempts > 1 ? `---\n# Retry strategy (each attempt is a new task)\n${toYaml(strategy)}` : "";
}

function toYaml(value: unknown): string {
    return stringify(value, { sortMapEntries: true, lineWidth: 0 });
}
