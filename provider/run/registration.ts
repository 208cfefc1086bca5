/**
 * Registers a task definition only when needed, once per process for equal definitions.
 *
 * RegisterTaskDefinition is rate limited, and concurrent registrations of one family fail with
 * "Too many concurrent attempts to create a new revision of the specified family". A stack with
 * many runs of one definition would register it many times; instead, the family's latest ACTIVE
 * revision is reused when it is equal, concurrent callers needing an equal definition share one
 * request, and the answer is remembered for the life of the process.
 *
 * The memory lives on `globalThis` as plain objects (closure serialization must not capture a
 * module-level `Map`).
 */
import { describeAwsError, isConcurrentRevisionError, isThrottling, isTransient } from "../aws/errors";
import { type Clock, withRetry } from "../aws/retry";
import type { TaskDefinition } from "../types";

/** What {@link ensureTaskDefinition} needs. */
export interface RegistrationDeps {
    /** DescribeTaskDefinition of a family (its latest ACTIVE revision) or ARN; null when none. */
    describeTaskDefinition(id: string): Promise<TaskDefinition | null>;
    /** RegisterTaskDefinition. */
    registerTaskDefinition(td: TaskDefinition): Promise<{ arn: string; taskDefinition: TaskDefinition }>;
    /** Whether a registered definition is equal to a prepared one (the plan layer's equality). */
    equal(registered: TaskDefinition, prepared: TaskDefinition): boolean;
    clock: Clock;
    /** Diagnostics (reuse, registration, retries). Default: none. */
    log?: (line: string) => void;
}

/** How the definition was obtained: registered by this call, the family's equal latest revision,
 * the answer of an equal call of this process (in flight or earlier). */
export type EnsureSource = "registered" | "reused-latest" | "shared";

/** The answer of {@link ensureTaskDefinition}. */
export interface EnsuredTaskDefinition {
    arn: string;
    /** True only for the call that registered the revision (so that only its owner deregisters it). */
    registered: boolean;
    /** The definition as AWS describes it. */
    taskDefinition: TaskDefinition;
    source: EnsureSource;
}

interface Outcome {
    arn: string;
    taskDefinition: TaskDefinition;
    registered: boolean;
}

interface RegistrationMemory {
    done: Record<string, Outcome>;
    inFlight: Record<string, Promise<Outcome>>;
}

const MEMORY_KEY = "__ecsTaskRun.registrations";

function memory(): RegistrationMemory {
    const g = globalThis as unknown as Record<string, RegistrationMemory | undefined>;
    let m = g[MEMORY_KEY];
    if (!m) {
        m = { done: {}, inFlight: {} };
        g[MEMORY_KEY] = m;
    }
    return m;
}

/** JSON with object keys sorted at every level and `undefined` members left out: equal values give equal text. */
export function canonicalJson(value: unknown): string {
    const norm = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : norm(x)));
        if (typeof v === "object" && v !== null) {
            const out: Record<string, unknown> = {};
            for (const k of Object.keys(v).sort()) {
                const x = (v as Record<string, unknown>)[k];
                if (x !== undefined) out[k] = norm(x);
            }
            return out;
        }
        return v;
    };
    return JSON.stringify(norm(value)) ?? "null";
}

/** Whether a RegisterTaskDefinition or DescribeTaskDefinition error may go away on a later attempt. */
export function isRegistrationRetryable(err: unknown): boolean {
    return isConcurrentRevisionError(err) || isThrottling(err) || isTransient(err);
}

/**
 * The task definition to run for `prepared`: the family's latest ACTIVE revision when
 * `deps.equal(latest, prepared)`, else a newly registered revision. Calls of this process for an
 * equal prepared definition (same canonical JSON and `opts.scope`) share one in-flight request,
 * and its answer is remembered; failures are not remembered. Throttling, transient errors and
 * "Too many concurrent attempts to create a new revision" are retried with backoff until
 * `opts.deadlineMs` (see `withRetry`); other errors fail at once.
 *
 * @param prepared - a RegisterTaskDefinition input; `family` is required.
 * @param opts.deadlineMs - how long (ms) retries of each call may go on.
 * @param opts.scope - what else makes definitions distinct, e.g. the region (and account): the
 *   same definition in two regions is two revisions. Default: `""`.
 */
export async function ensureTaskDefinition(
    deps: RegistrationDeps,
    prepared: TaskDefinition,
    opts: { deadlineMs: number; scope?: string },
): Promise<EnsuredTaskDefinition> {
    const family = prepared.family;
    if (!family) throw new Error("ensureTaskDefinition: the prepared task definition has no `family`");
    const key = `${opts.scope ?? ""}\u0000${canonicalJson(prepared)}`;
    const mem = memory();
    const known = mem.done[key];
    if (known) {
        deps.log?.(`Task definition ${known.arn} was already ensured in this process: reusing it.`);
        return { arn: known.arn, taskDefinition: known.taskDefinition, registered: false, source: "shared" };
    }
    const pending = mem.inFlight[key] as Promise<Outcome> | undefined;
    if (pending !== undefined) {
        const shared = await pending;
        return { arn: shared.arn, taskDefinition: shared.taskDefinition, registered: false, source: "shared" };
    }
    const work = resolveDefinition(deps, prepared, family, opts.deadlineMs);
    mem.inFlight[key] = work;
    try {
        const outcome = await work;
        mem.done[key] = outcome;
        return { ...outcome, source: outcome.registered ? "registered" : "reused-latest" };
    } finally {
        delete mem.inFlight[key];
    }
}

async function resolveDefinition(deps: RegistrationDeps, prepared: TaskDefinition, family: string, deadlineMs: number): Promise<Outcome> {
    const retry = <T>(what: string, action: string, fn: () => Promise<T>): Promise<T> =>
        withRetry(fn, {
            what,
            deadlineMs,
            clock: deps.clock,
            isRetryable: isRegistrationRetryable,
            onRetry: (err, attempt, delayMs) =>
                deps.log?.(`${describeAwsError(err, what, action)} Attempt ${attempt + 1} in ${delayMs} ms.`),
        });
    const latest = await retry(`DescribeTaskDefinition of family ${family}`, "ecs:DescribeTaskDefinition", () => deps.describeTaskDefinition(family));
    if (latest && (latest.status === undefined || latest.status === "ACTIVE") && deps.equal(latest, prepared)) {
        const arn = latest.taskDefinitionArn;
        if (typeof arn === "string" && arn) {
            deps.log?.(`Reusing task definition ${arn}: it equals the prepared one.`);
            return { arn, taskDefinition: latest, registered: false };
        }
    }
    const out = await retry(`RegisterTaskDefinition of family ${family}`, "ecs:RegisterTaskDefinition", () => deps.registerTaskDefinition(prepared));
    deps.log?.(`Registered task definition ${out.arn}.`);
    return { arn: out.arn, taskDefinition: out.taskDefinition, registered: true };
}

/**
 * Forgets what this process remembers about `arn` (call it after deregistering `arn`, so that an
 * equal definition is registered again rather than an inactive revision being run).
 */
export function forgetTaskDefinition(arn: string): void {
    const mem = memory();
    for (const key of Object.keys(mem.done)) if (mem.done[key].arn === arn) delete mem.done[key];
}

/** Forgets everything remembered (tests). */
export function resetRegistrationMemory(): void {
    delete (globalThis as unknown as Record<string, unknown>)[MEMORY_KEY];
}
