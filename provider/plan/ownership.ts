/**
 * Who owns a task-definition revision, recorded on the revision itself as tags, so that every
 * engine sequence (create-before-delete replacement, `--replace`, several resources of one family,
 * a failed create, a killed host) deregisters a revision only when no resource uses it any more.
 *
 * - A revision this package registers carries {@link MANAGED_TAG} = `true`. Only such revisions are
 *   reused for an equal prepared definition, and only they are ever deregistered: a revision
 *   registered by anyone else (or by version 0 of this package, which tagged nothing) is neither.
 * - Each resource instance that runs a managed revision adds one use tag,
 *   `ecs-task-run:use:<resource>.<inputs>.<generation>`: `<resource>` is 16 hex digits of the
 *   resource's identity (project/stack/name, as in `startedBy`), `<inputs>` 12 of its inputs hash,
 *   `<generation>` a small number that tells apart two live instances of one resource with the
 *   same inputs (the old and the new half of `pulumi up --replace`). Its value is a lease,
 *   `pending:<ISO time>`, while the create runs (the create renews it every third of
 *   {@link DEFAULT_LEASE_SECONDS}), and {@link USE_RECORDED} once the create returned.
 * - Delete (and a failed create) removes its own use tag, then deregisters the revision when no use
 *   tag is left.
 * - A `pending` use of this resource was left by a create that never returned (a killed host, a
 *   failure whose cleanup could not run): the next create of the resource with the same inputs
 *   takes it over (it becomes that create's use), and one with other inputs removes it.
 * - A pending use whose lease has run out belongs to a create that is no longer alive, whoever it
 *   was (the resource may have been renamed since, or its stack): any create or delete sweeps such
 *   uses from the revisions of its project's families ({@link expiredUses}), and deregisters a
 *   revision left with no use, unless {@link KEEP_TAG} says it was kept on purpose. A bare
 *   `pending` (written before leases) never expires: only its own resource takes it over.
 *
 * ECS allows 50 tags a resource: a revision with no room for another use tag is not reused (an
 * equal revision is registered instead).
 */

import { slugifyFamily } from "./family";

/** The tag that marks a revision registered by this package. */
export const MANAGED_TAG = "ecs-task-run:managed";
/** The tag of a managed revision kept on purpose when its last use went (`autoDeregisterTaskDefinition: false`): never swept. */
export const KEEP_TAG = "ecs-task-run:keep";
/** The prefix of the use tags. */
export const USE_TAG_PREFIX = "ecs-task-run:use:";
/** A use whose create has not returned: the value is `pending`, or `pending:<ISO time>` with the lease's end. */
export const USE_PENDING = "pending";
/** How long (s) a pending use's lease lasts unless renewed. Default of `ECS_TASK_RUN_LEASE_SECONDS`. */
export const DEFAULT_LEASE_SECONDS = 900;
/** A use recorded in a resource's state. */
export const USE_RECORDED = "recorded";
/** The tag put on a task that a create returned while it still ran: attach never takes it. */
export const RECORDED_TASK_TAG = "ecs-task-run:recorded";
/** Tags a task definition can carry (ECS's limit). */
export const MAX_TAGS = 50;

/** What identifies a resource instance's use of a revision. */
export interface UseIdentity {
    /** The resource's `startedBy` (`etr-` and 32 hex digits of its project/stack/name). */
    startedBy: string;
    /** The run's inputs hash (32 hex digits). */
    inputsHash: string;
}

/** The part of a use tag that names the resource. */
export function resourcePartOf(identity: UseIdentity): string {
    return identity.startedBy.replace(/^etr-/, "").slice(0, 16);
}

/** The use tag key of `identity` at `generation`. */
export function useTagKey(identity: UseIdentity, generation: number): string {
    return `${USE_TAG_PREFIX}${resourcePartOf(identity)}.${identity.inputsHash.slice(0, 12)}.${generation}`;
}

/** The value of a pending use whose lease ends at `expiresAtMs` (ms since the epoch). */
export function pendingUse(expiresAtMs: number): string {
    return `${USE_PENDING}:${new Date(expiresAtMs).toISOString()}`;
}

/** Whether a use tag's value is a pending use (with a lease or bare). */
export function isPendingUse(value: string | undefined): boolean {
    return value === USE_PENDING || (value !== undefined && value.startsWith(`${USE_PENDING}:`));
}

/**
 * When a pending use's lease ends (ms since the epoch); null for a bare `pending` (no lease: it
 * never expires) and for a value that is not a pending use or has no readable time.
 */
export function leaseEndOf(value: string): number | null {
    if (!value.startsWith(`${USE_PENDING}:`)) return null;
    const end = Date.parse(value.slice(USE_PENDING.length + 1));
    return Number.isNaN(end) ? null : end;
}

/** The use tags of `tags` that are pending with a lease ended before `nowMs`, sorted. Pure. */
export function expiredUses(tags: Record<string, string>, nowMs: number): string[] {
    return Object.entries(usesOf(tags))
        .filter(([, value]) => {
            const end = leaseEndOf(value);
            return end !== null && end < nowMs;
        })
        .map(([key]) => key)
        .sort();
}

/**
 * The lease length (s) from `ECS_TASK_RUN_LEASE_SECONDS`: a whole number from 1 to 86400, else
 * {@link DEFAULT_LEASE_SECONDS}.
 */
export function leaseSecondsOf(env: Record<string, string | undefined>): number {
    const raw = env.ECS_TASK_RUN_LEASE_SECONDS;
    const n = raw === undefined ? NaN : Number(raw);
    return Number.isInteger(n) && n >= 1 && n <= 86_400 ? n : DEFAULT_LEASE_SECONDS;
}

/**
 * The family prefixes a create or delete sweeps for expired uses: the project's default families
 * (`<project>-`, whatever the stack and resource are called now) and the run's own family. Pure.
 */
export function sweepPrefixes(project: string, family: string | undefined): string[] {
    const projectPrefix = slugifyFamily(project);
    const prefixes = projectPrefix ? [`${projectPrefix}-`] : [];
    if (family && !prefixes.some((p) => family.startsWith(p))) prefixes.push(family);
    return prefixes;
}

/** The use tags among `tags` (key → value). */
export function usesOf(tags: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(tags).filter(([key]) => key.startsWith(USE_TAG_PREFIX)));
}

/** Whether a revision with these tags was kept on purpose ({@link KEEP_TAG}). */
export function isKept(tags: Record<string, string>): boolean {
    return tags[KEEP_TAG] === "true";
}

/** Whether a revision with these tags is managed by this package. */
export function isManaged(tags: Record<string, string>): boolean {
    return tags[MANAGED_TAG] === "true";
}

/** How a create uses a revision it found with `tags`. */
export interface UsePlan {
    /** The use tag key this create takes. */
    key: string;
    /** Whether the key is already on the revision (a pending use taken over): no tag to add. */
    adopted: boolean;
    /** Pending uses of this resource with other inputs, left by creates that never returned: removed. */
    stale: string[];
    /** Whether the revision has room for the key (ECS's 50 tags), counting the stale ones as gone. */
    fits: boolean;
}

/**
 * The use a create of `identity` takes on a managed revision tagged `tags`: the lowest generation
 * whose key is absent or pending (a pending use with the same resource and inputs is this
 * resource's interrupted create: it is taken over, not added again). Pending uses of the same
 * resource with other inputs are stale. Pure.
 */
export function planUse(tags: Record<string, string>, identity: UseIdentity): UsePlan {
    const resourcePrefix = `${USE_TAG_PREFIX}${resourcePartOf(identity)}.`;
    const samePrefix = `${resourcePrefix}${identity.inputsHash.slice(0, 12)}.`;
    const stale = Object.keys(tags)
        .filter((key) => key.startsWith(resourcePrefix) && !key.startsWith(samePrefix) && isPendingUse(tags[key]))
        .sort();
    let generation = 0;
    while (tags[useTagKey(identity, generation)] === USE_RECORDED) generation++;
    const key = useTagKey(identity, generation);
    const adopted = isPendingUse(tags[key]);
    const count = Object.keys(tags).length - stale.length + (adopted ? 0 : 1);
    return { key, adopted, stale, fits: count <= MAX_TAGS };
}
