/**
 * `retryStrategy`: the attempts of `createRun` against faked SDK clients on a fake clock (the
 * production binding of the ports, as in `createRun.sdkmock.test.ts`). Each test checks the
 * RunTask calls (one per attempt, each with its own `clientToken` and attempt mark), the waits,
 * what was streamed, and the result or the error a person would read.
 */
import assert from "node:assert/strict";
import { GetLogEventsCommand, type GetLogEventsCommandInput } from "@aws-sdk/client-cloudwatch-logs";
import {
    DeregisterTaskDefinitionCommand,
    DescribeTasksCommand,
    type DescribeTasksCommandInput,
    ListTasksCommand,
    RunTaskCommand,
    StopTaskCommand,
    type Task,
} from "@aws-sdk/client-ecs";
import { trackedTasks } from "../../../provider/lifecycle/activeTasks";
import { createRun } from "../../../provider/lifecycle/createRun";
import { resetRegistrationMemory } from "../../../provider/run/registration";
import type { TaskRunSpec } from "../../../provider/types";
import {
    checked,
    defaultVpc,
    EXEC_ROLE,
    FAMILY,
    freshFamily,
    harness,
    hashTagOf,
    rejection,
    task,
    taskArn,
    type Harness,
    sleepsBesideLease,
} from "./sdkMocks";

const STARTED_AT = new Date("2024-01-01T00:00:01.000Z");
const STOPPED_AT = new Date("2024-01-01T00:00:04.000Z");
const SPOT_REASON = "Your Spot Task was interrupted.";
const PULL =
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref registry.example.com/app:1: not found";

/** A task interrupted by Fargate Spot while it ran: its container was stopped with SIGTERM (143). */
function interrupted(id: string): Task {
    return task(id, "STOPPED", {
        startedAt: STARTED_AT,
        stoppedAt: STOPPED_AT,
        stopCode: "SpotInterruption",
        stoppedReason: SPOT_REASON,
        containers: [{ name: "main", lastStatus: "STOPPED", exitCode: 143 }],
    });
}

/** A task whose image could not be pulled. */
function pullFailed(id: string): Task {
    return task(id, "STOPPED", {
        stoppedAt: STOPPED_AT,
        stopCode: "TaskFailedToStart",
        stoppedReason: "Task failed to start",
        containers: [{ name: "main", lastStatus: "STOPPED", reason: PULL }],
    });
}

/** A task whose container `main` ran and exited with `exitCode`. */
function exited(id: string, exitCode: number): Task {
    return task(id, "STOPPED", {
        startedAt: STARTED_AT,
        stoppedAt: STOPPED_AT,
        stopCode: "EssentialContainerExited",
        stoppedReason: "Essential container in task exited",
        containers: [{ name: "main", lastStatus: "STOPPED", exitCode }],
    });
}

/** The record of an attempt as the outputs list it. */
function record(attempt: number, t: Task) {
    return {
        attempt,
        taskArn: t.taskArn,
        stopCode: t.stopCode ?? null,
        stoppedReason: t.stoppedReason ?? null,
        exitCode: t.containers?.[0].exitCode ?? null,
        startedAt: t.startedAt ? (t.startedAt as Date).toISOString() : null,
        stoppedAt: t.stoppedAt ? (t.stoppedAt as Date).toISOString() : null,
    };
}

/**
 * RunTask starts `ids` in turn (PROVISIONING); DescribeTasks answers, per task, its next
 * description in `watched[id]` (the last one repeats), and the attach lookups (`include: ["TAGS"]`)
 * the `tagged` tasks they name.
 */
function script(h: Harness, ids: string[], watched: Record<string, Task[]>, tagged: Task[] = []): void {
    let run = h.ecs.on(RunTaskCommand);
    for (const id of ids) run = run.resolvesOnce({ tasks: [task(id, "PROVISIONING")], failures: [] });
    const queues = Object.fromEntries(Object.entries(watched).map(([id, list]) => [taskArn(id), [...list]]));
    h.ecs.on(DescribeTasksCommand).callsFake((input: DescribeTasksCommandInput) => {
        if (input.include?.includes("TAGS")) return { tasks: tagged.filter((t) => input.tasks?.includes(t.taskArn ?? "")), failures: [] };
        const tasks = (input.tasks ?? []).map((arn) => {
            const queue = queues[arn];
            return queue.length > 1 ? queue.shift()! : queue[0];
        });
        return { tasks, failures: [] };
    });
}

/** The attempt tag of each RunTask call. */
function attemptTags(h: Harness): (string | undefined)[] {
    return h.ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input.tags?.find((t) => t.key === "ecs-task-run:attempt")?.value);
}

async function setUp(spec: TaskRunSpec) {
    const h = harness();
    defaultVpc(h);
    freshFamily(h);
    h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
    const inputs = await checked({ image: "alpine:3.20", command: ["./migrate"], launchType: "FARGATE_SPOT", ...spec });
    return { h, inputs };
}

describe("lifecycle/attempts: createRun with a retryStrategy, against faked SDK clients", () => {
    beforeEach(() => resetRegistrationMemory());
    afterEach(() => resetRegistrationMemory());

    it("a Spot interruption is retried as a new task after the backoff, and the second attempt's success is the result", async () => {
        const { h, inputs } = await setUp({ retryStrategy: { attempts: 3 }, executionRoleArn: EXEC_ROLE, streamOutput: true });
        script(h, ["t1", "t2"], {
            t1: [task("t1", "RUNNING", { startedAt: STARTED_AT }), interrupted("t1")],
            t2: [task("t2", "RUNNING", { startedAt: STARTED_AT }), exited("t2", 0)],
        });
        h.logs.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput) => ({
            events: input.nextToken ? [] : [{ message: `migrating (${input.logStreamName?.split("/").pop()})`, timestamp: 1 }],
            nextForwardToken: "f1",
        }));

        const result = await h.clock.run(createRun(inputs, h.ports));

        // Two RunTask calls: the planned request, each with its own clientToken and attempt mark.
        const runs = h.ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input);
        assert.equal(runs.length, 2);
        assert.notEqual(runs[0].clientToken, runs[1].clientToken);
        assert.deepEqual(attemptTags(h), ["1", "2"]);
        for (const r of runs) {
            assert.deepEqual(r.tags, [hashTagOf(inputs), { key: "ecs-task-run:attempt", value: r === runs[0] ? "1" : "2" }]);
            assert.deepEqual(r.capacityProviderStrategy, [{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
            assert.deepEqual({ ...r, clientToken: undefined, tags: undefined }, { ...runs[0], clientToken: undefined, tags: undefined });
        }
        // The default backoff (10 s) before attempt 2; the interrupted task had stopped: nothing to stop.
        assert.ok(h.clock.sleeps.includes(10_000), `sleeps ${h.clock.sleeps.join(", ")}`);
        assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 0);
        assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 0);
        assert.deepEqual(trackedTasks(), []);
        // Each attempt's lines carry its number; the status lines too.
        assert.deepEqual(
            h.lines.filter((l) => l.startsWith("[attempt")),
            ["[attempt 1] migrating (t1)", "[attempt 2] migrating (t2)"],
        );
        assert.ok(
            h.lines.includes(
                "[migrate] Attempt 1 of 3 (task t1) failed; not the task's own failure: stop code SpotInterruption: attempt 2 in 10s.",
            ),
            h.lines.join("\n"),
        );
        assert.ok(h.lines.includes(`[migrate] Attempt 2/3: Started task ${taskArn("t2")}.`), h.lines.join("\n"));
        // The top-level outputs describe the last attempt; `attempts` lists both.
        assert.equal(result.taskArn, taskArn("t2"));
        assert.equal(result.exitCode, 0);
        assert.equal(result.stopCode, "EssentialContainerExited");
        assert.equal(result.runTaskRequest.clientToken, runs[1].clientToken);
        assert.equal(result.logStreamName, `${FAMILY}/main/t2`);
        assert.deepEqual(result.attempts, [record(1, interrupted("t1")), record(2, exited("t2", 0))]);
    });

    it("an image that failed to pull is retried; without a strategy it fails at once, as before", async () => {
        const { h, inputs } = await setUp({ retryStrategy: { attempts: 2, backoffSeconds: 0 } });
        script(h, ["t1", "t2"], { t1: [task("t1", "PENDING"), pullFailed("t1")], t2: [exited("t2", 0)] });

        const result = await h.clock.run(createRun(inputs, h.ports));

        assert.deepEqual(attemptTags(h), ["1", "2"]);
        assert.deepEqual(result.attempts, [record(1, pullFailed("t1")), record(2, exited("t2", 0))]);
        assert.ok(h.clock.sleeps.includes(0), "backoffSeconds 0: no wait");

        const once = await setUp({});
        script(once.h, ["t1"], { t1: [pullFailed("t1")] });
        const err = await rejection(once.h.clock.run(createRun(once.inputs, once.h.ports)));
        assert.equal(
            err.message,
            `Task ${taskArn("t1")} failed to start: stop code TaskFailedToStart; reason "Task failed to start"; container main: "${PULL}".`,
        );
        assert.equal(once.h.ecs.commandCalls(RunTaskCommand).length, 1);
        assert.deepEqual(attemptTags(once.h), [undefined], "one attempt allowed: no attempt mark");
    });

    it("`attempts` is never exceeded: three interruptions fail the run with every attempt listed", async () => {
        const { h, inputs } = await setUp({ retryStrategy: { attempts: 3, backoffSeconds: 5 } });
        script(h, ["t1", "t2", "t3", "t4"], {
            t1: [interrupted("t1")],
            t2: [interrupted("t2")],
            t3: [interrupted("t3")],
            t4: [exited("t4", 0)],
        });

        const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

        assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 3);
        assert.deepEqual(attemptTags(h), ["1", "2", "3"]);
        // Backoff 5 s, then doubled.
        assert.deepEqual(
            sleepsBesideLease(h).filter((ms) => ms >= 5000),
            [5000, 10_000],
        );
        assert.equal(err.name, "RunFailedError");
        assert.ok(err.message.startsWith(`Task ${taskArn("t3")} failed: container main stopped with exit code 143 `), err.message);
        const listing = (id: string, n: number) =>
            `  ${n}. task ${taskArn(id)}: stop code SpotInterruption; reason "${SPOT_REASON}"; exit code 143`;
        assert.ok(
            err.message.endsWith(`\nAttempts (3 of at most 3):\n${listing("t1", 1)}\n${listing("t2", 2)}\n${listing("t3", 3)}`),
            err.message,
        );
        assert.ok(
            h.lines.includes("[migrate] Attempt 3 of 3 (task t3) failed; no attempt is left (retryStrategy.attempts 3)."),
            h.lines.join("\n"),
        );
        // The failed run is not recorded: its definition is deregistered, nothing is left running.
        assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 1);
        assert.deepEqual(trackedTasks(), []);
    });

    it("a rule that says EXIT stops the retrying", async () => {
        const { h, inputs } = await setUp({
            retryStrategy: { attempts: 5, evaluateOnExit: [{ onStatusReason: "Your Spot*", action: "EXIT" }] },
        });
        script(h, ["t1", "t2"], { t1: [interrupted("t1")], t2: [exited("t2", 0)] });

        const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

        assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1);
        assert.deepEqual(
            sleepsBesideLease(h).filter((ms) => ms >= 1000),
            [],
            "no backoff",
        );
        assert.ok(
            err.message.endsWith(
                `\nAttempts (1 of at most 5):\n  1. task ${taskArn("t1")}: stop code SpotInterruption; reason "${SPOT_REASON}"; exit code 143`,
            ),
            err.message,
        );
        assert.ok(
            h.lines.includes("[migrate] Attempt 1 of 5 (task t1) failed; not retried: retryStrategy.evaluateOnExit[0] matched."),
            h.lines.join("\n"),
        );
    });

    it("a non-zero exit is retried only when a rule says so", async () => {
        const plain = await setUp({ retryStrategy: { attempts: 3 } });
        script(plain.h, ["t1", "t2"], { t1: [exited("t1", 75)], t2: [exited("t2", 0)] });
        const err = await rejection(plain.h.clock.run(createRun(plain.inputs, plain.h.ports)));
        assert.equal(plain.h.ecs.commandCalls(RunTaskCommand).length, 1);
        assert.ok(
            plain.h.lines.includes(
                "[migrate] Attempt 1 of 3 (task t1) failed; not retried: the failure may be the task's own (no rule says to retry it).",
            ),
        );
        assert.match(err.message, /exit code 75/);

        const ruled = await setUp({
            retryStrategy: { attempts: 3, backoffSeconds: 1, evaluateOnExit: [{ onExitCode: "75", action: "RETRY" }] },
        });
        script(ruled.h, ["t1", "t2"], { t1: [exited("t1", 75)], t2: [exited("t2", 0)] });
        const result = await ruled.h.clock.run(createRun(ruled.inputs, ruled.h.ports));
        assert.equal(ruled.h.ecs.commandCalls(RunTaskCommand).length, 2);
        assert.deepEqual(result.attempts, [record(1, exited("t1", 75)), record(2, exited("t2", 0))]);
    });

    it("with failOnNonZeroExit false, an interrupted attempt is still retried; a final non-zero exit is recorded", async () => {
        const { h, inputs } = await setUp({ failOnNonZeroExit: false, retryStrategy: { attempts: 2, backoffSeconds: 0 } });
        script(h, ["t1", "t2"], { t1: [interrupted("t1")], t2: [exited("t2", 3)] });

        const result = await h.clock.run(createRun(inputs, h.ports));

        assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 2);
        assert.deepEqual([result.taskArn, result.exitCode], [taskArn("t2"), 3]);
        assert.deepEqual(result.attempts, [record(1, interrupted("t1")), record(2, exited("t2", 3))]);
    });

    it("a start timeout is not retried (the task was stopped by this run, not by its capacity)", async () => {
        const { h, inputs } = await setUp({ taskStartTimeoutSeconds: 10, retryStrategy: { attempts: 3 } });
        h.ecs.on(StopTaskCommand).resolves({});
        script(h, ["t1", "t2"], { t1: [task("t1", "PENDING")], t2: [exited("t2", 0)] });

        const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

        assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1);
        assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 1);
        assert.match(err.message, /did not start within `taskStartTimeoutSeconds` 10/);
        assert.ok(err.message.endsWith(`\nAttempts (1 of at most 3):\n  1. task ${taskArn("t1")}: not stopped; no exit code`), err.message);
    });

    describe("after a killed host", () => {
        it("the next `up` attaches to the attempt in flight, knows its number, and goes on from there", async () => {
            const { h, inputs } = await setUp({ retryStrategy: { attempts: 3, backoffSeconds: 0 } });
            // Attempt 2 of the interrupted `up` is still running; attempt 1 had stopped.
            const inFlight = task("t2", "RUNNING", {
                startedAt: STARTED_AT,
                tags: [hashTagOf(inputs), { key: "ecs-task-run:attempt", value: "2" }],
            });
            h.ecs
                .on(ListTasksCommand)
                .resolvesOnce({ taskArns: [taskArn("t2")] })
                .resolves({ taskArns: [] });
            script(h, ["t3"], { t2: [task("t2", "RUNNING", { startedAt: STARTED_AT }), interrupted("t2")], t3: [exited("t3", 0)] }, [
                inFlight,
            ]);

            const result = await h.clock.run(createRun(inputs, h.ports));

            // No second copy of attempt 2, no new attempt 1: one RunTask, attempt 3.
            assert.deepEqual(attemptTags(h), ["3"]);
            assert.ok(
                h.lines.includes(
                    `[migrate] Attempt 2/3: Attaching to task ${taskArn("t2")}, still RUNNING from an earlier, interrupted run.`,
                ),
                h.lines.join("\n"),
            );
            assert.deepEqual(result.attempts, [record(2, interrupted("t2")), record(3, exited("t3", 0))]);
            assert.equal(result.taskArn, taskArn("t3"));
        });

        it("an attached last attempt that is interrupted is not followed by another", async () => {
            const { h, inputs } = await setUp({ retryStrategy: { attempts: 2 } });
            const inFlight = task("t2", "RUNNING", { tags: [hashTagOf(inputs), { key: "ecs-task-run:attempt", value: "2" }] });
            h.ecs.on(ListTasksCommand).resolves({ taskArns: [taskArn("t2")] });
            script(h, [], { t2: [interrupted("t2")] }, [inFlight]);

            const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

            assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 0);
            assert.ok(
                err.message.includes(`\nAttempts (1 of at most 2):\n  2. task ${taskArn("t2")}: stop code SpotInterruption`),
                err.message,
            );
        });
    });
});
