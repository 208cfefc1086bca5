/**
 * The reference's way of watching (prefect_aws `_watch_task_run`): each wait polls its own task
 * with one DescribeTasks call per interval, looking first at once. Used ONLY as the benchmark's
 * baseline against {@link TaskWatcher}; the provider does not use it.
 *
 * Like the reference, a task that is not described is waited for (within the missing grace here)
 * and a failed call fails the wait (the SDK's own retries aside).
 */
import type { Task } from "@aws-sdk/client-ecs";
import type { Clock } from "../aws/retry";
import {
    type DescribeTasksFn,
    taskMissingError,
    taskIdOf,
    taskSignature,
    type TaskWaiter,
    type WaitOptions,
    watchCancelledError,
    watchFailedError,
    watchTimeoutError,
} from "./waiting";

/** One DescribeTasks per task per interval; see the module comment. */
export class PerTaskPoller implements TaskWaiter {
    /** DescribeTasks calls made. */
    describeCalls: number;
    /** Polls made (one call each). */
    rounds: number;
    private readonly deps: { describeTasks: DescribeTasksFn; clock: Clock };

    // Fields set here, not by initializers (closure serialization; see waiting.ts, SERIALIZATION).
    constructor(deps: { describeTasks: DescribeTasksFn; clock: Clock }) {
        this.deps = deps;
        this.describeCalls = 0;
        this.rounds = 0;
    }

    /** See {@link TaskWaiter.waitFor}. */
    async waitFor(cluster: string, taskArn: string, until: (task: Task) => boolean, opts: WaitOptions): Promise<Task> {
        const clock = this.deps.clock;
        const start = clock.now();
        let lastSeenAt = start;
        let lastTask: Task | undefined;
        let signature: string | undefined;
        for (;;) {
            if (opts.signal?.aborted) throw watchCancelledError(taskArn);
            this.describeCalls++;
            this.rounds++;
            let answer;
            try {
                answer = await this.deps.describeTasks(cluster, [taskArn]);
            } catch (err) {
                throw watchFailedError(`DescribeTasks failed for task ${taskArn}: ${String(err)}`, cluster, taskArn, err);
            }
            const now = clock.now();
            const task = answer.tasks.find((t) => t.taskArn && taskIdOf(t.taskArn) === taskIdOf(taskArn));
            if (task) {
                lastTask = task;
                lastSeenAt = now;
                const sig = taskSignature(task);
                if (sig !== signature) {
                    signature = sig;
                    opts.onTask?.(task);
                }
                if (until(task)) return task;
            } else if (now - lastSeenAt >= (opts.missingGraceMs ?? 60_000)) {
                const f = answer.failures[0];
                throw taskMissingError(cluster, taskArn, f?.reason ?? "not in the answer", now - lastSeenAt);
            }
            if (opts.timeoutMs !== undefined && now - start >= opts.timeoutMs) {
                throw watchTimeoutError(cluster, taskArn, now - start, lastTask);
            }
            await clock.sleep(opts.pollIntervalMs, opts.signal);
        }
    }
}
