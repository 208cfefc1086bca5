/**
 * One `EcsTaskRun` create, driven the way `pulumi up` drives it (provider/provider.ts `create`):
 * inputs through `checkInputs`, ports from `makeAwsPorts(inputs)`, then `createRun(inputs, ports)`.
 * The baseline differs in one port only: `waitForTask` comes from `makeAwsRunServices` with a
 * {@link PerTaskPoller} injected as its `watcher` (the reference's per-task polling).
 */
import { checkInputs } from "../provider/lifecycle/checkInputs";
import { createRun } from "../provider/lifecycle/createRun";
import { makeAwsPorts } from "../provider/lifecycle/runPortsOnAws";
import type { RunPorts } from "../provider/lifecycle/runPorts";
import { makeAwsRunServices } from "../provider/run/awsRunServices";
import { describeTasksInTaskRegion, getAwsTaskWatcher } from "../provider/run/processTaskWatcher";
import { PerTaskPoller } from "../provider/run/perTaskPoller";
import { resetRegistrationMemory } from "../provider/run/registration";
import { resetProcessTaskWatcher } from "../provider/run/taskWatcher";
import type { TaskWaiter } from "../provider/run/waiting";
import { realClock } from "../provider/aws/retry";
import { taskDefinitionsEqual } from "../provider/plan/equality";
import type { CheckedInputs, TaskRunInputs, TaskRunSpec } from "../provider/types";

/** How tasks are watched: the provider's process watcher, or the reference's per-task polling. */
export type WatchMode = "batched" | "per-task";

/** The outcome of one run. */
export interface RunRecord {
    name: string;
    ok: boolean;
    error?: string;
    /** Epoch ms: createRun called / resolved (or rejected). */
    calledAt: number;
    doneAt: number;
    /** Epoch ms from the run's result (the emulator's task times, as DescribeTasks reports them). */
    startedAt?: number;
    stoppedAt?: number;
    exitCode?: number | null;
    taskArn?: string;
    logTailLast?: string;
}

/** Forgets the process's shared state (registration memory, task watcher) between scenarios. */
export function resetProcessState(): void {
    resetRegistrationMemory();
    resetProcessTaskWatcher();
}

/** The inputs of one run: the user's spec plus the resource context Pulumi adds. */
export function benchInputs(name: string, spec: TaskRunSpec): TaskRunInputs {
    return { ...spec, __context: { project: "bench", stack: "bench", name } };
}

/** `check`, as the engine calls it before `create`. */
export async function checked(inputs: TaskRunInputs): Promise<CheckedInputs> {
    const out = await checkInputs(inputs);
    if (out.failures && out.failures.length > 0) {
        throw new Error(
            `checkInputs refused ${inputs.__context.name}: ${out.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
        );
    }
    return out.inputs as CheckedInputs;
}

/** A per-task poller on the same DescribeTasks binding as the process watcher. */
export function newPerTaskPoller(): PerTaskPoller {
    return new PerTaskPoller({ describeTasks: describeTasksInTaskRegion(), clock: realClock() });
}

/** The ports of a run: production's, with `waitForTask` bound to `watcher` when one is given. */
export async function portsFor(inputs: CheckedInputs, watcher?: TaskWaiter): Promise<RunPorts> {
    const ports = await makeAwsPorts(inputs);
    if (!watcher) return ports;
    const services = makeAwsRunServices({ region: ports.region, equal: taskDefinitionsEqual, watcher });
    return { ...ports, waitForTask: services.waitForTask };
}

/** One create: ports, then createRun; never throws (a failure is recorded). */
export async function runOne(inputs: CheckedInputs, watcher?: TaskWaiter): Promise<RunRecord> {
    const name = inputs.__context.name;
    const calledAt = Date.now();
    try {
        const ports = await portsFor(inputs, watcher);
        const result = await createRun(inputs, ports);
        const doneAt = Date.now();
        return {
            name,
            ok: true,
            calledAt,
            doneAt,
            startedAt: result.startedAt ? Date.parse(result.startedAt) : undefined,
            stoppedAt: result.stoppedAt ? Date.parse(result.stoppedAt) : undefined,
            exitCode: result.exitCode,
            taskArn: result.taskArn,
            logTailLast: result.logTail.at(-1),
        };
    } catch (err) {
        return { name, ok: false, error: err instanceof Error ? err.message : String(err), calledAt, doneAt: Date.now() };
    }
}

/** The process watcher's counters (the instance `makeAwsPorts` uses). */
export function processWatcherCounters(): { describeCalls: number; rounds: number; failedCalls: number } {
    const w = getAwsTaskWatcher();
    return { describeCalls: w.describeCalls, rounds: w.rounds, failedCalls: w.failedCalls };
}
