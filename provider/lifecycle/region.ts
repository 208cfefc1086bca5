import { resolveRegion } from "../aws/clients";

const CONFIGURED_REGION_KEY = "__ecsTaskRun.configuredRegion";

/** Records the stack's `aws:region` config (from the provider's Configure call), on globalThis:
 * module-level state would be serialized with the provider. */
export function rememberConfiguredRegion(region: string | undefined): void {
    (globalThis as unknown as Record<string, string | undefined>)[CONFIGURED_REGION_KEY] = region || undefined;
}

/** The stack's `aws:region`, if the provider was configured with one. */
export function configuredRegion(): string | undefined {
    return (globalThis as unknown as Record<string, string | undefined>)[CONFIGURED_REGION_KEY];
}

/**
 * The region of a run: the `region` input, else the stack's `aws:region`, else the SDK's region
 * chain (`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile). No network call is made.
 */
export async function runRegion(explicit: string | undefined): Promise<string | undefined> {
    return explicit || configuredRegion() || (await resolveRegion());
}

/** The region in an ECS ARN (`arn:aws:ecs:<region>:...`), if any. */
export function regionOfArn(arn: unknown): string | undefined {
    if (typeof arn !== "string") return undefined;
    const match = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):/.exec(arn);
    return match?.[1];
}

/**
 * The region a recorded run used: `runRegion` (state version 1), else the region its task's or
 * cluster's ARN names (version 0), else the region its plan was made for. Undefined for a state
 * that names none (then the configured region applies).
 */
export function regionOfState(state: {
    runRegion?: unknown;
    taskArn?: unknown;
    clusterArn?: unknown;
    taskDefinitionArn?: unknown;
    plan?: unknown;
}): string | undefined {
    if (typeof state.runRegion === "string" && state.runRegion) return state.runRegion;
    const fromArn = regionOfArn(state.taskArn) ?? regionOfArn(state.clusterArn) ?? regionOfArn(state.taskDefinitionArn);
    if (fromArn) return fromArn;
    const planned = (state.plan as { region?: unknown } | undefined)?.region;
    return typeof planned === "string" && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(planned) ? planned : undefined;
}
