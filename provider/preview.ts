import type { TaskRunSpec } from "./types";
import { PLACEHOLDER } from "./types";
import { validateInputs } from "./plan/validate";
import { planRun } from "./plan/planRun";
import { renderPreview, renderRetryStrategy } from "./plan/preview";
import { resolveRetryStrategy } from "./plan/retryStrategy";

/** Where the previewed resource would live. */
export interface PreviewOptions {
    /** The resource's name (it shapes the default family and `startedBy`). */
    name: string;
    /** The Pulumi project. Default: `project`. */
    project?: string;
    /** The Pulumi stack. Default: `dev`. */
    stack?: string;
    /** The region to plan for. Default: the `region` input, else a placeholder. */
    region?: string;
}

/**
 * The dry run, as the reference's `preview()`: the task definition and RunTask request that
 * would be sent, as YAML, with placeholders for what only the run knows (the registered ARN, the
 * default VPC's subnets). Throws with every validation failure when the spec is invalid. Calls no AWS API.
 */
export function previewRun(spec: TaskRunSpec, options: PreviewOptions): string {
    const inputs = {
        ...spec,
        __context: { project: options.project ?? "project", stack: options.stack ?? "dev", name: options.name },
    };
    const failures = validateInputs(inputs as unknown as Record<string, unknown>);
    if (failures.length > 0) {
        throw new Error(`Invalid EcsTaskRun "${options.name}":\n${failures.map((f) => `  ${f.property}: ${f.reason}`).join("\n")}`);
    }
    const region = spec.region ?? options.region ?? PLACEHOLDER.region;
    return renderPreview(planRun(inputs, { region })) + renderRetryStrategy(resolveRetryStrategy(spec.retryStrategy));
}
