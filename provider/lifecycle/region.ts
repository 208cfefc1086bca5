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
