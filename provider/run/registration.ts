/**
 * The task definition a run uses, and its release: registration, reuse and deregistration under
 * the ownership rules of `plan/ownership.ts` (tags on the revision say which resource instances
 * use it; only revisions this package registered are reused or deregistered).
 *
 * - {@link acquireTaskDefinition}: the family's latest revision when it is managed, ACTIVE and
 *   equal to the prepared one and has room for one more use tag (the create adds its use, or takes
 *   over its own interrupted create's pending use); else a new revision, registered with the
 *   managed tag and the create's use. Pending uses this resource left with other inputs are removed
 *   on the way (and the revision deregistered when that was its last use).
 * - {@link holdUse}: while the create runs, its pending use's lease is renewed.
 * - {@link recordUse}: the use becomes `recorded` once the create returns (the records of runs
 *   ending together go in one TagResource).
 * - {@link releaseUse}: delete, or a failed create, removes its use and deregisters the revision
 *   when no use is left.
 * - {@link sweepExpiredUses}: uses whose lease ran out (their create is dead: a killed host, maybe
 *   of a resource or stack renamed since) are removed from the managed revisions of some family
 *   prefixes; a revision with no use but expired ones, or none at all (a release killed between
 *   its untag and its deregister), is deregistered unless it is marked kept
 *   (`autoDeregisterTaskDefinition: false`); at most once a lease period per prefix in a process.
 *
 * RegisterTaskDefinition is rate limited, and concurrent registrations of one family fail with
 * "Too many concurrent attempts to create a new revision of the specified family": concurrent
 * creates of this process that need an equal new revision share one RegisterTaskDefinition (each
 * then adds its own use), and so do later ones while the revision has room. The in-flight table
 * lives on `globalThis` as a plain object (closure serialization must not capture a module-level
 * `Map`).
 */
import { describeAwsError, isConcurrentRevisionError, isTagLimitError, isThrottling, isTransient } from "../aws/errors";
import { type Clock, withRetry } from "../aws/retry";
import {
    DEFAULT_LEASE_SECONDS,
    expiredUses,
    isKept,
    isManaged,
    KEEP_TAG,
    MANAGED_TAG,
    MAX_TAGS,
    pendingUse,
    planUse,
    USE_RECORDED,
    usesOf,
    type UseIdentity,
} from "../plan/ownership";
import type { TaskDefinition } from "../types";

/** A revision as DescribeTaskDefinition (with `include: ["TAGS"]`) returns it. */
export interface DescribedRevision {
    taskDefinition: TaskDefinition;
    tags: Record<string, string>;
}

/** What registration needs of AWS. */
export interface RegistrationDeps {
    /** DescribeTaskDefinition with tags of a family (its latest ACTIVE revision) or ARN; null when none. */
    describeTaskDefinition(id: string): Promise<DescribedRevision | null>;
    /** RegisterTaskDefinition with tags. */
    registerTaskDefinition(td: TaskDefinition, tags: Record<string, string>): Promise<{ arn: string; taskDefinition: TaskDefinition }>;
    /** TagResource of a revision. */
    tagResource(arn: string, tags: Record<string, string>): Promise<void>;
    /** UntagResource of a revision; what is gone is no error. */
    untagResource(arn: string, keys: string[]): Promise<unknown>;
    /** DeregisterTaskDefinition; what is gone is no error. */
    deregisterTaskDefinition(arn: string): Promise<"deregistered" | "already-inactive" | "not-found">;
    /** ListTaskDefinitionFamilies of the ACTIVE families starting with `prefix`, every page. */
    listFamilies(prefix: string): Promise<string[]>;
    /** ListTaskDefinitions of the ACTIVE revisions of `family` (the full name), every page. */
    listRevisions(family: string): Promise<string[]>;
    /** Whether a registered definition is equal to a prepared one (the plan layer's equality). */
    equal(registered: TaskDefinition, prepared: TaskDefinition): boolean;
    clock: Clock;
    /** How long (ms) a pending use's lease lasts unless renewed. Default: {@link DEFAULT_LEASE_SECONDS}. */
    leaseMs?: number;
    /** Diagnostics (reuse, registration, retries). Default: none. */
    log?: (line: string) => void;
}

/** How the revision was obtained. */
export type AcquireSource = "registered" | "reused" | "adopted" | "shared";

/** The answer of {@link acquireTaskDefinition}. */
export interface AcquiredTaskDefinition {
    arn: string;
    /** The use tag this create holds on the revision (record it in state; release it on delete). */
    use: string;
    /** Registered by this call, reused (another use added), adopted (this resource's interrupted
     * create's pending use taken over), or shared (an equal registration of this process in flight). */
    source: AcquireSource;
}

/** Options of {@link acquireTaskDefinition}. */
export interface AcquireOptions {
    /** How long (ms) retries of each call may go on. */
    deadlineMs: number;
    /** What else makes definitions distinct in this process (the region and endpoint). Default: `""`. */
    scope?: string;
    /** Whether a revision left without use may be deregistered (`autoDeregisterTaskDefinition`). Default: true. */
    deregisterUnused?: boolean;
}

interface RegistrationMemory {
    inFlight: Record<string, Promise<{ arn: string }>>;
    /** The revision this process last registered for each definition: later creates join it while it has room. */
    recent: Record<string, string>;
    /** Uses waiting to be recorded, by revision ARN. */
    recording: Record<string, RecordQueue>;
    /** Sweeps by scope and prefix: when each began, and its work. */
    sweeps: Record<string, { at: number; work: Promise<SweepOutcome> }>;
}

const MEMORY_KEY = "__ecsTaskRun.registrations";

function memory(): RegistrationMemory {
    const g = globalThis as unknown as Record<string, RegistrationMemory | undefined>;
    let m = g[MEMORY_KEY];
    if (!m) {
        m = { inFlight: {}, recent: {}, recording: {}, sweeps: {} };
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

/** Whether a registration call's error may go away on a later attempt. */
export function isRegistrationRetryable(err: unknown): boolean {
    return isConcurrentRevisionError(err) || isThrottling(err) || isTransient(err);
}

function retrying(deps: RegistrationDeps, deadlineMs: number) {
    return <T>(what: string, action: string, fn: () => Promise<T>): Promise<T> =>
        withRetry(fn, {
            what,
            deadlineMs,
            clock: deps.clock,
            isRetryable: isRegistrationRetryable,
            onRetry: (err, attempt, delayMs) =>
                deps.log?.(`${describeAwsError(err, what, action)} Attempt ${attempt + 1} in ${delayMs} ms.`),
        });
}

/**
 * The revision to run for `prepared` (a RegisterTaskDefinition input with a `family`), with this
 * create's use tag on it. See the module comment.
 */
export async function acquireTaskDefinition(
    deps: RegistrationDeps,
    prepared: TaskDefinition,
    identity: UseIdentity,
    opts: AcquireOptions,
): Promise<AcquiredTaskDefinition> {
    const family = prepared.family;
    if (!family) throw new Error("acquireTaskDefinition: the prepared task definition has no `family`");
    const retry = retrying(deps, opts.deadlineMs);
    const latest = await retry(`DescribeTaskDefinition of family ${family}`, "ecs:DescribeTaskDefinition", () =>
        deps.describeTaskDefinition(family),
    );
    const latestArn = latest?.taskDefinition.taskDefinitionArn;
    if (latest && typeof latestArn === "string" && isManaged(latest.tags) && isActive(latest.taskDefinition)) {
        const use = planUse(latest.tags, identity);
        if (use.stale.length > 0) {
            deps.log?.(`Removing ${use.stale.length} use(s) of ${latestArn} left by an interrupted run of this resource.`);
            await retry(`UntagResource ${latestArn}`, "ecs:UntagResource", () => deps.untagResource(latestArn, use.stale));
        }
        if (deps.equal(latest.taskDefinition, prepared) && use.fits) {
            // Adopted or added, the use gets a fresh lease (an adopted one's may have run out).
            const added = await addUse(deps, retry, latestArn, use.key);
            if (added && (await stillActive(deps, retry, latestArn))) {
                deps.log?.(
                    use.adopted
                        ? `Reusing task definition ${latestArn}, which an interrupted run of this resource registered.`
                        : `Reusing task definition ${latestArn}: it equals the prepared one.`,
                );
                return { arn: latestArn, use: use.key, source: use.adopted ? "adopted" : "reused" };
            }
        } else if (use.stale.length > 0 && opts.deregisterUnused !== false) {
            await deregisterIfUnused(deps, retry, latestArn);
        }
    }
    return registerShared(deps, retry, prepared, identity, opts);
}

/**
 * A new revision with this create's use; concurrent equal registrations of the process share one.
 * A joiner that finds the shared revision full (50 tags) joins, or starts, the next registration,
 * so N concurrent creates of one definition register ceil(N / 49) revisions.
 */
async function registerShared(
    deps: RegistrationDeps,
    retry: ReturnType<typeof retrying>,
    prepared: TaskDefinition,
    identity: UseIdentity,
    opts: AcquireOptions,
): Promise<AcquiredTaskDefinition> {
    const use = planUse({}, identity).key;
    const key = `${opts.scope ?? ""}\u0000${canonicalJson(prepared)}`;
    const mem = memory();
    const full = new Set<Promise<{ arn: string }> | string>();
    for (;;) {
        const pending = mem.inFlight[key] as Promise<{ arn: string }> | undefined;
        if (pending !== undefined && !full.has(pending)) {
            const shared = await pending.catch(() => undefined);
            if (!shared) return registerOwn(deps, retry, prepared, use);
            if (await addUse(deps, retry, shared.arn, use)) return { arn: shared.arn, use, source: "shared" };
            full.add(pending);
            continue;
        }
        // A create whose look at the family came before this process's registration ended joins
        // that revision (while it has room and is ACTIVE) instead of registering an equal one.
        const recent = mem.recent[key] as string | undefined;
        if (pending === undefined && recent !== undefined && !full.has(recent)) {
            full.add(recent);
            // A revision that cannot be tagged any more (gone, or anything else) is passed by.
            const added = await addUse(deps, retry, recent, use).catch(() => false);
            if (added && (await stillActive(deps, retry, recent))) return { arn: recent, use, source: "shared" };
            continue;
        }
        const work = registerOwn(deps, retry, prepared, use);
        mem.inFlight[key] = work;
        try {
            const registered = await work;
            mem.recent[key] = registered.arn;
            return registered;
        } finally {
            if (mem.inFlight[key] === work) delete mem.inFlight[key];
        }
    }
}

async function registerOwn(
    deps: RegistrationDeps,
    retry: ReturnType<typeof retrying>,
    prepared: TaskDefinition,
    use: string,
): Promise<AcquiredTaskDefinition> {
    const family = String(prepared.family);
    const out = await retry(`RegisterTaskDefinition of family ${family}`, "ecs:RegisterTaskDefinition", () =>
        deps.registerTaskDefinition(prepared, { [MANAGED_TAG]: "true", [use]: newLease(deps) }),
    );
    deps.log?.(`Registered task definition ${out.arn}.`);
    return { arn: out.arn, use, source: "registered" };
}

function leaseMsOf(deps: RegistrationDeps): number {
    return deps.leaseMs ?? DEFAULT_LEASE_SECONDS * 1000;
}

/** A pending use's value with a lease from now. */
function newLease(deps: RegistrationDeps): string {
    return pendingUse(deps.clock.now() + leaseMsOf(deps));
}

/** Tags `use` on `arn` as pending with a lease from now (adds the use, or renews its lease). */
function tagLease(deps: RegistrationDeps, retry: ReturnType<typeof retrying>, arn: string, use: string): Promise<unknown> {
    return retry(`TagResource ${arn}`, "ecs:TagResource", () => deps.tagResource(arn, { [use]: newLease(deps) }));
}

/** Adds a pending use (or renews its lease); false when the revision has no room for another tag. */
async function addUse(deps: RegistrationDeps, retry: ReturnType<typeof retrying>, arn: string, use: string): Promise<boolean> {
    try {
        await tagLease(deps, retry, arn, use);
        return true;
    } catch (err) {
        if (isTagLimitError(err)) return false;
        throw err;
    }
}

/** After adding a use: whether the revision is still ACTIVE (a concurrent delete of its last other
 * user may have deregistered it in between). */
async function stillActive(deps: RegistrationDeps, retry: ReturnType<typeof retrying>, arn: string): Promise<boolean> {
    const now = await retry(`DescribeTaskDefinition ${arn}`, "ecs:DescribeTaskDefinition", () => deps.describeTaskDefinition(arn));
    return now !== null && isActive(now.taskDefinition);
}

function isActive(td: TaskDefinition): boolean {
    return td.status === undefined || td.status === "ACTIVE";
}

/** A hold on a pending use: its lease is renewed until {@link UseHold.stop}. */
export interface UseHold {
    /** Stops renewing; resolves once no renewal is in flight (so that a later tag is the last word). */
    stop(): Promise<void>;
}

/**
 * Renews the pending use `use` of `arn` every third of the lease while the create runs, so that
 * a sweep never takes the use of a live create. A renewal that fails is logged and tried again at
 * the next turn (two more before the lease runs out).
 */
export function holdUse(deps: RegistrationDeps, arn: string, use: string, opts: { deadlineMs: number }): UseHold {
    const controller = new AbortController();
    const every = Math.max(1, Math.floor(leaseMsOf(deps) / 3));
    const retry = retrying(deps, Math.min(opts.deadlineMs, every));
    const loop = (async (): Promise<void> => {
        for (;;) {
            await deps.clock.sleep(every, controller.signal);
            if (controller.signal.aborted) return;
            try {
                await tagLease(deps, retry, arn, use);
            } catch (err) {
                deps.log?.(
                    `Could not renew the lease of ${use} on ${arn}: ${describeAwsError(err, `TagResource ${arn}`, "ecs:TagResource")}`,
                );
            }
        }
    })();
    return {
        stop: async () => {
            controller.abort();
            await loop;
        },
    };
}

/** What {@link sweepExpiredUses} did. */
export interface SweepOutcome {
    /** Managed revisions looked at. */
    revisions: number;
    /** Expired uses removed. */
    removed: number;
    /** Revisions deregistered (no use left). */
    deregistered: string[];
}

/**
 * Removes the expired pending uses (see `plan/ownership.ts`) from the ACTIVE managed revisions
 * of the families starting with each of `prefixes`, and deregisters (unless `deregister` is false)
 * each one with no use left but expired ones, unless marked kept. A prefix is swept at most once
 * a lease period in this process (within `scope`): a later call waits for the sweep in flight, or
 * returns at once.
 * A revision that cannot be looked at is skipped (logged).
 */
export async function sweepExpiredUses(
    deps: RegistrationDeps,
    prefixes: string[],
    opts: { deadlineMs: number; deregister: boolean; scope?: string },
): Promise<SweepOutcome> {
    const mem = memory();
    const outcomes = await Promise.all(
        [...new Set(prefixes)].map((prefix) => {
            const key = `${opts.scope ?? ""}\u0000${prefix}`;
            const last = mem.sweeps[key];
            if (last && deps.clock.now() - last.at < leaseMsOf(deps)) return last.work;
            const work = sweepPrefix(deps, prefix, opts);
            mem.sweeps[key] = { at: deps.clock.now(), work };
            return work;
        }),
    );
    return {
        revisions: outcomes.reduce((n, o) => n + o.revisions, 0),
        removed: outcomes.reduce((n, o) => n + o.removed, 0),
        deregistered: outcomes.flatMap((o) => o.deregistered),
    };
}

async function sweepPrefix(
    deps: RegistrationDeps,
    prefix: string,
    opts: { deadlineMs: number; deregister: boolean },
): Promise<SweepOutcome> {
    const retry = retrying(deps, opts.deadlineMs);
    const outcome: SweepOutcome = { revisions: 0, removed: 0, deregistered: [] };
    const families = await retry(`ListTaskDefinitionFamilies ${prefix}`, "ecs:ListTaskDefinitionFamilies", () => deps.listFamilies(prefix));
    for (const family of families) {
        const arns = await retry(`ListTaskDefinitions ${family}`, "ecs:ListTaskDefinitions", () => deps.listRevisions(family));
        for (const arn of arns) {
            try {
                await sweepRevision(deps, retry, arn, opts.deregister, outcome);
            } catch (err) {
                deps.log?.(`Could not sweep ${arn}: ${describeAwsError(err, `Sweeping ${arn}`, "ecs:DescribeTaskDefinition")}`);
            }
        }
    }
    return outcome;
}

async function sweepRevision(
    deps: RegistrationDeps,
    retry: ReturnType<typeof retrying>,
    arn: string,
    deregister: boolean,
    outcome: SweepOutcome,
): Promise<void> {
    const described = await retry(`DescribeTaskDefinition ${arn}`, "ecs:DescribeTaskDefinition", () => deps.describeTaskDefinition(arn));
    if (!described || !isManaged(described.tags) || !isActive(described.taskDefinition)) return;
    outcome.revisions++;
    const expired = expiredUses(described.tags, deps.clock.now());
    const uses = Object.keys(usesOf(described.tags)).length;
    if (deregister && uses === expired.length && !isKept(described.tags)) {
        // Nothing but expired uses (or no use at all: a release or sweep killed between its
        // untag and its deregister): deregistered as it is, tags and all, so that no crash can
        // leave it untagged and ACTIVE. A create reusing it meanwhile sees it INACTIVE and registers.
        const result = await retry(`DeregisterTaskDefinition ${arn}`, "ecs:DeregisterTaskDefinition", () =>
            deps.deregisterTaskDefinition(arn),
        );
        outcome.removed += expired.length;
        if (result === "deregistered") {
            outcome.deregistered.push(arn);
            deps.log?.(
                `Deregistered ${arn}: ${expired.length > 0 ? "its uses' leases ran out (runs that never returned: a killed host)" : "no use left"}.`,
            );
        }
        return;
    }
    if (expired.length > 0) {
        await retry(`UntagResource ${arn}`, "ecs:UntagResource", () => deps.untagResource(arn, expired));
        outcome.removed += expired.length;
        deps.log?.(`Removed ${expired.length} use(s) of ${arn} whose lease ran out (runs that never returned: a killed host).`);
    }
}

/** Marks a use as recorded in state (the create returned). */
export function recordUse(deps: RegistrationDeps, arn: string, use: string, opts: { deadlineMs: number }): Promise<void> {
    // Many runs of one definition end together (100 concurrent TagResource calls on one revision
    // took 300 ms at p95 in the bench): the uses recorded while a TagResource of the revision is
    // in flight go together in the next call (up to 49 tags: a revision holds at most 50).
    const mem = memory();
    const queue = (mem.recording[arn] ??= { sending: false, waiting: [] });
    return new Promise<void>((resolve, reject) => {
        queue.waiting.push({ use, resolve, reject });
        if (!queue.sending) void sendRecords(deps, arn, queue, opts.deadlineMs);
    });
}

interface RecordQueue {
    sending: boolean;
    waiting: { use: string; resolve: () => void; reject: (err: unknown) => void }[];
}

async function sendRecords(deps: RegistrationDeps, arn: string, queue: RecordQueue, deadlineMs: number): Promise<void> {
    queue.sending = true;
    const retry = retrying(deps, deadlineMs);
    while (queue.waiting.length > 0) {
        const batch = queue.waiting.splice(0, MAX_TAGS - 1);
        const tags = Object.fromEntries(batch.map((w) => [w.use, USE_RECORDED]));
        try {
            await retry(`TagResource ${arn}`, "ecs:TagResource", () => deps.tagResource(arn, tags));
            for (const w of batch) w.resolve();
        } catch (err) {
            for (const w of batch) w.reject(err);
        }
    }
    queue.sending = false;
    const mem = memory();
    if (mem.recording[arn] === queue) delete mem.recording[arn];
}

/** What {@link releaseUse} did to the revision. */
export type ReleaseOutcome = "deregistered" | "still-used" | "kept" | "gone";

/**
 * Removes the use `use` from `arn`, then deregisters the revision when it is managed, ACTIVE and
 * has no use left, unless `opts.deregister` is false (then it is `"kept"`).
 */
export async function releaseUse(
    deps: RegistrationDeps,
    arn: string,
    use: string,
    opts: { deadlineMs: number; deregister: boolean },
): Promise<ReleaseOutcome> {
    const retry = retrying(deps, opts.deadlineMs);
    // Kept on purpose (`autoDeregisterTaskDefinition: false`): marked before the use goes, so that
    // a sweep never takes it for a revision a killed release left.
    if (!opts.deregister) await retry(`TagResource ${arn}`, "ecs:TagResource", () => deps.tagResource(arn, { [KEEP_TAG]: "true" }));
    await retry(`UntagResource ${arn}`, "ecs:UntagResource", () => deps.untagResource(arn, [use]));
    if (!opts.deregister) return "kept";
    return deregisterIfUnused(deps, retry, arn);
}

async function deregisterIfUnused(deps: RegistrationDeps, retry: ReturnType<typeof retrying>, arn: string): Promise<ReleaseOutcome> {
    const now = await retry(`DescribeTaskDefinition ${arn}`, "ecs:DescribeTaskDefinition", () => deps.describeTaskDefinition(arn));
    if (!now || !isActive(now.taskDefinition)) return "gone";
    if (!isManaged(now.tags) || Object.keys(usesOf(now.tags)).length > 0) return "still-used";
    const outcome = await retry(`DeregisterTaskDefinition ${arn}`, "ecs:DeregisterTaskDefinition", () =>
        deps.deregisterTaskDefinition(arn),
    );
    if (outcome === "deregistered") deps.log?.(`Deregistered task definition ${arn}: no resource uses it any more.`);
    return outcome === "deregistered" ? "deregistered" : "gone";
}

/** Forgets registrations in flight (tests). */
export function resetRegistrationMemory(): void {
    delete (globalThis as unknown as Record<string, unknown>)[MEMORY_KEY];
}
