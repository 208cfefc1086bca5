/**
 * What the task watcher ({@link TaskWatcher}) and the baseline poller ({@link PerTaskPoller}) share:
 * the waiting interface, its options, its errors and the usual conditions.
 */
import type { Failure, Task } from "@aws-sdk/client-ecs";
import { hasErrorName, namedError } from "../aws/errors";

/** One DescribeTasks call: up to 100 task ARNs of one cluster. */
export type DescribeTasksFn = (cluster: string, arns: string[]) => Promise<{ tasks: Task[]; failures: Failure[] }>;

/** How to wait for one task. */
export interface WaitOptions {
    /** The longest time (ms) between two looks at the task. */
    pollIntervalMs: number;
    /** Give up (with {@link WatchTimeoutError}) after this long (ms). Default: no limit. */
    timeoutMs?: number;
    /** How long (ms) ECS may answer `MISSING` for the task, counted from the start of the wait or
     * from the last time the task was seen: right after RunTask this is eventual consistency, not
     * an error. Default: 60000. */
    missingGraceMs?: number;
    /** How long (ms) every DescribeTasks call for the task may fail with retryable errors
     * (throttling, network) before the wait fails with {@link WatchFailedError}. Default: 600000. */
    errorToleranceMs?: number;
    /** Called with the task when it is first seen and whenever something relevant changes
     * (status, desired status, stop code or reason, a container's status or exit code). */
    onTask?: (task: Task) => void;
    /** Ends the wait with {@link WatchCancelledError}. */
    signal?: AbortSignal;
}

/** Waits for ECS tasks. */
export interface TaskWaiter {
    /**
     * Resolves with the task once `until(task)` holds. Rejects with a {@link WatchTimeoutError} at
     * `opts.timeoutMs`, {@link TaskMissingError} when ECS does not know the task after the grace,
     * {@link WatchFailedError} on a fatal error for the cluster (e.g. `ClusterNotFoundException`,
     * access denied) or when calls kept failing for `opts.errorToleranceMs`.
     *
     * @param cluster - the cluster's ARN (best: it carries the region) or name.
     */
    waitFor(cluster: string, taskArn: string, until: (task: Task) => boolean, opts: WaitOptions): Promise<Task>;
    /** DescribeTasks calls made so far. */
    readonly describeCalls: number;
    /** Polling rounds so far (one round may make several calls). */
    readonly rounds: number;
}

/** The statuses a task has once it is past startup (ecs-facts.md: the lifecycle order). */
const PAST_STARTUP = ["RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"];

/** Whether the task reached RUNNING, or went beyond it (a short task may pass RUNNING between two polls). */
export function hasLeftStartup(task: Task): boolean {
    return PAST_STARTUP.includes(task.lastStatus ?? "");
}

/** Whether the task is STOPPED. */
export function isStopped(task: Task): boolean {
    return task.lastStatus === "STOPPED";
}

/** Wait until the task is RUNNING or later (STOPPED included), typically within a start timeout. */
export function waitForStart(w: TaskWaiter, cluster: string, taskArn: string, opts: WaitOptions): Promise<Task> {
    return w.waitFor(cluster, taskArn, hasLeftStartup, opts);
}

/** Wait until the task is STOPPED. */
export function waitForStop(w: TaskWaiter, cluster: string, taskArn: string, opts: WaitOptions): Promise<Task> {
    return w.waitFor(cluster, taskArn, isStopped, opts);
}

/* Errors are real `Error`s made by functions and recognized by `name` (see `namedError` in
 * aws/errors.ts for why not classes: closure serialization breaks `extends Error`). */

/** The wait's timeout passed. `lastTask` is the last description seen, if any. */
export interface WatchTimeoutError extends Error {
    name: "WatchTimeoutError";
    cluster: string;
    taskArn: string;
    waitedMs: number;
    lastTask: Task | undefined;
}

/** Makes a {@link WatchTimeoutError}. */
export function watchTimeoutError(cluster: string, taskArn: string, waitedMs: number, lastTask: Task | undefined): WatchTimeoutError {
    const message =
        `Timed out after ${Math.round(waitedMs / 1000)} s waiting for task ${taskArn}` +
        (lastTask ? ` (last status ${lastTask.lastStatus ?? "unknown"})` : " (it was never described)");
    return namedError("WatchTimeoutError", message, { cluster, taskArn, waitedMs, lastTask }) as WatchTimeoutError;
}

/** ECS kept answering that it does not know the task after the grace period. */
export interface TaskMissingError extends Error {
    name: "TaskMissingError";
    cluster: string;
    taskArn: string;
    reason: string;
    missingForMs: number;
}

/** Makes a {@link TaskMissingError}. */
export function taskMissingError(cluster: string, taskArn: string, reason: string, missingForMs: number): TaskMissingError {
    const message =
        `ECS does not know task ${taskArn} in cluster ${cluster} (${reason}) after ${Math.round(missingForMs / 1000)} s: ` +
        "check that the cluster and region are the task's.";
    return namedError("TaskMissingError", message, { cluster, taskArn, reason, missingForMs }) as TaskMissingError;
}

/** Watching failed: a fatal error for the cluster, or retryable errors for too long. `cause` is the AWS error. */
export interface WatchFailedError extends Error {
    name: "WatchFailedError";
    cluster: string;
    taskArn: string;
    cause: unknown;
}

/** Makes a {@link WatchFailedError}. */
export function watchFailedError(message: string, cluster: string, taskArn: string, cause: unknown): WatchFailedError {
    return namedError("WatchFailedError", message, { cluster, taskArn }, cause) as WatchFailedError;
}

/** The wait was cancelled through its signal. */
export interface WatchCancelledError extends Error {
    name: "WatchCancelledError";
    taskArn: string;
}

/** Makes a {@link WatchCancelledError}. */
export function watchCancelledError(taskArn: string): WatchCancelledError {
    return namedError("WatchCancelledError", `Stopped waiting for task ${taskArn}: cancelled`, { taskArn }) as WatchCancelledError;
}

/** Whether `err` is a {@link WatchTimeoutError}. */
export function isWatchTimeoutError(err: unknown): err is WatchTimeoutError {
    return hasErrorName(err, "WatchTimeoutError");
}

/** Whether `err` is a {@link TaskMissingError}. Exported only for the tests. @internal */
export function isTaskMissingError(err: unknown): err is TaskMissingError {
    return hasErrorName(err, "TaskMissingError");
}

/** Whether `err` is a {@link WatchFailedError}. Exported only for the tests. @internal */
export function isWatchFailedError(err: unknown): err is WatchFailedError {
    return hasErrorName(err, "WatchFailedError");
}

/** Whether `err` is a {@link WatchCancelledError}. Exported only for the tests. @internal */
export function isWatchCancelledError(err: unknown): err is WatchCancelledError {
    return hasErrorName(err, "WatchCancelledError");
}

/** What of a task matters to a waiter: a change of it wakes `onTask`. */
export function taskSignature(task: Task): string {
    return JSON.stringify([
        task.lastStatus,
        task.desiredStatus,
        task.stopCode,
        task.stoppedReason,
        task.healthStatus,
        task.executionStoppedAt !== undefined,
        (task.containers ?? []).map((c) => [c.name, c.lastStatus, c.exitCode, c.reason]),
    ]);
}

/** The task ID: the last segment of an ARN (`.../task/cluster/ID`, or old `.../task/ID`), or the ID itself. */
export function taskIdOf(arnOrId: string): string {
    return arnOrId.slice(arnOrId.lastIndexOf("/") + 1);
}
