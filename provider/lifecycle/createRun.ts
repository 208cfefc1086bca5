import type { Task } from "@aws-sdk/client-ecs";
import type { CheckedInputs, PlannedRun, TaskDefinition, TaskRunResult } from "../types";
import { resolveSettings, type RunSettings } from "../plan/settings";
import { planRun } from "../plan/planRun";
import { needsNetworkConfiguration, vpcLookup } from "../plan/network";
import { INPUTS_HASH_TAG } from "../plan/constants";
import { RECORDED_TASK_TAG, type UseIdentity } from "../plan/ownership";
import { sweepInBackground } from "./sweep";
import { errorCode, errorMessage } from "../aws/errors";
import { backoffDelay } from "../aws/retry";
import type { RunPorts, LogReader } from "./runPorts";
import { trackTask, untrackTask, stopReason } from "./activeTasks";
import { adviceForRunFailure, containerOf, describeStop, failedToStart, isRetryableRunFailure } from "./taskStatus";
import { hasLeftStartup, isStopped, isWatchTimeoutError, taskIdOf } from "../run/waiting";
import { isoDate } from "../aws/ecs";
import { attemptOfTags, attemptRequest } from "../plan/retryStrategy";
import { runAttempts, type Attempt, type AttemptResult } from "./attempts";
import { containerStatuses, describeContainer, failedEssentialSidecars, stoppedWithTask } from "./containers";
import { runTaskErrorAdvice, startFailureAdvice } from "./advice";

/** The last log lines quoted in a failure message. */
const FAILURE_TAIL_LINES = 20;

/** A run's failure: the message says what happened and what to do. */
export interface RunFailedError extends Error {
    name: "RunFailedError";
}

/** Makes a {@link RunFailedError}. A function, not a class: a serialized subclass of Error loses its message. */
export function runFailed(message: string): RunFailedError {
    const err = new Error(message) as RunFailedError;
    err.name = "RunFailedError";
    return err;
}

/** True for errors made by {@link runFailed}. */
export function isRunFailed(err: unknown): err is RunFailedError {
    return err instanceof Error && err.name === "RunFailedError";
}

/** Where the container's awslogs output goes, when it can be read. */
export interface LogLocation {
    group: string;
    stream: string;
}

/**
 * `pulumi up` for one `EcsTaskRun`: prepare the task definition, register it (or reuse an equal
 * one), attach to a task of this resource still running from an interrupted run or run a new one,
 * wait for it to start and to stop while streaming its logs, and record the result. A task that
 * fails to start, times out or exits non-zero fails the run with a message a person can act on;
 * nothing this run started is left running when it fails.
 */
export async function createRun(inputs: CheckedInputs, ports: RunPorts): Promise<TaskRunResult> {
    const settings = resolveSettings(inputs);
    const name = inputs.__context.name;
    const printStatus = (line: string): void => ports.log(`[${name}] ${line}`);

    // 1. The task definition: described (when given by ARN), prepared, registered or reused.
    let base: TaskDefinition | undefined;
    if (inputs.taskDefinitionArn) {
        const described = await ports.describeTaskDefinition(inputs.taskDefinitionArn);
        if (!described) {
            throw runFailed(
                `\`taskDefinitionArn\` ${inputs.taskDefinitionArn} was not found in ${ports.region}: check the ARN or family and the region.`,
            );
        }
        base = described;
    }
    const draft = planRun(inputs, { region: ports.region, baseTaskDefinition: base });
    checkContainerPresent(draft, inputs);
    let definition: DefinitionUse;
    if (draft.needsRegistration && draft.taskDefinition) {
        printStatus(`Preparing task definition family ${String(draft.taskDefinition.family)}...`);
        const acquired = await ports.acquireTaskDefinition(draft.taskDefinition, useIdentityOf(draft.runTaskRequest), {
            deregisterUnused: settings.autoDeregisterTaskDefinition,
        });
        definition = { taskDefinitionArn: acquired.arn, registered: true, use: acquired.use };
    } else {
        definition = { taskDefinitionArn: String(base?.taskDefinitionArn ?? inputs.taskDefinitionArn), registered: false, use: null };
    }
    // While the run goes on, its use's lease is renewed; meanwhile uses whose lease ran out (runs
    // killed earlier, maybe under another resource or stack name) are swept from the project's families.
    const hold = definition.use ? ports.holdTaskDefinitionUse(definition.taskDefinitionArn, definition.use) : undefined;
    const sweep = sweepInBackground(inputs.__context.project, draft.taskDefinition?.family, settings.autoDeregisterTaskDefinition, ports);

    try {
        // 2. The network, then the one planned request, exactly as it will be sent.
        let subnets: string[] | undefined;
        const lookup = vpcLookup(settings);
        if (needsNetworkConfiguration(draft.taskDefinition, settings) && lookup) {
            subnets = await ports.findSubnets(lookup.vpcId);
        }
        const plan = planRun(inputs, {
            region: ports.region,
            baseTaskDefinition: base,
            taskDefinitionArn: definition.taskDefinitionArn,
            subnets,
        });
        const preparedTaskDefinition = plan.taskDefinition ?? base ?? null;
        const outcome = await runAttempts(settings.retryStrategy, plan.containerName, ports, printStatus, (attempt) =>
            runAndWatch(plan, settings, preparedTaskDefinition, definition, attempt.ports, attempt.printStatus, name, attempt),
        );
        // The create returns: its use of the revision is recorded (no longer an interrupted run's).
        await hold?.stop();
        if (definition.use) await ports.recordTaskDefinitionUse(definition.taskDefinitionArn, definition.use);
        return outcome;
    } catch (err) {
        // The run failed and will not be recorded in state: its use of the revision goes, and the
        // revision with it when no other resource uses it.
        await hold?.stop();
        if (definition.use) {
            const { taskDefinitionArn, use } = definition;
            await ports
                .releaseTaskDefinitionUse(taskDefinitionArn, use, { deregister: settings.autoDeregisterTaskDefinition })
                .catch((cleanup: unknown) =>
                    printStatus(
                        `Could not release task definition ${taskDefinitionArn} (${errorMessage(cleanup)}): the next \`pulumi up\` of this resource removes its use; ` +
                            `or remove the tag ${use} and deregister the revision by hand.`,
                    ),
                );
        }
        throw err;
    } finally {
        await sweep;
    }
}

/** The revision a run uses and this resource's hold on it. */
interface DefinitionUse {
    taskDefinitionArn: string;
    /** Whether the revision is managed by this package (registered or reused under a use tag). */
    registered: boolean;
    /** This create's use tag on the revision; null when the revision is not managed (given by ARN). */
    use: string | null;
}

/** The resource and inputs a run's use tag names: its `startedBy` and inputs hash. */
function useIdentityOf(request: Record<string, unknown>): UseIdentity {
    return { startedBy: String(request.startedBy ?? ""), inputsHash: inputsHashOf(request) ?? "" };
}

/** What one attempt of a run works with. */
interface RunContext {
    plan: PlannedRun;
    settings: RunSettings;
    preparedTaskDefinition: TaskDefinition | null;
    definition: DefinitionUse;
    ports: RunPorts;
    printStatus: (line: string) => void;
    /** The resource's name. */
    name: string;
    attempt: Attempt;
}

/**
 * One attempt of a run, in named steps: get the task (attach or start), wait for it to start,
 * wait for it to stop while streaming its log, read the log's end, and judge the result. One
 * cleanup path: a failure after the task exists stops it (unless the failure is the task's own,
 * which has stopped), and the task is untracked however the attempt ends.
 */
async function runAndWatch(
    plan: PlannedRun,
    settings: RunSettings,
    preparedTaskDefinition: TaskDefinition | null,
    definition: DefinitionUse,
    ports: RunPorts,
    printStatus: (line: string) => void,
    name: string,
    attempt: Attempt,
): Promise<AttemptResult> {
    const run: RunContext = { plan, settings, preparedTaskDefinition, definition, ports, printStatus, name, attempt };
    const { task: begun, sent } = await obtainTask(run);
    const taskArn = begun.taskArn!;
    const clusterArn = begun.clusterArn!;
    trackTask({ cluster: clusterArn, taskArn, resourceName: name, stop: (reason) => ports.stopTask(clusterArn, taskArn, reason) });
    try {
        const logs = logLocation(preparedTaskDefinition, plan.containerName, taskArn);
        const reader = logs
            ? ports.openLogStream(logs.group, logs.stream, settings.streamOutput ? attempt.relay : () => undefined)
            : undefined;
        if (settings.streamOutput && !logs) {
            printStatus(`Output cannot be streamed: container ${plan.containerName} has no awslogs configuration with a stream prefix.`);
        }
        const task = await watchTask(run, begun, reader);
        if (!settings.waitForCompletion) {
            if (reader) await reader.poll().catch(() => undefined);
            // The task runs on after `create` returns: a later attach must not take it.
            await ports.tagTask(taskArn, { [RECORDED_TASK_TAG]: "true" });
            return result(task, definition, preparedTaskDefinition, sent, plan.containerName, logs, reader, ports.region);
        }
        return judgeStoppedTask(run, task, sent, logs, reader);
    } catch (err) {
        if (!isRunFailed(err)) await stopLeftTask(run, clusterArn, taskArn, `the run failed: ${errorMessage(err)}`);
        throw err;
    } finally {
        untrackTask(taskArn);
    }
}

/**
 * Step 1: the task. A task of this resource with the same inputs, still running from an
 * interrupted `pulumi up`, is attached to (first attempt only); one with other inputs that no
 * create returned is stopped; else a new task is started. RunTask errors become advice.
 */
async function obtainTask(run: RunContext): Promise<{ task: Task; sent: Record<string, unknown> }> {
    const { plan, settings, ports, printStatus, name, attempt } = run;
    const request = plan.runTaskRequest;
    try {
        const found = await findRunningTask(request, ports);
        if (attempt.mayAttach) {
            for (const orphan of found.orphans) {
                const outcome = await ports.stopTask(
                    orphan.clusterArn ?? String(request.cluster ?? "default"),
                    orphan.taskArn!,
                    stopReason(name, "an interrupted run of other inputs left it running"),
                );
                if (outcome === "stopped")
                    printStatus(`Stopped task ${orphan.taskArn}, left running by an interrupted run of this resource with other inputs.`);
            }
            if (found.task) {
                attempt.number = attemptOfTags(found.task.tags);
                printStatus(`Attaching to task ${found.task.taskArn}, still ${found.task.lastStatus} from an earlier, interrupted run.`);
                return { task: found.task, sent: request };
            }
        }
        // A later attempt follows one that stopped: it never attaches.
        return await startTask(attemptRequest(request, attempt.number, attempt.max), settings, found.runningArns, ports, printStatus);
    } catch (err) {
        const cluster = typeof request.cluster === "string" ? request.cluster : "default";
        if (errorCode(err) === "ClusterNotFoundException") {
            throw runFailed(
                `Cluster ${cluster} was not found in ${ports.region}: create it, or set \`cluster\` to an existing cluster (name or ARN), and check the region. (${errorMessage(err)})`,
            );
        }
        const advice = runTaskErrorAdvice(errorMessage(err), cluster, settings.launchType);
        if (advice !== null) throw runFailed(`${advice} (${errorMessage(err)})`);
        throw err;
    }
}

/**
 * Steps 2 and 3: waits for the task to start (RUNNING, or a short task seen STOPPED at once)
 * within the start timeout, then, when the run waits for completion, for STOPPED with the log
 * read to its end. The wait for STOPPED is registered together with the wait for RUNNING, so
 * that the process's watcher keeps one schedule for the task (its fast first looks happen once).
 */
async function watchTask(run: RunContext, begun: Task, reader: LogReader | undefined): Promise<Task> {
    const { settings, ports, printStatus } = run;
    const taskArn = begun.taskArn!;
    const clusterArn = begun.clusterArn!;
    let lastStatus = begun.lastStatus;
    let containersStopped: (task: Task) => void = () => undefined;
    const exited = new Promise<Task>((resolve) => (containersStopped = resolve));
    const onTask = (t: Task): void => {
        if (t.executionStoppedAt !== undefined || isStopped(t)) containersStopped(t);
        if (t.lastStatus !== lastStatus) {
            lastStatus = t.lastStatus;
            printStatus(`Task ${taskIdOf(taskArn)} is ${t.lastStatus}.`);
        }
    };
    printStatus(`Waiting for task ${taskIdOf(taskArn)} to start (${settings.taskStartTimeoutSeconds}s at most)...`);
    const pollIntervalMs = settings.taskWatchPollInterval * 1000;
    const stopWatch = new AbortController();
    const stopped = ports.waitForTask(clusterArn, taskArn, isStopped, { pollIntervalMs, onTask, signal: stopWatch.signal });
    stopped.catch(() => undefined); // Awaited below, or abandoned (aborted) when the run ends early.
    try {
        const started = await waitForStart(run, clusterArn, taskArn, pollIntervalMs, onTask);
        if (!settings.waitForCompletion) return started;
        return await followUntilStopped(isStopped(started) ? Promise.resolve(started) : stopped, exited, settings, reader, ports);
    } finally {
        stopWatch.abort();
    }
}

/** Step 2: RUNNING within `taskStartTimeoutSeconds`, else the task is stopped and the run fails;
 * a task that stopped before it started fails with its reasons and advice. */
async function waitForStart(
    run: RunContext,
    clusterArn: string,
    taskArn: string,
    pollIntervalMs: number,
    onTask: (t: Task) => void,
): Promise<Task> {
    const { settings, ports, name, plan, preparedTaskDefinition } = run;
    let task: Task;
    try {
        task = await ports.waitForTask(clusterArn, taskArn, hasLeftStartup, {
            timeoutMs: settings.taskStartTimeoutSeconds * 1000,
            pollIntervalMs,
            onTask,
        });
    } catch (err) {
        // Only a timeout is a timeout: a failed watch goes to the caller's cleanup (which stops the task).
        if (!isWatchTimeoutError(err)) throw err;
        await ports.stopTask(clusterArn, taskArn, stopReason(name, `it did not start within ${settings.taskStartTimeoutSeconds}s`));
        throw runFailed(
            `Task ${taskArn} did not start within \`taskStartTimeoutSeconds\` ${settings.taskStartTimeoutSeconds}; it was stopped. ` +
                `Raise \`taskStartTimeoutSeconds\` if the image is large or capacity is slow. (${errorMessage(err)})`,
        );
    }
    if (failedToStart(task, plan.containerName)) {
        const advice = startFailureAdvice(task, {
            executionRoleArn: settings.executionRoleArn ?? preparedTaskDefinition?.executionRoleArn,
            hasSecrets: (preparedTaskDefinition?.containerDefinitions ?? []).some((c) => Array.isArray(c.secrets) && c.secrets.length > 0),
        });
        throw runFailed(`Task ${taskArn} failed to start: ${describeStop(task)}.${advice === null ? "" : ` ${advice}`}`);
    }
    return task;
}

/** Step 4: the result of a STOPPED task, and the verdict: a failed essential sidecar is named
 * first when it is the cause (the run's container then exited 0, or was stopped with the task
 * because the sidecar exited); else a non-zero or missing exit code fails (`failOnNonZeroExit`). */
function judgeStoppedTask(
    run: RunContext,
    task: Task,
    sent: Record<string, unknown>,
    logs: LogLocation | undefined,
    reader: LogReader | undefined,
): AttemptResult {
    const { settings, plan, definition, preparedTaskDefinition, ports, printStatus } = run;
    const outcome = result(task, definition, preparedTaskDefinition, sent, plan.containerName, logs, reader, ports.region);
    const sidecars = failedEssentialSidecars(task, plan.containerName, preparedTaskDefinition);
    if (settings.failOnNonZeroExit && sidecars.length > 0 && (outcome.exitCode === 0 || stoppedWithTask(outcome.exitCode))) {
        throw runFailed(sidecarFailureMessage(outcome, plan.containerName, sidecars.map(describeContainer), task));
    }
    if (settings.failOnNonZeroExit && outcome.exitCode !== 0) {
        throw runFailed(failureMessage(outcome, plan.containerName, task));
    }
    printStatus(
        `Task ${taskIdOf(task.taskArn ?? "")} stopped; container ${plan.containerName} exited with code ${String(outcome.exitCode)}.`,
    );
    return outcome;
}

/** Stops a task the run leaves behind; a stop that fails is said, with how to stop it by hand. */
async function stopLeftTask(run: RunContext, clusterArn: string, taskArn: string, why: string): Promise<void> {
    await run.ports
        .stopTask(clusterArn, taskArn, stopReason(run.name, why))
        .catch((err: unknown) =>
            run.printStatus(
                `Could not stop task ${taskArn} (${errorMessage(err)}); it may still run: stop it with ` +
                    `\`aws ecs stop-task --cluster ${clusterArn} --task ${taskArn} --region ${run.ports.region}\`.`,
            ),
        );
}

/**
 * Step 3: waits for STOPPED (`stopped`) and reads the log to its end. While the containers run,
 * a streamed run reads the log every poll interval (a second at most). Once they have stopped
 * (`exited`: the task's `executionStoppedAt` is seen, or STOPPED), the live reads end at once (a
 * read still waiting for its turn in the process's log budget is given up) and the drain reads
 * what is left, since the containers stopped, beside the wait for STOPPED: a task with awsvpc
 * networking (every Fargate task) is DEPROVISIONING in between while ECS detaches its network
 * interface, and STOPPED then often finds the log read.
 */
async function followUntilStopped(
    stopped: Promise<Task>,
    exited: Promise<Task>,
    settings: RunSettings,
    reader: LogReader | undefined,
    ports: RunPorts,
): Promise<Task> {
    if (!reader) return stopped;
    const live = new AbortController();
    const streaming = settings.streamOutput ? streamLive(reader, live.signal, settings, ports) : Promise.resolve();
    try {
        const first = await Promise.race([stopped, exited]);
        live.abort();
        await streaming;
        // Logs can arrive after the containers stopped: read until nothing new has come for a while since then.
        const drain = reader.drain({ since: containersStoppedAtMs(first, ports) });
        const task = await stopped;
        await drain;
        return task;
    } finally {
        // A wait for STOPPED that failed leaves a drain begun to end by itself (it never throws).
        live.abort();
        await streaming;
    }
}

/** A streamed run's live reads: one read, then a sleep of the poll interval (a second at most), until `signal`. */
async function streamLive(reader: LogReader, signal: AbortSignal, settings: RunSettings, ports: RunPorts): Promise<void> {
    while (!signal.aborted) {
        await reader.poll(signal).catch(() => undefined); // A failed read is retried next round.
        if (signal.aborted) break;
        await ports.clock.sleep(Math.min(settings.taskWatchPollInterval * 1000, 1000), signal);
    }
}

/**
 * When the task's containers stopped (ms since the epoch), as ECS says, bounded by now: its
 * `executionStoppedAt`, else its `stoppedAt`. The log driver's last lines follow the containers'
 * exit, not STOPPED, which comes after the task's network and resources are released.
 */
function containersStoppedAtMs(task: Task, ports: RunPorts): number {
    for (const at of [task.executionStoppedAt, task.stoppedAt]) {
        const ms = at ? new Date(at).getTime() : NaN;
        if (Number.isFinite(ms)) return Math.min(ms, ports.clock.now());
    }
    return ports.clock.now();
}

/** Starts the task: retries capacity failures with a fresh `clientToken` per attempt, after
 * checking by `startedBy` that the failed attempt did not start a task after all. */
async function startTask(
    request: Record<string, unknown>,
    settings: RunSettings,
    runningBefore: string[],
    ports: RunPorts,
    printStatus: (line: string) => void,
): Promise<{ task: Task; sent: Record<string, unknown> }> {
    const cluster = typeof request.cluster === "string" ? request.cluster : undefined;
    const startedBy = typeof request.startedBy === "string" ? request.startedBy : undefined;
    const deadline = ports.clock.now() + settings.taskStartTimeoutSeconds * 1000;
    const known = new Set(runningBefore);
    printStatus(`Running task in cluster ${cluster ?? "default"}...`);
    for (let attempt = 1; ; attempt++) {
        const sent = { ...request, clientToken: ports.newClientToken() };
        const { tasks, failures } = await ports.runTask(sent);
        if (tasks.length > 0 && tasks[0].taskArn) {
            printStatus(`Started task ${tasks[0].taskArn}.`);
            return { task: tasks[0], sent };
        }
        const reasons =
            failures.map((f) => `${f.reason ?? "unknown"}${f.detail ? ` (${f.detail})` : ""}`).join("; ") ||
            "no task and no failure returned";
        const retryable = failures.length > 0 && failures.every(isRetryableRunFailure);
        if (!retryable) {
            const advice = failures.map((f) => adviceForRunFailure(f.reason ?? "")).join("; ");
            throw runFailed(
                `RunTask started no task in cluster ${cluster ?? "default"}: ${reasons}. What to do: ${advice || "check the request"}.`,
            );
        }
        // AWS's failures are not always reliable: a task may have started anyway.
        if (startedBy) {
            const now = await ports.listTasks({ cluster, startedBy, desiredStatus: "RUNNING" });
            const fresh = now.filter((arn) => !known.has(arn));
            if (fresh.length > 0) {
                const described = await ports.describeTasks(cluster, fresh);
                // Right after RunTask, DescribeTasks may still answer MISSING (eventual consistency):
                // the listed task is ours all the same, so wait until it is described rather than start another.
                const adopted =
                    described.tasks.find((t) => t.taskArn) ??
                    (await ports.waitForTask(cluster ?? "default", fresh[0], () => true, {
                        pollIntervalMs: settings.taskWatchPollInterval * 1000,
                        timeoutMs: Math.max(1000, deadline - ports.clock.now()),
                    }));
                printStatus(`RunTask reported ${reasons}, but started task ${adopted.taskArn}: using it.`);
                return { task: adopted, sent };
            }
        }
        const delay = backoffDelay(attempt, 1000, 20_000, () => ports.clock.random(), 0.5);
        if (ports.clock.now() + delay > deadline) {
            throw runFailed(
                `RunTask found no capacity after ${attempt} attempts within \`taskStartTimeoutSeconds\` ${settings.taskStartTimeoutSeconds}: ${reasons}. ` +
                    `What to do: ${adviceForRunFailure(failures[0]?.reason ?? "")}.`,
            );
        }
        printStatus(`RunTask: ${reasons}; trying again in ${Math.round(delay)} ms (attempt ${attempt + 1}).`);
        await ports.clock.sleep(delay);
    }
}

/** A task of this resource, with the same run-defining inputs, that is still going; and the
 * ARNs of every task of this resource still going (those a new RunTask attempt did not start). */
async function findRunningTask(
    request: Record<string, unknown>,
    ports: RunPorts,
): Promise<{ task?: Task; runningArns: string[]; orphans: Task[] }> {
    const startedBy = typeof request.startedBy === "string" ? request.startedBy : undefined;
    if (!startedBy) return { runningArns: [], orphans: [] };
    const cluster = typeof request.cluster === "string" ? request.cluster : undefined;
    const runningArns = await ports.listTasks({ cluster, startedBy, desiredStatus: "RUNNING" });
    const hash = inputsHashOf(request);
    if (runningArns.length === 0 || !hash) return { runningArns, orphans: [] };
    const { tasks } = await ports.describeTasks(cluster, runningArns);
    // A task a create already returned (a live resource's, printStatus the old half of `--replace`) is never taken.
    const unrecorded = tasks.filter((t) => !isStopped(t) && !(t.tags ?? []).some((tag) => tag.key === RECORDED_TASK_TAG));
    const task = unrecorded.find((t) => (t.tags ?? []).some((tag) => tag.key === INPUTS_HASH_TAG && tag.value === hash));
    // A task of this resource that no create returned, with other inputs: left by an interrupted
    // run of a program that is no more (no state owns it, nothing else would ever stop it).
    const orphans = unrecorded.filter((t) => t !== task && (t.tags ?? []).some((tag) => tag.key === INPUTS_HASH_TAG));
    return { task, runningArns, orphans };
}

function inputsHashOf(request: Record<string, unknown>): string | undefined {
    const tags = Array.isArray(request.tags) ? (request.tags as { key?: string; value?: string }[]) : [];
    return tags.find((t) => t.key === INPUTS_HASH_TAG)?.value;
}

/** The awslogs stream of the container, when its configuration lets us name it. */
export function logLocation(taskDefinition: TaskDefinition | null, containerName: string, taskArn: string): LogLocation | undefined {
    const container = (taskDefinition?.containerDefinitions ?? []).find((c) => c.name === containerName);
    const config = container?.logConfiguration;
    if (!config || config.logDriver !== "awslogs") return undefined;
    const group = config.options?.["awslogs-group"];
    const prefix = config.options?.["awslogs-stream-prefix"];
    if (!group || !prefix) return undefined;
    return { group, stream: `${prefix}/${containerName}/${taskIdOf(taskArn)}` };
}

function result(
    task: Task,
    definition: DefinitionUse,
    preparedTaskDefinition: TaskDefinition | null,
    sent: Record<string, unknown>,
    containerName: string,
    logs: LogLocation | undefined,
    reader: LogReader | undefined,
    region: string,
): AttemptResult {
    const container = containerOf(task, containerName);
    return {
        taskArn: task.taskArn!,
        clusterArn: task.clusterArn!,
        taskDefinitionArn: task.taskDefinitionArn ?? definition.taskDefinitionArn,
        taskDefinitionRegistered: definition.registered,
        taskDefinitionUse: definition.use,
        runRegion: region,
        lastStatus: task.lastStatus ?? "UNKNOWN",
        exitCode: container?.exitCode ?? null,
        stopCode: task.stopCode ?? null,
        stoppedReason: task.stoppedReason ?? null,
        startedAt: isoDate(task.startedAt),
        stoppedAt: isoDate(task.stoppedAt),
        logGroupName: logs?.group ?? null,
        logStreamName: logs?.stream ?? null,
        logTail: reader ? reader.tail() : [],
        containers: containerStatuses(task),
        preparedTaskDefinition,
        runTaskRequest: sent,
    };
}

function failureMessage(outcome: AttemptResult, containerName: string, task: Task): string {
    const code = outcome.exitCode === null ? "no exit code" : `exit code ${outcome.exitCode}`;
    const tail = outcome.logTail.slice(-FAILURE_TAIL_LINES);
    const logs =
        tail.length > 0
            ? `\nLast ${tail.length} log lines of ${outcome.logStreamName}:\n  ${tail.join("\n  ")}`
            : outcome.logStreamName
              ? `\nNo log lines were found in ${outcome.logGroupName}/${outcome.logStreamName}.`
              : "\nNo logs: set `configureCloudwatchLogs` (or `streamOutput`) to see the container's output.";
    return (
        `Task ${outcome.taskArn} failed: container ${containerName} stopped with ${code} (${describeStop(task)}). ` +
        `Fix the command or set \`failOnNonZeroExit\` to false to record the code without failing.${logs}`
    );
}

/** The failure when the run's container succeeded but another essential container did not. */
function sidecarFailureMessage(outcome: AttemptResult, containerName: string, sidecars: string[], task: Task): string {
    const which = sidecars.length === 1 ? `essential container ${sidecars[0]}` : `essential containers ${sidecars.join(", ")}`;
    const run = outcome.exitCode === 0 ? "exited with code 0" : `was stopped with the task (exit code ${String(outcome.exitCode)})`;
    return (
        `Task ${outcome.taskArn} failed: ${which} exited non-zero, while container ${containerName} (the run's) ${run} ` +
        `(${describeStop(task)}). An essential container's failure is the task's: fix it, mark it ` +
        "`essential: false` in the task definition if the run does not depend on it, or set `failOnNonZeroExit` to false to record the codes without failing."
    );
}

/** A task definition given by ARN must hold the container unless an image is given to add it. */
function checkContainerPresent(plan: PlannedRun, inputs: CheckedInputs): void {
    if (!inputs.taskDefinitionArn || inputs.image || !plan.taskDefinition) return;
    const container = (plan.taskDefinition.containerDefinitions ?? []).find((c) => c.name === plan.containerName);
    if (!container?.image) {
        throw runFailed(
            `\`containerName\` ${plan.containerName} is not a container of task definition ${inputs.taskDefinitionArn} and no \`image\` was given to add it: ` +
                `use one of its containers (${(plan.taskDefinition.containerDefinitions ?? [])
                    .filter((c) => c !== container)
                    .map((c) => c.name)
                    .join(", ")}) or give \`image\`.`,
        );
    }
}
