/**
 * The attempts of a run (`retryStrategy`): each attempt is a new task (a fresh `clientToken`, the
 * same definition and request, one more attempt mark); a stopped attempt the strategy judges
 * retryable is followed, after the backoff, by the next, until one succeeds, one is judged final,
 * or `attempts` is reached. The decisions are pure (`plan/retryStrategy.ts`); this file runs them.
 */
import type { Task } from "@aws-sdk/client-ecs";
import type { AttemptRecord, TaskRunResult } from "../types";
import { isoDate } from "../aws/ecs";
import { backoffMs, judgeAttempt, type AttemptEnd, type ResolvedRetryStrategy } from "../plan/retryStrategy";
import { isStopped, taskIdOf } from "../run/waiting";
import type { RunPorts } from "./runPorts";
import { containerOf } from "./taskStatus";

/** One attempt, as the code that runs it sees it. */
export interface Attempt {
    /** Its number, from 1. Set from the task's attempt mark when the attempt attaches to a task
     * still running from an interrupted `pulumi up`. */
    number: number;
    /** The most attempts the strategy allows. */
    max: number;
    /** Whether this attempt may attach to a task still running from an interrupted `pulumi up`:
     * only the first attempt of a `pulumi up` (a later one follows an attempt that stopped). */
    mayAttach: boolean;
    /** The ports of the attempt: the run's, with each description of a task the attempt waits for
     * kept in {@link Attempt.task}. */
    ports: RunPorts;
    /** The last description of the attempt's task. */
    task?: Task;
    /** Writes a status line of the attempt (numbered when the strategy allows several). */
    printStatus(line: string): void;
    /** Relays a line of the container's log (prefixed with `[attempt N] ` when the strategy allows several). */
    relay(line: string): void;
}

/** A run's result without its attempts (what one attempt produces). */
export type AttemptResult = Omit<TaskRunResult, "attempts">;

/**
 * Runs `runOne` for attempt 1, 2... as the strategy says. `runOne` runs one task to its end and
 * returns its result, or throws (a `RunFailedError` for a task that failed). An attempt is judged
 * when its task was seen STOPPED and it failed (an error, or a non-zero or missing exit code even
 * when `failOnNonZeroExit` is false); errors of the run itself (RunTask refused, a start timeout,
 * a failed watch) are never retried. The result lists every attempt; a failure's message lists
 * them when the strategy allows more than one.
 */
export async function runAttempts(
    strategy: ResolvedRetryStrategy,
    containerName: string,
    ports: RunPorts,
    printStatus: (line: string) => void,
    runOne: (attempt: Attempt) => Promise<AttemptResult>,
): Promise<TaskRunResult> {
    const max = strategy.attempts;
    const records: AttemptRecord[] = [];
    for (let number = 1, mayAttach = true; ; mayAttach = false) {
        const attempt = newAttempt(number, max, mayAttach, ports, printStatus);
        let outcome: AttemptResult | undefined;
        let failure: unknown;
        try {
            outcome = await runOne(attempt);
        } catch (err) {
            failure = err;
        }
        if (attempt.task) records.push(recordOf(attempt.number, attempt.task, containerName));
        const stopped = attempt.task !== undefined && isStopped(attempt.task);
        const failed = failure !== undefined ? isRunFailure(failure) : outcome !== undefined && stopped && outcome.exitCode !== 0;
        if (failed && stopped && attempt.task) {
            const verdict = judgeAttempt(strategy, endOf(attempt.task, containerName));
            const id = taskIdOf(attempt.task.taskArn ?? "");
            if (verdict.action === "RETRY" && attempt.number < max) {
                const wait = backoffMs(strategy, attempt.number + 1);
                printStatus(
                    `Attempt ${attempt.number} of ${max} (task ${id}) failed; ${verdict.why}: attempt ${attempt.number + 1} in ${wait / 1000}s.`,
                );
                await ports.clock.sleep(wait);
                number = attempt.number + 1;
                continue;
            }
            if (max > 1) {
                const why =
                    verdict.action === "RETRY" ? `no attempt is left (retryStrategy.attempts ${max})` : `not retried: ${verdict.why}`;
                printStatus(`Attempt ${attempt.number} of ${max} (task ${id}) failed; ${why}.`);
            }
        }
        if (failure !== undefined) throw withAttempts(failure, records, max);
        return { ...(outcome as AttemptResult), attempts: records };
    }
}

/** Only a failure of the task (a `RunFailedError`) can be judged; other errors are the run's. */
function isRunFailure(err: unknown): boolean {
    return err instanceof Error && err.name === "RunFailedError";
}

function newAttempt(number: number, max: number, mayAttach: boolean, ports: RunPorts, printStatus: (line: string) => void): Attempt {
    const several = max > 1;
    const attempt: Attempt = {
        number,
        max,
        mayAttach,
        ports: {
            ...ports,
            waitForTask: async (cluster, taskArn, until, opts) => {
                const seen = (task: Task): void => {
                    attempt.task = task;
                };
                const task = await ports.waitForTask(cluster, taskArn, until, {
                    ...opts,
                    onTask: (t) => {
                        seen(t);
                        opts.onTask?.(t);
                    },
                });
                seen(task);
                return task;
            },
        },
        printStatus: several ? (line) => printStatus(`Attempt ${attempt.number}/${max}: ${line}`) : printStatus,
        relay: several ? (line) => ports.log(`[attempt ${attempt.number}] ${line}`) : (line) => ports.log(line),
    };
    return attempt;
}

/** How a stopped task ended, as the strategy's rules see it. */
export function endOf(task: Task, containerName: string): AttemptEnd {
    const containers = task.containers ?? [];
    const reasons = containers.map((c) => c.reason).filter((r): r is string => typeof r === "string" && r !== "");
    const own = containerOf(task, containerName);
    return {
        stopCode: task.stopCode ?? null,
        stoppedReason: task.stoppedReason ?? null,
        containerReason: own?.reason || reasons[0] || null,
        containerReasons: reasons,
        exitCode: own?.exitCode ?? null,
    };
}

/** The record of an attempt from the last description of its task. */
export function recordOf(attempt: number, task: Task, containerName: string): AttemptRecord {
    return {
        attempt,
        taskArn: task.taskArn ?? "",
        stopCode: task.stopCode ?? null,
        stoppedReason: task.stoppedReason ?? null,
        exitCode: containerOf(task, containerName)?.exitCode ?? null,
        startedAt: isoDate(task.startedAt),
        stoppedAt: isoDate(task.stoppedAt),
    };
}

/** The attempts of a state with the record of `task` (the last attempt's, described again by
 * `pulumi refresh`) brought up to date. */
export function refreshAttempts(records: AttemptRecord[], task: Task, containerName: string): AttemptRecord[] {
    return records.map((r) => (r.taskArn === task.taskArn ? recordOf(r.attempt, task, containerName) : r));
}

/** One line per attempt, for a failure's message. */
export function describeAttempts(records: AttemptRecord[]): string {
    return records
        .map((r) => {
            const parts = [
                r.stopCode ? `stop code ${r.stopCode}` : "not stopped",
                r.stoppedReason ? `reason "${r.stoppedReason}"` : undefined,
            ];
            parts.push(r.exitCode === null ? "no exit code" : `exit code ${r.exitCode}`);
            return `  ${r.attempt}. task ${r.taskArn}: ${parts.filter((p) => p !== undefined).join("; ")}`;
        })
        .join("\n");
}

/** The failure, its message followed by the list of attempts when the strategy allows several. */
function withAttempts(failure: unknown, records: AttemptRecord[], max: number): unknown {
    if (max <= 1 || records.length === 0 || !(failure instanceof Error)) return failure;
    failure.message += `\nAttempts (${records.length} of at most ${max}):\n${describeAttempts(records)}`;
    return failure;
}
