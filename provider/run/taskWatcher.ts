/**
 * One task watcher per provider process.
 *
 * Pulumi creates a stack's resources concurrently, and every dynamic resource of the stack is
 * served by one provider process. Polling each task on its own costs one DescribeTasks per task
 * per interval: 100 concurrent runs at a 5 s interval are 20 calls/s, ECS's sustained read rate
 * for the whole account and region (ecs-facts.md). The watcher instead polls every watched task
 * of a cluster together, up to 100 ARNs per DescribeTasks call, so 100 runs cost one call per round.
 *
 * Scheduling: each watched task is due again after its interval (the smallest `pollIntervalMs` of
 * its waiters); the first looks after it is added come sooner (250 ms, then 500 ms, then 1 s,
 * capped by the interval) so that a short task is seen promptly. A round describes every due
 * task of a cluster, and fills the free places of its last call with tasks that would be due
 * soon (the same number of calls, fresher data). Rounds of one cluster are at least
 * `minRoundGapMs` apart. A failed call (throttling, network) makes the cluster wait a backoff
 * (full jitter) before its next round; it fails no waiter unless it is fatal for the cluster
 * (`ClusterNotFoundException`, access denied) or goes on for a waiter's `errorToleranceMs`.
 * When nothing is watched the loop ends: no timer is left behind.
 *
 * State is plain objects and arrays, created at run time; the per-process instance lives on
 * `globalThis` (closure serialization must not capture it).
 */
import type { Failure, Task } from "@aws-sdk/client-ecs";
import { regionOfArn } from "../aws/clients";
import { describeAwsError, errorCode, isFatal as isFatalError } from "../aws/errors";
import { backoffDelay, type Clock } from "../aws/retry";
import {
    type DescribeTasksFn,
    hasLeftStartup,
    isStopped,
    taskMissingError,
    taskIdOf,
    taskSignature,
    type TaskWaiter,
    type WaitOptions,
    watchCancelledError,
    watchFailedError,
    watchTimeoutError,
} from "./waiting";

/** What the watcher needs. */
export interface TaskWatcherDeps {
    /** One DescribeTasks call (at most {@link TaskWatcherDeps.batchSize} ARNs of one cluster). */
    describeTasks: DescribeTasksFn;
    clock: Clock;
    /** Diagnostics (a failed round and its backoff). Default: none. */
    log?: (line: string) => void;
    /** Which call errors fail the waiters at once. Default: `isFatal` of `aws/errors`. */
    isFatal?: (err: unknown) => boolean;
    /** ARNs per DescribeTasks call. Default: 100 (the API's maximum). */
    batchSize?: number;
    /** The delays of the first looks at a newly watched task. Default: [250, 500, 1000]. */
    fastPollsMs?: number[];
    /** The least time between two rounds of one cluster. Default: 200. */
    minRoundGapMs?: number;
    /** Backoff after a failed call: first cap, doubled per consecutive failure. Default: 1000. */
    retryBaseMs?: number;
    /** Backoff cap. Default: 20000. */
    retryMaxMs?: number;
}

interface Waiter {
    until: (task: Task) => boolean;
    opts: WaitOptions;
    startedAt: number;
    deadline: number | undefined;
    signature: string | undefined;
    errorSince: number | undefined;
    settled: boolean;
    resolve: (task: Task) => void;
    reject: (err: unknown) => void;
    detach: () => void;
}

interface Entry {
    clusterKey: string;
    cluster: string;
    arn: string;
    waiters: Waiter[];
    addedAt: number;
    polls: number;
    nextDueAt: number;
    lastSeenAt: number | undefined;
    lastTask: Task | undefined;
}

interface ClusterState {
    failures: number;
    notBefore: number;
}

const DEFAULT_MISSING_GRACE_MS = 60_000;
const DEFAULT_ERROR_TOLERANCE_MS = 600_000;

/** Batches the watching of every task of the process; see the module comment. */
export class TaskWatcher implements TaskWaiter {
    /** DescribeTasks calls made. */
    describeCalls: number;
    /** Calls that failed. */
    failedCalls: number;
    /** Rounds (loop iterations that made at least one call). */
    rounds: number;

    private readonly deps: TaskWatcherDeps;
    private entries: Record<string, Entry>;
    private clusters: Record<string, ClusterState>;
    private running: boolean;
    private wakeUp: AbortController | undefined;

    // Every field is set here, not by an initializer: closure serialization keeps the constructor
    // body only (see provider/run/waiting.ts, SERIALIZATION).
    constructor(deps: TaskWatcherDeps) {
        this.deps = deps;
        this.describeCalls = 0;
        this.failedCalls = 0;
        this.rounds = 0;
        this.entries = {};
        this.clusters = {};
        this.running = false;
        this.wakeUp = undefined;
    }

    /** How many tasks are watched now. */
    watchedTasks(): number {
        return Object.keys(this.entries).length;
    }

    /** Whether the polling loop is running (false once nothing is watched). */
    isRunning(): boolean {
        return this.running;
    }

    /** See {@link TaskWaiter.waitFor}. */
    waitFor(cluster: string, taskArn: string, until: (task: Task) => boolean, opts: WaitOptions): Promise<Task> {
        const clock = this.deps.clock;
        const now = clock.now();
        const clusterKey = clusterKeyOf(cluster, taskArn);
        const key = `${clusterKey}\u0000${taskIdOf(taskArn)}`;
        return new Promise<Task>((resolve, reject) => {
            if (opts.signal?.aborted) return reject(watchCancelledError(taskArn));
            const waiter: Waiter = {
                until,
                opts,
                startedAt: now,
                deadline: opts.timeoutMs !== undefined ? now + opts.timeoutMs : undefined,
                signature: undefined,
                errorSince: undefined,
                settled: false,
                resolve,
                reject,
                detach: () => undefined,
            };
            if (opts.signal) {
                const onAbort = (): void => this.settle(key, waiter, watchCancelledError(taskArn));
                opts.signal.addEventListener("abort", onAbort, { once: true });
                waiter.detach = () => opts.signal?.removeEventListener("abort", onAbort);
            }
            let entry = this.entries[key];
            if (!entry) {
                entry = {
                    clusterKey,
                    cluster,
                    arn: taskArn,
                    waiters: [],
                    addedAt: now,
                    polls: 0,
                    nextDueAt: now,
                    lastSeenAt: undefined,
                    lastTask: undefined,
                };
                entry.nextDueAt = now + this.delayAfter(entry, opts.pollIntervalMs);
                this.entries[key] = entry;
            } else {
                entry.nextDueAt = Math.min(
                    entry.nextDueAt,
                    now + Math.min(this.fastPolls()[0] ?? opts.pollIntervalMs, opts.pollIntervalMs),
                );
            }
            entry.waiters.push(waiter);
            this.start();
        });
    }

    /** Wait until the task is RUNNING or later (see {@link hasLeftStartup}). */
    waitForStart(cluster: string, taskArn: string, opts: WaitOptions): Promise<Task> {
        return this.waitFor(cluster, taskArn, hasLeftStartup, opts);
    }

    /** Wait until the task is STOPPED. */
    waitForStop(cluster: string, taskArn: string, opts: WaitOptions): Promise<Task> {
        return this.waitFor(cluster, taskArn, isStopped, opts);
    }

    private fastPolls(): number[] {
        return this.deps.fastPollsMs ?? [250, 500, 1000];
    }

    /** The delay before the next look at `entry`, after `entry.polls` looks. */
    private delayAfter(entry: Entry, extraIntervalMs?: number): number {
        let interval = extraIntervalMs ?? Number.POSITIVE_INFINITY;
        for (const w of entry.waiters) interval = Math.min(interval, w.opts.pollIntervalMs);
        if (!Number.isFinite(interval)) interval = 5000;
        const fast = this.fastPolls()[entry.polls];
        return Math.max(1, fast !== undefined ? Math.min(fast, interval) : interval);
    }

    private start(): void {
        if (this.running) {
            this.wakeUp?.abort();
            return;
        }
        this.running = true;
        void this.loop();
    }

    private async loop(): Promise<void> {
        const clock = this.deps.clock;
        try {
            while (Object.keys(this.entries).length > 0) {
                const now = clock.now();
                this.expire(now);
                if (Object.keys(this.entries).length === 0) break;
                const calls = this.dueCalls(now);
                if (calls.length > 0) {
                    this.rounds++;
                    await Promise.all(calls.map((c) => this.call(c.clusterKey, c.cluster, c.arns)));
                    continue;
                }
                const wakeAt = this.nextWakeAt(now);
                this.wakeUp = new AbortController();
                await clock.sleep(Math.max(1, wakeAt - now), this.wakeUp.signal);
                this.wakeUp = undefined;
            }
        } catch (err) {
            // A defect, not an AWS error: fail every waiter rather than leave them hanging.
            for (const key of Object.keys(this.entries)) {
                for (const w of [...this.entries[key].waiters]) this.settle(key, w, err);
            }
        } finally {
            this.running = false;
            this.wakeUp = undefined;
        }
    }

    /** Fails the waiters whose deadline has passed. */
    private expire(now: number): void {
        for (const key of Object.keys(this.entries)) {
            const entry = this.entries[key];
            for (const w of [...entry.waiters]) {
                if (w.deadline !== undefined && now >= w.deadline) {
                    this.settle(key, w, watchTimeoutError(entry.cluster, entry.arn, now - w.startedAt, entry.lastTask));
                }
            }
        }
    }

    /** The calls of this round: per cluster whose backoff and gap allow it, the due tasks in
     * batches, the last batch filled up with the tasks due soonest. */
    private dueCalls(now: number): { clusterKey: string; cluster: string; arns: string[] }[] {
        const size = this.deps.batchSize ?? 100;
        const byClusterKey: Record<string, Entry[]> = {};
        for (const key of Object.keys(this.entries)) {
            const e = this.entries[key];
            (byClusterKey[e.clusterKey] ??= []).push(e);
        }
        const calls: { clusterKey: string; cluster: string; arns: string[] }[] = [];
        for (const clusterKey of Object.keys(byClusterKey)) {
            const state = this.clusters[clusterKey];
            if (state && now < state.notBefore) continue;
            const entries = byClusterKey[clusterKey].sort((a, b) => a.nextDueAt - b.nextDueAt);
            const due = entries.filter((e) => e.nextDueAt <= now).length;
            if (due === 0) continue;
            const describedNow = Math.min(entries.length, Math.ceil(due / size) * size);
            for (let i = 0; i < describedNow; i += size) {
                calls.push({
                    clusterKey,
                    cluster: entries[i].cluster,
                    arns: entries.slice(i, Math.min(i + size, describedNow)).map((e) => e.arn),
                });
            }
            this.clusters[clusterKey] = { failures: state?.failures ?? 0, notBefore: now + (this.deps.minRoundGapMs ?? 200) };
        }
        return calls;
    }

    private nextWakeAt(now: number): number {
        let at = Number.POSITIVE_INFINITY;
        for (const key of Object.keys(this.entries)) {
            const e = this.entries[key];
            const state = this.clusters[e.clusterKey];
            at = Math.min(at, Math.max(e.nextDueAt, state?.notBefore ?? 0));
            for (const w of e.waiters) if (w.deadline !== undefined) at = Math.min(at, w.deadline);
        }
        return Number.isFinite(at) ? at : now + 1000;
    }

    private async call(clusterKey: string, cluster: string, arns: string[]): Promise<void> {
        this.describeCalls++;
        let answer: { tasks: Task[]; failures: Failure[] };
        try {
            answer = await this.deps.describeTasks(cluster, arns);
        } catch (err) {
            this.failedCalls++;
            this.callFailed(clusterKey, cluster, arns, err);
            return;
        }
        const state = this.clusters[clusterKey];
        if (state) state.failures = 0;
        const now = this.deps.clock.now();
        const tasks: Record<string, Task> = {};
        for (const t of answer.tasks) if (t.taskArn) tasks[taskIdOf(t.taskArn)] = t;
        const failures: Record<string, Failure> = {};
        for (const f of answer.failures) if (f.arn) failures[taskIdOf(f.arn)] = f;
        for (const arn of arns) {
            const key = `${clusterKey}\u0000${taskIdOf(arn)}`;
            const entry = this.entries[key];
            if (!entry) continue;
            entry.polls++;
            entry.nextDueAt = now + this.delayAfter(entry);
            const task = tasks[taskIdOf(arn)];
            if (task) this.onDescribed(key, entry, task, now);
            else this.onNotDescribed(key, entry, failures[taskIdOf(arn)], now);
        }
    }

    private onDescribed(key: string, entry: Entry, task: Task, now: number): void {
        entry.lastSeenAt = now;
        entry.lastTask = task;
        for (const w of [...entry.waiters]) {
            w.errorSince = undefined;
            const sig = taskSignature(task);
            if (sig !== w.signature) {
                w.signature = sig;
                try {
                    w.opts.onTask?.(task);
                } catch {
                    // A faulty observer must not stop the watching.
                }
            }
            let done: boolean;
            try {
                done = w.until(task);
            } catch (err) {
                this.settle(key, w, err);
                continue;
            }
            if (done) this.settle(key, w, undefined, task);
        }
    }

    private onNotDescribed(key: string, entry: Entry, failure: Failure | undefined, now: number): void {
        for (const w of [...entry.waiters]) {
            w.errorSince = undefined;
            const since = Math.max(entry.lastSeenAt ?? entry.addedAt, w.startedAt);
            const grace = w.opts.missingGraceMs ?? DEFAULT_MISSING_GRACE_MS;
            if (now - since >= grace) {
                const reason = failure
                    ? `${failure.reason ?? "unknown"}${failure.detail ? `: ${failure.detail}` : ""}`
                    : "not in the answer";
                this.settle(key, w, taskMissingError(entry.cluster, entry.arn, reason, now - since));
            }
        }
    }

    private callFailed(clusterKey: string, cluster: string, arns: string[], err: unknown): void {
        const now = this.deps.clock.now();
        const fatal = (this.deps.isFatal ?? isFatalError)(err);
        const wholeCluster = errorCode(err) === "ClusterNotFoundException";
        const keys = wholeCluster
            ? Object.keys(this.entries).filter((k) => this.entries[k].clusterKey === clusterKey)
            : arns.map((a) => `${clusterKey}\u0000${taskIdOf(a)}`);
        const state = (this.clusters[clusterKey] ??= { failures: 0, notBefore: now });
        if (!fatal) {
            state.failures++;
            const delay = backoffDelay(state.failures, this.deps.retryBaseMs ?? 1000, this.deps.retryMaxMs ?? 20_000, () =>
                this.deps.clock.random(),
            );
            state.notBefore = Math.max(state.notBefore, now + Math.max(this.deps.minRoundGapMs ?? 200, delay));
            this.deps.log?.(
                `DescribeTasks for ${arns.length} task(s) in cluster ${cluster} failed (${errorCode(err) ?? "Error"}); ` +
                    `trying again in ${state.notBefore - now} ms (failure ${state.failures} in a row).`,
            );
        }
        for (const key of keys) {
            const entry = this.entries[key];
            if (!entry) continue;
            for (const w of [...entry.waiters]) {
                if (fatal) {
                    this.settle(
                        key,
                        w,
                        watchFailedError(
                            describeAwsError(err, `Watching task ${entry.arn} in cluster ${cluster}`, "ecs:DescribeTasks"),
                            cluster,
                            entry.arn,
                            err,
                        ),
                    );
                    continue;
                }
                w.errorSince ??= now;
                if (now - w.errorSince >= (w.opts.errorToleranceMs ?? DEFAULT_ERROR_TOLERANCE_MS)) {
                    const msg = describeAwsError(
                        err,
                        `Watching task ${entry.arn} in cluster ${cluster} (every call failed for ${Math.round((now - w.errorSince) / 1000)} s)`,
                        "ecs:DescribeTasks",
                    );
                    this.settle(key, w, watchFailedError(msg, cluster, entry.arn, err));
                }
            }
        }
    }

    /** Ends one wait (with the task, or with an error) and forgets the task once nobody waits for it. */
    private settle(key: string, w: Waiter, err: unknown, task?: Task): void {
        if (w.settled) return;
        w.settled = true;
        w.detach();
        const entry = this.entries[key];
        if (entry) {
            entry.waiters = entry.waiters.filter((x) => x !== w);
            if (entry.waiters.length === 0) delete this.entries[key];
        }
        if (task) w.resolve(task);
        else w.reject(err);
        this.wakeUp?.abort();
    }
}

/**
 * The key of the cluster a task is watched in: the cluster ARN as given, or, for a cluster name, the name
 * qualified by the region of the task ARN (two regions can have clusters of the same name).
 */
function clusterKeyOf(cluster: string, taskArn: string): string {
    if (cluster.startsWith("arn:")) return cluster;
    return `${regionOfArn(taskArn) ?? ""}/${cluster}`;
}

const WATCHER_KEY = "__ecsTaskRun.watcher";

/**
 * The process's task watcher, created with `factory` on first use and kept on `globalThis`
 * (under `"__ecsTaskRun.watcher"`) so that every resource the process serves shares it and no
 * module-level state is serialized.
 */
export function getProcessTaskWatcher(factory: () => TaskWatcher): TaskWatcher {
    // In a plain holder, never directly on globalThis: closure serialization takes every property
    // of `global`, and the methods of its prototype, for a well-known global, so a TaskWatcher there
    // would serialize its class as `Object.getPrototypeOf(global[...]).constructor`.
    const g = globalThis as unknown as Record<string, { watcher: TaskWatcher } | undefined>;
    let holder = g[WATCHER_KEY];
    if (!holder) {
        holder = { watcher: factory() };
        g[WATCHER_KEY] = holder;
    }
    return holder.watcher;
}

/** Forgets the process's task watcher (tests). A running loop ends by itself once its waits end. */
export function resetProcessTaskWatcher(): void {
    delete (globalThis as unknown as Record<string, unknown>)[WATCHER_KEY];
}
