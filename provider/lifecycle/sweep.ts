/**
 * The sweep that create and delete run beside their own work: pending uses whose lease ran out
 * (runs that never returned, maybe under a resource or stack name since changed) are removed from
 * the project's families and the run's own, and revisions they alone held are deregistered
 * (`plan/ownership.ts`, `run/registration.ts`).
 */
import { errorMessage } from "../aws/errors";
import { sweepPrefixes } from "../plan/ownership";
import type { RunPorts } from "./runPorts";

/**
 * Sweeps the project's families and the run's own `family` for expired uses (see
 * `plan/ownership.ts`). What it removes is printed by the registration layer (the services' log);
 * a failed sweep is a printed line, never the run's failure.
 */
export function sweepInBackground(project: string, family: string | undefined, deregister: boolean, ports: RunPorts): Promise<void> {
    const prefixes = sweepPrefixes(project, family);
    if (prefixes.length === 0) return Promise.resolve();
    return ports.sweepExpiredUses(prefixes, { deregister }).then(
        () => undefined,
        (err: unknown) => ports.log(`Could not look for task definitions left by runs that never returned: ${errorMessage(err)}`),
    );
}
