/**
 * `createRun` against faked SDK clients (`aws-sdk-client-mock`): the production binding of the
 * ports (`makeAwsRunServices`, a `TaskWatcher`, the registration layer, the log streamer) on a fake
 * clock. Each test checks the commands sent, in order and with their inputs, and the result or
 * the error a person would read.
 */
import assert from "node:assert/strict";
import { GetLogEventsCommand, type GetLogEventsCommandInput, ResourceNotFoundException } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeSubnetsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import {
    AccessDeniedException,
    ClusterNotFoundException,
    DeregisterTaskDefinitionCommand,
    DescribeTaskDefinitionCommand,
    type DescribeTaskDefinitionCommandInput,
    DescribeTasksCommand,
    ListTasksCommand,
    RegisterTaskDefinitionCommand,
    type RegisterTaskDefinitionCommandInput,
    RunTaskCommand,
    StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { trackedTasks } from "../../../provider/lifecycle/activeTasks";
import { createRun } from "../../../provider/lifecycle/createRun";
import { deleteRun } from "../../../provider/lifecycle/deleteRun";
import { toOutputs } from "../../../provider/lifecycle/outputs";
import { startedByFor } from "../../../provider/plan/runIdentity";
import { useTagKey } from "../../../provider/plan/ownership";
import { resetRegistrationMemory } from "../../../provider/run/registration";
import type { TaskDefinition } from "../../../provider/types";
import {
    CLUSTER_ARN,
    CONTEXT,
    checked,
    commandNames,
    defaultVpc,
    describeScript,
    EXEC_ROLE,
    FAMILY,
    freshFamily,
    harness,
    hashTagOf,
    rejection,
    T0,
    task,
    taskArn,
    tdArn,
    sleepsBesideLease,
} from "./sdkMocks";

const STARTED_BY = startedByFor(CONTEXT);
const STARTED_AT = new Date("2024-01-01T00:00:01.000Z");
const STOPPED_AT = new Date("2024-01-01T00:00:04.000Z");
/** The awslogs stream of container `main` of task `t1`. */
const STREAM_T1 = `${FAMILY}/main/t1`;
/** The subnets of the default VPC (see `defaultVpc`). */
const NETWORK = { awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], assignPublicIp: "ENABLED", securityGroups: [] } };

/** A task that ran and whose container `main` exited with `exitCode`. */
function exited(id: string, exitCode: number, extra: Parameters<typeof task>[2] = {}) {
    return task(id, "STOPPED", {
        startedAt: STARTED_AT,
        stoppedAt: STOPPED_AT,
        stopCode: "EssentialContainerExited",
        stoppedReason: "Essential container in task exited",
        containers: [{ name: "main", lastStatus: "STOPPED", exitCode }],
        ...extra,
    });
}

/** The lines the container wrote, as relayed to the deployment's output (the others are prefixed). */
function streamed(lines: string[]): string[] {
    return lines.filter((l) => !l.startsWith("["));
}

/** A log stream with these lines, over pages: `lines[i]` is page i (the end answers the token it was sent). */
function logPages(
    pages: string[][],
): (input: GetLogEventsCommandInput) => { events: { message: string; timestamp: number }[]; nextForwardToken: string } {
    return (input) => {
        const page = input.nextToken === undefined ? 0 : Number(input.nextToken.slice(1));
        const events = (pages[page] ?? []).map((message, i) => ({ message, timestamp: T0 + page * 100 + i }));
        return { events, nextForwardToken: page < pages.length ? `f${page + 1}` : `f${page}` };
    };
}

const BASE_ARN = tdArn("base", 3);
/** Revision 3 of family `base` as DescribeTaskDefinition answers it: with what AWS adds and its defaults. */
const BASE: TaskDefinition = {
    taskDefinitionArn: BASE_ARN,
    family: "base",
    revision: 3,
    status: "ACTIVE",
    compatibilities: ["EC2", "FARGATE"],
    requiresAttributes: [{ name: "com.amazonaws.ecs.capability.docker-remote-api.1.18" }],
    registeredAt: "2023-12-01T00:00:00.000Z",
    registeredBy: `arn:aws:iam::123456789012:user/ci`,
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "256",
    memory: "512",
    executionRoleArn: EXEC_ROLE,
    containerDefinitions: [
        {
            name: "app",
            image: "registry.example.com/app:1",
            essential: true,
            cpu: 0,
            portMappings: [],
            environment: [],
            mountPoints: [],
            volumesFrom: [],
        },
    ],
};

describe("lifecycle/createRun against faked SDK clients", () => {
    beforeEach(() => resetRegistrationMemory());
    afterEach(() => resetRegistrationMemory());

    it("registers, finds the default VPC's subnets, runs, streams the log to its end and records exit code 0", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        const inputs = await checked({
            image: "alpine:3.20",
            command: ["sh", "-c", "migrate"],
            executionRoleArn: EXEC_ROLE,
            streamOutput: true,
        });
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
        const seen = describeScript(h, {
            watched: [task("t1", "PENDING"), task("t1", "RUNNING", { startedAt: STARTED_AT }), exited("t1", 0)],
        });
        // The stream does not exist at the first read; a page may be empty while more follows;
        // a line arrives after the task is STOPPED (read by the drain).
        let reads = 0;
        const pages = logPages([["line 1", "line 2"], [], ["line 3"]]);
        h.logs.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput) => {
            reads++;
            if (reads === 1) throw new ResourceNotFoundException({ message: "The specified log stream does not exist.", $metadata: {} });
            if (input.nextToken === "f3" && seen.some((t) => t.lastStatus === "STOPPED")) {
                return { events: [{ message: "late line\n", timestamp: T0 + 5000 }], nextForwardToken: "f4" };
            }
            if (input.nextToken === "f4") return { events: [], nextForwardToken: "f4" };
            return pages(input);
        });

        const started = Date.now();
        const result = await h.clock.run(createRun(inputs, h.ports));
        assert.ok(Date.now() - started < 1000);

        // The task definition: the family's latest revision asked for, none found, the plan's definition registered.
        // One ListTasks: the attach check, whose answer is also the set of tasks known before RunTask.
        assert.deepEqual(commandNames(h.ecs).slice(0, 4), ["DescribeTaskDefinition", "RegisterTaskDefinition", "ListTasks", "RunTask"]);
        assert.deepEqual(h.ecs.commandCalls(DescribeTaskDefinitionCommand)[0].args[0].input, { taskDefinition: FAMILY, include: ["TAGS"] });
        const { tags: ownership, ...registered } = h.ecs.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input;
        assert.deepEqual(registered, inputs.plan.taskDefinition);
        // Registered as managed, with this create's pending use (see plan/ownership.ts).
        assert.deepEqual(ownership, [
            { key: "ecs-task-run:managed", value: "true" },
            // A lease of 900 s from the fake clock's start (renewed every 300 s while the run goes on).
            {
                key: useTagKey({ startedBy: STARTED_BY, inputsHash: hashTagOf(inputs).value }, 0),
                value: "pending:2024-01-01T00:15:00.000Z",
            },
        ]);
        assert.equal(registered.family, FAMILY);
        assert.deepEqual(registered.containerDefinitions?.[0].logConfiguration, {
            logDriver: "awslogs",
            options: {
                "awslogs-create-group": "true",
                "awslogs-group": "ecs-task-run",
                "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": FAMILY,
            },
        });
        // The default VPC and its subnets, every page.
        assert.deepEqual(commandNames(h.ec2), ["DescribeVpcs", "DescribeSubnets", "DescribeSubnets"]);
        assert.deepEqual(h.ec2.commandCalls(DescribeVpcsCommand)[0].args[0].input, { Filters: [{ Name: "isDefault", Values: ["true"] }] });
        assert.deepEqual(
            h.ec2.commandCalls(DescribeSubnetsCommand).map((c) => c.args[0].input),
            [
                { Filters: [{ Name: "vpc-id", Values: ["vpc-def"] }] },
                { Filters: [{ Name: "vpc-id", Values: ["vpc-def"] }], NextToken: "page2" },
            ],
        );
        // The attach check and the known tasks: by startedBy, RUNNING.
        for (const call of h.ecs.commandCalls(ListTasksCommand))
            assert.deepEqual(call.args[0].input, { startedBy: STARTED_BY, desiredStatus: "RUNNING" });
        // RunTask: the planned request with the registered ARN, the subnets and a fresh clientToken.
        const sent = h.ecs.commandCalls(RunTaskCommand)[0].args[0].input;
        assert.match(sent.clientToken ?? "", /^[0-9a-f-]{36}$/);
        assert.deepEqual(sent, {
            ...inputs.plan.runTaskRequest,
            taskDefinition: tdArn(FAMILY, 1),
            networkConfiguration: NETWORK,
            clientToken: sent.clientToken,
        });
        assert.equal(sent.startedBy, STARTED_BY);
        assert.deepEqual(sent.tags, [hashTagOf(inputs)]);
        assert.deepEqual(sent.overrides?.containerOverrides, [{ name: "main", command: ["sh", "-c", "migrate"] }]);
        // Watching: PENDING, RUNNING, STOPPED, one DescribeTasks each.
        assert.deepEqual(
            seen.map((t) => t.lastStatus),
            ["PENDING", "RUNNING", "STOPPED"],
        );
        assert.deepEqual(h.ecs.commandCalls(DescribeTasksCommand)[0].args[0].input, { cluster: CLUSTER_ARN, tasks: [taskArn("t1")] });
        // The log: read forward token by token until the token comes back, then past the stop.
        const tokens = h.logs.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input.nextToken);
        assert.deepEqual(
            tokens.filter((t, i) => i === 0 || t !== tokens[i - 1]),
            [undefined, "f1", "f2", "f3", "f4"],
        );
        assert.deepEqual(
            { ...h.logs.commandCalls(GetLogEventsCommand)[0].args[0].input },
            { logGroupName: "ecs-task-run", logStreamName: STREAM_T1, startFromHead: true },
        );
        assert.deepEqual(streamed(h.lines), ["line 1", "line 2", "line 3", "late line"]);
        assert.ok(h.lines.includes("[migrate] Task t1 stopped; container main exited with code 0."), h.lines.join("\n"));
        // Nothing is sent after the run: no stop, no deregistration.
        assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 0);
        assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 0);
        assert.deepEqual(trackedTasks(), []);

        assert.deepEqual(result, {
            taskArn: taskArn("t1"),
            clusterArn: CLUSTER_ARN,
            taskDefinitionArn: tdArn(FAMILY, 1),
            taskDefinitionRegistered: true,
            taskDefinitionUse: useTagKey({ startedBy: STARTED_BY, inputsHash: hashTagOf(inputs).value }, 0),
            runRegion: "us-east-1",
            lastStatus: "STOPPED",
            exitCode: 0,
            stopCode: "EssentialContainerExited",
            stoppedReason: "Essential container in task exited",
            startedAt: "2024-01-01T00:00:01.000Z",
            stoppedAt: "2024-01-01T00:00:04.000Z",
            logGroupName: "ecs-task-run",
            logStreamName: STREAM_T1,
            logTail: ["line 1", "line 2", "line 3", "late line"],
            containers: [{ name: "main", lastStatus: "STOPPED", exitCode: 0, reason: null }],
            preparedTaskDefinition: inputs.plan.taskDefinition,
            runTaskRequest: sent,
            attempts: [
                {
                    attempt: 1,
                    taskArn: taskArn("t1"),
                    stopCode: "EssentialContainerExited",
                    stoppedReason: "Essential container in task exited",
                    exitCode: 0,
                    startedAt: "2024-01-01T00:00:01.000Z",
                    stoppedAt: "2024-01-01T00:00:04.000Z",
                },
            ],
        });
    });

    describe("the drain's quiet second counts from the containers' exit", () => {
        /** A streamed run of task `t1` in the default VPC, the family new. */
        async function streamedTaskT1() {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            const inputs = await checked({ image: "alpine:3.20", executionRoleArn: EXEC_ROLE, streamOutput: true });
            h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
            return { h, inputs };
        }

        /** Runs a streamed task whose STOPPED answer is made when served: `exitedBefore` ms before
         * `stoppedAt` (now) its containers stopped (its `executionStoppedAt`), or unknown. Answers
         * the fake time from STOPPED served to the run's end and the GetLogEvents calls after it. */
        async function runStoppedAt(exitedBefore: number | undefined): Promise<{ afterStop: number; readsAfterStop: number }> {
            const { h, inputs } = await streamedTaskT1();
            let stoppedServedAt: number | undefined;
            let looks = 0;
            h.ecs.on(DescribeTasksCommand).callsFake(() => {
                if (++looks === 1) return { tasks: [task("t1", "RUNNING", { startedAt: STARTED_AT })], failures: [] };
                stoppedServedAt ??= h.clock.now();
                const stopped = exited("t1", 0, {
                    stoppedAt: new Date(stoppedServedAt),
                    ...(exitedBefore === undefined ? {} : { executionStoppedAt: new Date(stoppedServedAt - exitedBefore) }),
                });
                return { tasks: [stopped], failures: [] };
            });
            let readsAfterStop = 0;
            h.logs.on(GetLogEventsCommand).callsFake(() => {
                if (stoppedServedAt !== undefined) readsAfterStop++;
                return { events: [], nextForwardToken: "f0" };
            });
            await h.clock.run(createRun(inputs, h.ports));
            assert.ok(stoppedServedAt !== undefined);
            return { afterStop: h.clock.now() - stoppedServedAt, readsAfterStop };
        }

        it("a task whose containers stopped 30 s before STOPPED (Fargate releasing its network) completes after one read", async () => {
            const { afterStop, readsAfterStop } = await runStoppedAt(30_000);
            assert.ok(afterStop < 500, `completed ${afterStop} ms after STOPPED`);
            assert.equal(readsAfterStop, 1);
        });

        it("without executionStoppedAt it counts from stoppedAt: no completion before a second after STOPPED", async () => {
            const { afterStop } = await runStoppedAt(undefined);
            assert.ok(afterStop >= 1000, `completed ${afterStop} ms after STOPPED`);
        });

        it("containers seen stopped before STOPPED (DEPROVISIONING): the log is read to its end meanwhile, STOPPED finds it done", async () => {
            const { h, inputs } = await streamedTaskT1();
            let exitedAt: number | undefined;
            let stoppedServedAt: number | undefined;
            h.ecs.on(DescribeTasksCommand).callsFake(() => {
                const now = h.clock.now();
                if (exitedAt === undefined) {
                    exitedAt = now;
                    return { tasks: [task("t1", "RUNNING", { startedAt: STARTED_AT })], failures: [] };
                }
                const execution = { executionStoppedAt: new Date(exitedAt) };
                // The containers stopped at the first look; the network is released for 5 s.
                if (now < exitedAt + 5000)
                    return { tasks: [exited("t1", 0, { ...execution, lastStatus: "DEPROVISIONING" })], failures: [] };
                stoppedServedAt ??= now;
                return { tasks: [exited("t1", 0, { ...execution, stoppedAt: new Date(exitedAt + 5000) })], failures: [] };
            });
            const readsAt: number[] = [];
            h.logs.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput) => {
                readsAt.push(h.clock.now());
                // A line the log driver flushed 500 ms after the containers stopped.
                const late = exitedAt !== undefined && h.clock.now() >= exitedAt + 500 && input.nextToken !== "f1";
                return late
                    ? { events: [{ message: "flushed late", timestamp: exitedAt! }], nextForwardToken: "f1" }
                    : { events: [], nextForwardToken: input.nextToken ?? "f0" };
            });
            await h.clock.run(createRun(inputs, h.ports));
            assert.ok(stoppedServedAt !== undefined && exitedAt !== undefined);
            assert.ok(h.clock.now() - stoppedServedAt < 100, `completed ${h.clock.now() - stoppedServedAt} ms after STOPPED`);
            assert.deepEqual(
                readsAt.filter((at) => at >= stoppedServedAt!),
                [],
                "no log read after STOPPED",
            );
            assert.ok(
                readsAt.some((at) => at >= exitedAt! + 1000),
                "a read a second after the containers stopped ended the drain",
            );
            assert.deepEqual(streamed(h.lines), ["flushed late"]);
        });

        it("containers that stopped 600 ms before STOPPED leave 400 ms of quiet to wait", async () => {
            const { afterStop } = await runStoppedAt(600);
            assert.ok(afterStop >= 400 && afterStop < 1000, `completed ${afterStop} ms after STOPPED`);
        });
    });

    it("a non-zero exit fails with the code, the stop reason and the last log lines, and deregisters the definition it registered", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        const inputs = await checked({ image: "alpine:3.20", command: ["./migrate"], executionRoleArn: EXEC_ROLE, streamOutput: true });
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
        h.ecs.on(DeregisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: tdArn(FAMILY, 1), status: "INACTIVE" } });
        describeScript(h, { watched: [task("t1", "RUNNING", { startedAt: STARTED_AT }), exited("t1", 2)] });
        h.logs.on(GetLogEventsCommand).callsFake(logPages([["starting migration", 'ERROR: relation "users" does not exist']]));

        const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

        assert.equal(err.name, "RunFailedError");
        assert.ok(err.message.startsWith(`Task ${taskArn("t1")} failed: container main stopped with exit code 2 `), err.message);
        assert.ok(
            err.message.includes(
                'stop code EssentialContainerExited; reason "Essential container in task exited"; container main: exit code 2',
            ),
            err.message,
        );
        assert.ok(err.message.includes("`failOnNonZeroExit`"), err.message);
        assert.ok(
            err.message.endsWith(`\nLast 2 log lines of ${STREAM_T1}:\n  starting migration\n  ERROR: relation "users" does not exist`),
            err.message,
        );
        // The failed run is not recorded: the revision it registered is deregistered; the task already stopped.
        assert.deepEqual(
            h.ecs.commandCalls(DeregisterTaskDefinitionCommand).map((c) => c.args[0].input),
            [{ taskDefinition: tdArn(FAMILY, 1) }],
        );
        assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 0);
        assert.deepEqual(commandNames(h.ecs).slice(-1), ["DeregisterTaskDefinition"]);
        assert.deepEqual(trackedTasks(), []);
    });

    it("with failOnNonZeroExit false a non-zero exit is recorded, and the definition is kept", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        const inputs = await checked({ image: "alpine:3.20", command: ["false"], failOnNonZeroExit: false });
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PENDING")], failures: [] });
        describeScript(h, { watched: [exited("t1", 1)] });

        const result = await h.clock.run(createRun(inputs, h.ports));

        assert.deepEqual([result.exitCode, result.lastStatus, result.logStreamName, result.logTail], [1, "STOPPED", null, []]);
        assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 0);
        assert.equal(h.logs.calls().length, 0);
    });

    it("a task stopped before it started fails with 'failed to start' and the reasons, not an exit code", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
        const inputs = await checked({ image: "registry.example.com/nope:1", command: ["true"] });
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
        const pull = "CannotPullContainerError: pull image manifest has been retried 5 time(s): registry.example.com/nope:1: not found";
        describeScript(h, {
            watched: [
                task("t1", "PENDING"),
                task("t1", "STOPPED", {
                    stopCode: "TaskFailedToStart",
                    stoppedReason: "Task failed to start",
                    stoppedAt: STOPPED_AT,
                    containers: [{ name: "main", lastStatus: "STOPPED", reason: pull }],
                }),
            ],
        });

        const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

        assert.equal(err.name, "RunFailedError");
        assert.equal(
            err.message,
            `Task ${taskArn("t1")} failed to start: stop code TaskFailedToStart; reason "Task failed to start"; container main: "${pull}".`,
        );
        assert.doesNotMatch(err.message, /exit code/);
        assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 0);
        assert.deepEqual(
            h.ecs.commandCalls(DeregisterTaskDefinitionCommand).map((c) => c.args[0].input),
            [{ taskDefinition: tdArn(FAMILY, 1) }],
        );
        assert.deepEqual(trackedTasks(), []);
    });

    it("a task that stays PENDING past taskStartTimeoutSeconds is stopped with a reason naming the resource, and the run fails", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
        h.ecs.on(StopTaskCommand).resolves({ task: { lastStatus: "PENDING", desiredStatus: "STOPPED" } });
        const inputs = await checked({ image: "alpine:3.20", command: ["true"], taskStartTimeoutSeconds: 10 });
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
        const seen = describeScript(h, { watched: [task("t1", "PENDING")] });

        const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

        assert.equal(err.name, "RunFailedError");
        assert.ok(
            err.message.startsWith(
                `Task ${taskArn("t1")} did not start within \`taskStartTimeoutSeconds\` 10; it was stopped. Raise \`taskStartTimeoutSeconds\``,
            ),
            err.message,
        );
        assert.match(err.message, /last status PENDING/);
        // Virtual time: the wait ended at the timeout, after a few looks at the task.
        assert.equal(h.clock.now() - T0, 10_000);
        assert.ok(seen.length >= 3 && seen.every((t) => t.lastStatus === "PENDING"), `${seen.length} looks`);
        assert.deepEqual(
            h.ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input),
            [{ cluster: CLUSTER_ARN, task: taskArn("t1"), reason: 'Stopped by Pulumi EcsTaskRun "migrate": it did not start within 10s' }],
        );
        // The task is stopped, then the run's use of the revision released: the revision had no other use.
        assert.deepEqual(commandNames(h.ecs).slice(-4), [
            "StopTask",
            "UntagResource",
            "DescribeTaskDefinition",
            "DeregisterTaskDefinition",
        ]);
        assert.deepEqual(trackedTasks(), []);
    });

    it("MISSING answers right after RunTask (eventual consistency) are waited out", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        const inputs = await checked({ image: "alpine:3.20", command: ["true"] });
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
        const missing = { tasks: [], failures: [{ arn: taskArn("t1"), reason: "MISSING" }] };
        h.ecs
            .on(DescribeTasksCommand)
            .resolvesOnce(missing)
            .resolvesOnce(missing)
            .resolvesOnce({ tasks: [task("t1", "RUNNING", { startedAt: STARTED_AT })], failures: [] })
            .resolves({ tasks: [exited("t1", 0)], failures: [] });

        const result = await h.clock.run(createRun(inputs, h.ports));

        assert.equal(result.exitCode, 0);
        assert.ok(h.ecs.commandCalls(DescribeTasksCommand).length >= 4);
        assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 0);
    });

    it("a watch that fails (DescribeTasks access denied) is reported as such, not as a start timeout", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
        h.ecs.on(StopTaskCommand).resolves({ task: { lastStatus: "PENDING", desiredStatus: "STOPPED" } });
        const inputs = await checked({ image: "alpine:3.20", command: ["true"] });
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
        h.ecs.on(DescribeTasksCommand).rejects(
            new AccessDeniedException({
                message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:DescribeTasks on resource: *",
                $metadata: { httpStatusCode: 400 },
            }),
        );

        const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

        // Failed at the first look (250 ms), far from the 300 s start timeout.
        assert.ok(h.clock.now() - T0 < 1000, `${h.clock.now() - T0} ms`);
        assert.match(err.message, /ecs:DescribeTasks/);
        assert.doesNotMatch(err.message, /did not start within|taskStartTimeoutSeconds/, err.message);
        // The task is still stopped (nothing this run started is left running), with a reason that is true.
        const stops = h.ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input.reason ?? "");
        assert.equal(stops.length, 1);
        assert.ok(stops[0].startsWith('Stopped by Pulumi EcsTaskRun "migrate": '), stops[0]);
        assert.doesNotMatch(stops[0], /did not start within/);
        assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 1);
        assert.deepEqual(trackedTasks(), []);
    });

    describe("RunTask failures", () => {
        it("ATTRIBUTE: fails at once, without a retry, saying what to do; the registered definition is deregistered", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            const inputs = await checked({ image: "alpine:3.20", command: ["true"], launchType: "EC2" });
            h.ecs.on(RunTaskCommand).resolves({
                tasks: [],
                failures: [{ arn: "arn:aws:ecs:us-east-1:123456789012:container-instance/default/ci1", reason: "ATTRIBUTE" }],
            });

            const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

            assert.equal(
                err.message,
                "RunTask started no task in cluster default: ATTRIBUTE. What to do: no container instance has the attributes the task definition " +
                    "requires: check `requiresAttributes` and placement constraints.",
            );
            assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1);
            assert.equal(h.clock.now(), T0, "no wait");
            assert.deepEqual(sleepsBesideLease(h), []);
            // EC2 with the default bridge network mode: no network lookup, no networkConfiguration.
            assert.equal(h.ec2.calls().length, 0);
            assert.equal(h.ecs.commandCalls(RunTaskCommand)[0].args[0].input.networkConfiguration, undefined);
            assert.equal(h.ecs.commandCalls(RunTaskCommand)[0].args[0].input.launchType, "EC2");
            // The run's use of the revision it registered is released, and the revision (no other use) deregistered.
            assert.deepEqual(commandNames(h.ecs), [
                "DescribeTaskDefinition",
                "RegisterTaskDefinition",
                "ListTasks",
                "RunTask",
                "UntagResource",
                "DescribeTaskDefinition",
                "DeregisterTaskDefinition",
            ]);
        });

        it("RESOURCE:MEMORY twice, then a task: three RunTask calls, each with its own clientToken, ListTasks by startedBy between them", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            const inputs = await checked({ image: "alpine:3.20", command: ["true"] });
            const noMemory = {
                tasks: [],
                failures: [{ arn: "arn:aws:ecs:us-east-1:123456789012:container-instance/default/ci1", reason: "RESOURCE:MEMORY" }],
            };
            h.ecs
                .on(RunTaskCommand)
                .resolvesOnce(noMemory)
                .resolvesOnce(noMemory)
                .resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
            describeScript(h, { watched: [exited("t1", 0)] });

            const result = await h.clock.run(createRun(inputs, h.ports));

            assert.deepEqual(commandNames(h.ecs).slice(2, 9), [
                "ListTasks",
                "RunTask",
                "ListTasks",
                "RunTask",
                "ListTasks",
                "RunTask",
                "DescribeTasks",
            ]);
            const runs = h.ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input);
            const tokens = runs.map((r) => r.clientToken);
            assert.equal(new Set(tokens).size, 3, `tokens ${tokens.join(", ")}`);
            for (const r of runs) assert.deepEqual({ ...r, clientToken: undefined }, { ...runs[0], clientToken: undefined });
            for (const call of h.ecs.commandCalls(ListTasksCommand))
                assert.deepEqual(call.args[0].input, { startedBy: STARTED_BY, desiredStatus: "RUNNING" });
            // Backoff 1 s then 2 s, scaled by 0.5 + random/2 (the fake's random: 0.5).
            assert.deepEqual(sleepsBesideLease(h).slice(0, 2), [750, 1500]);
            assert.ok(h.lines.includes("[migrate] RunTask: RESOURCE:MEMORY; trying again in 750 ms (attempt 2)."), h.lines.join("\n"));
            assert.equal(result.exitCode, 0);
            assert.equal(result.taskArn, taskArn("t1"));
            assert.equal(result.runTaskRequest.clientToken, tokens[2]);
            assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 0);
        });

        it("RESOURCE:CPU reported, but ListTasks shows a new task: that task is adopted, no second RunTask", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            const inputs = await checked({ image: "alpine:3.20", command: ["true"] });
            const older = taskArn("t0");
            h.ecs
                .on(ListTasksCommand)
                .resolvesOnce({ taskArns: [older] }) // the attach check (a task of this resource with other inputs): the tasks known before RunTask
                .resolves({ taskArns: [older, taskArn("t9")] });
            h.ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: "RESOURCE:CPU" }] });
            describeScript(h, {
                tagged: [
                    // A live resource's task (a create returned it: the old half of a replacement).
                    task("t0", "RUNNING", {
                        tags: [
                            { key: "ecs-task-run:inputs-hash", value: "0000" },
                            { key: "ecs-task-run:recorded", value: "true" },
                        ],
                    }),
                    task("t9", "PROVISIONING", { tags: [hashTagOf(inputs)] }),
                ],
                watched: [
                    task("t9", "RUNNING", { taskArn: taskArn("t9"), startedAt: STARTED_AT }),
                    exited("t9", 0, { taskArn: taskArn("t9") }),
                ],
            });

            const result = await h.clock.run(createRun(inputs, h.ports));

            assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1);
            assert.deepEqual(commandNames(h.ecs).slice(2, 7), ["ListTasks", "DescribeTasks", "RunTask", "ListTasks", "DescribeTasks"]);
            // Only the task that was not known before is described for adoption.
            assert.deepEqual(h.ecs.commandCalls(DescribeTasksCommand)[1].args[0].input, { tasks: [taskArn("t9")], include: ["TAGS"] });
            assert.equal(result.taskArn, taskArn("t9"));
            assert.equal(result.exitCode, 0);
            assert.equal(result.runTaskRequest.clientToken, h.ecs.commandCalls(RunTaskCommand)[0].args[0].input.clientToken);
            assert.ok(
                h.lines.includes(`[migrate] RunTask reported RESOURCE:CPU, but started task ${taskArn("t9")}: using it.`),
                h.lines.join("\n"),
            );
            assert.deepEqual(
                h.clock.sleeps.filter((ms) => ms === 750),
                [],
                "no backoff before adopting",
            );
            assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 0, "the older task, recorded by a live resource, is left alone");
        });

        it("capacity failures until the start deadline: fails naming the attempts and taskStartTimeoutSeconds", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            const inputs = await checked({ image: "alpine:3.20", command: ["true"], taskStartTimeoutSeconds: 5 });
            h.ecs.on(RunTaskCommand).resolves({
                tasks: [],
                failures: [{ reason: "Capacity is unavailable at this time. Please try again later or in a different availability zone" }],
            });

            const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

            // 750 + 1500 ms waited; a third wait of 3000 ms would pass the 5 s deadline.
            assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 3);
            assert.match(
                err.message,
                /^RunTask found no capacity after 3 attempts within `taskStartTimeoutSeconds` 5: Capacity is unavailable at this time/,
            );
            assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 1);
        });
    });

    describe("cluster not found", () => {
        it("RunTask answering ClusterNotFoundException fails at once, without a retry, naming the cluster", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            const inputs = await checked({ image: "alpine:3.20", command: ["true"], cluster: "jobs" });
            h.ecs
                .on(RunTaskCommand)
                .rejects(new ClusterNotFoundException({ message: "Cluster not found.", $metadata: { httpStatusCode: 400 } }));

            const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

            assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1);
            assert.equal(h.ecs.commandCalls(RunTaskCommand)[0].args[0].input.cluster, "jobs");
            assert.deepEqual(sleepsBesideLease(h), []);
            assert.match(err.message, /\bjobs\b/, `the message names the cluster: ${err.message}`);
            assert.match(err.message, /not found/i);
            assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 1);
        });

        it("ListTasks answering ClusterNotFoundException (before any RunTask) fails at once naming the cluster", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            const inputs = await checked({ image: "alpine:3.20", command: ["true"], cluster: "jobs" });
            h.ecs
                .on(ListTasksCommand)
                .rejects(new ClusterNotFoundException({ message: "Cluster not found.", $metadata: { httpStatusCode: 400 } }));

            const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

            assert.equal(h.ecs.commandCalls(ListTasksCommand).length, 1);
            assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 0);
            assert.match(err.message, /\bjobs\b/, `the message names the cluster: ${err.message}`);
            assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 1);
        });
    });

    describe("attach to a task of an interrupted run", () => {
        /** The family's latest revision as AWS describes the plan's definition: equal, so it is reused. */
        function registeredBefore(h: ReturnType<typeof harness>, definition: TaskDefinition, hashTagValue: string): void {
            const described = {
                ...definition,
                taskDefinitionArn: tdArn(FAMILY, 1),
                revision: 1,
                status: "ACTIVE",
                compatibilities: ["EC2", "FARGATE"],
                registeredAt: new Date("2023-12-31T23:59:00.000Z"),
                containerDefinitions: (definition.containerDefinitions ?? []).map((c) => ({
                    ...c,
                    cpu: 0,
                    essential: true,
                    portMappings: [],
                    mountPoints: [],
                    volumesFrom: [],
                })),
            };
            // Registered by the interrupted run: managed, with that run's pending use (taken over now).
            h.ecs.on(DescribeTaskDefinitionCommand).resolves({
                taskDefinition: described as never,
                tags: [
                    { key: "ecs-task-run:managed", value: "true" },
                    { key: useTagKey({ startedBy: STARTED_BY, inputsHash: hashTagValue }, 0), value: "pending" },
                ],
            });
        }

        it("a RUNNING task of this resource with the same inputs hash is watched to completion; no RunTask", async () => {
            const h = harness();
            defaultVpc(h);
            const inputs = await checked({ image: "alpine:3.20", command: ["./migrate"] });
            registeredBefore(h, inputs.plan.taskDefinition!, hashTagOf(inputs).value);
            h.ecs.on(ListTasksCommand).resolves({ taskArns: [taskArn("t7")] });
            const seen = describeScript(h, {
                tagged: [
                    task("t7", "RUNNING", {
                        taskArn: taskArn("t7"),
                        startedAt: STARTED_AT,
                        tags: [{ key: "team", value: "db" }, hashTagOf(inputs)],
                    }),
                ],
                watched: [
                    task("t7", "RUNNING", { taskArn: taskArn("t7"), startedAt: STARTED_AT }),
                    exited("t7", 0, { taskArn: taskArn("t7") }),
                ],
            });

            const result = await h.clock.run(createRun(inputs, h.ports));

            assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 0);
            assert.equal(h.ecs.commandCalls(RegisterTaskDefinitionCommand).length, 0, "the interrupted run's revision is taken over");
            // The interrupted run's pending use is taken over with a fresh lease (its own may have run
            // out), then the revision is checked still ACTIVE.
            assert.deepEqual(commandNames(h.ecs).slice(0, 5), [
                "DescribeTaskDefinition",
                "TagResource",
                "DescribeTaskDefinition",
                "ListTasks",
                "DescribeTasks",
            ]);
            assert.deepEqual(h.ecs.commandCalls(ListTasksCommand)[0].args[0].input, { startedBy: STARTED_BY, desiredStatus: "RUNNING" });
            assert.deepEqual(h.ecs.commandCalls(DescribeTasksCommand)[0].args[0].input, { tasks: [taskArn("t7")], include: ["TAGS"] });
            assert.deepEqual(
                seen.map((t) => t.lastStatus),
                ["RUNNING", "STOPPED"],
            );
            assert.ok(
                h.lines.includes(`[migrate] Attaching to task ${taskArn("t7")}, still RUNNING from an earlier, interrupted run.`),
                h.lines.join("\n"),
            );
            assert.equal(result.taskArn, taskArn("t7"));
            assert.equal(result.exitCode, 0);
            assert.equal(result.taskDefinitionArn, tdArn(FAMILY, 1));
            assert.equal(result.taskDefinitionRegistered, true, "managed: the interrupted run registered it, this resource now owns it");
            assert.equal(result.taskDefinitionUse, useTagKey({ startedBy: STARTED_BY, inputsHash: hashTagOf(inputs).value }, 0));
            assert.equal(result.runTaskRequest.clientToken, undefined, "no RunTask was sent");
            assert.equal(result.runTaskRequest.taskDefinition, tdArn(FAMILY, 1));
        });

        it("a RUNNING task of this resource with another inputs hash that no create returned (an interrupted run's) is stopped, and a new task is run", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            const inputs = await checked({ image: "alpine:3.20", command: ["./migrate"] });
            h.ecs.on(StopTaskCommand).resolves({ task: { taskArn: taskArn("t7"), lastStatus: "RUNNING" } });
            h.ecs.on(ListTasksCommand).resolves({ taskArns: [taskArn("t7")] });
            h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t8", "PROVISIONING", { taskArn: taskArn("t8") })], failures: [] });
            const seen = describeScript(h, {
                tagged: [
                    task("t7", "RUNNING", {
                        taskArn: taskArn("t7"),
                        tags: [{ key: "ecs-task-run:inputs-hash", value: "0123456789abcdef0123456789abcdef" }],
                    }),
                ],
                watched: [
                    task("t8", "RUNNING", { taskArn: taskArn("t8"), startedAt: STARTED_AT }),
                    exited("t8", 0, { taskArn: taskArn("t8") }),
                ],
            });

            const result = await h.clock.run(createRun(inputs, h.ports));

            assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1);
            assert.deepEqual(commandNames(h.ecs).slice(2, 6), ["ListTasks", "DescribeTasks", "StopTask", "RunTask"]);
            assert.equal(result.taskArn, taskArn("t8"));
            assert.ok(seen.every((t) => t.taskArn === taskArn("t8")));
            assert.deepEqual(
                h.ecs
                    .commandCalls(DescribeTasksCommand)
                    .slice(1)
                    .map((c) => c.args[0].input.tasks),
                seen.map(() => [taskArn("t8")]),
            );
            assert.deepEqual(
                h.ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input),
                [
                    {
                        cluster: CLUSTER_ARN,
                        task: taskArn("t7"),
                        reason: 'Stopped by Pulumi EcsTaskRun "migrate": an interrupted run of other inputs left it running',
                    },
                ],
            );
            assert.ok(
                h.lines.includes(
                    `[migrate] Stopped task ${taskArn("t7")}, left running by an interrupted run of this resource with other inputs.`,
                ),
                h.lines.join("\n"),
            );
            assert.equal(h.lines.filter((l) => l.includes("Attaching")).length, 0);
        });
    });

    describe("an existing task definition given by ARN", () => {
        it("run as it is when nothing changes it: no registration, RunTask names it, delete never deregisters it", async () => {
            const h = harness();
            defaultVpc(h);
            h.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: BASE as never });
            h.ecs
                .on(RunTaskCommand)
                .resolves({ tasks: [task("t3", "PROVISIONING", { taskArn: taskArn("t3"), taskDefinitionArn: BASE_ARN })], failures: [] });
            const done = { taskArn: taskArn("t3"), taskDefinitionArn: BASE_ARN, containers: [{ name: "app", exitCode: 0 }] };
            describeScript(h, { watched: [task("t3", "RUNNING", { ...done, startedAt: STARTED_AT }), exited("t3", 0, done)] });
            const inputs = await checked({ taskDefinitionArn: BASE_ARN, command: ["./migrate", "--up"] });

            const result = await h.clock.run(createRun(inputs, h.ports));

            assert.deepEqual(
                h.ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input),
                [{ taskDefinition: BASE_ARN }],
            );
            assert.equal(h.ecs.commandCalls(RegisterTaskDefinitionCommand).length, 0);
            const sent = h.ecs.commandCalls(RunTaskCommand)[0].args[0].input;
            assert.equal(sent.taskDefinition, BASE_ARN);
            assert.deepEqual(sent.overrides?.containerOverrides, [{ name: "app", command: ["./migrate", "--up"] }]);
            assert.deepEqual(sent.networkConfiguration, NETWORK);
            assert.deepEqual([result.taskDefinitionArn, result.taskDefinitionRegistered, result.exitCode], [BASE_ARN, false, 0]);

            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            await h.clock.run(deleteRun(toOutputs(inputs, result), h.ports));
            assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 0);
            assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 0, "the task had stopped");
        });

        it("with `image`, a new revision based on it is registered and run; delete deregisters that revision only", async () => {
            const h = harness();
            defaultVpc(h);
            h.ecs.on(DescribeTaskDefinitionCommand).callsFake((input: DescribeTaskDefinitionCommandInput) => {
                if (input.taskDefinition === tdArn("base", 4))
                    return {
                        taskDefinition: { taskDefinitionArn: tdArn("base", 4), status: "ACTIVE" },
                        tags: [{ key: "ecs-task-run:managed", value: "true" }],
                    };
                assert.ok(input.taskDefinition === BASE_ARN || input.taskDefinition === "base", input.taskDefinition);
                return { taskDefinition: BASE };
            });
            h.ecs.on(RegisterTaskDefinitionCommand).callsFake((input: RegisterTaskDefinitionCommandInput) => ({
                taskDefinition: { ...input, taskDefinitionArn: tdArn("base", 4), revision: 4, status: "ACTIVE" },
            }));
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            h.ecs.on(RunTaskCommand).resolves({
                tasks: [task("t4", "PROVISIONING", { taskArn: taskArn("t4"), taskDefinitionArn: tdArn("base", 4) })],
                failures: [],
            });
            const done = { taskArn: taskArn("t4"), taskDefinitionArn: tdArn("base", 4), containers: [{ name: "app", exitCode: 0 }] };
            describeScript(h, { watched: [exited("t4", 0, done)] });
            const inputs = await checked({ taskDefinitionArn: BASE_ARN, image: "registry.example.com/app:2" });

            const result = await h.clock.run(createRun(inputs, h.ports));

            // The base described by ARN, then the family's latest (for reuse), then the new revision registered.
            assert.deepEqual(commandNames(h.ecs).slice(0, 3), [
                "DescribeTaskDefinition",
                "DescribeTaskDefinition",
                "RegisterTaskDefinition",
            ]);
            assert.deepEqual(
                h.ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input),
                [{ taskDefinition: BASE_ARN }, { taskDefinition: "base", include: ["TAGS"] }],
            );
            const { tags: ownership, ...registered } = h.ecs.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input;
            assert.deepEqual(ownership?.[0], { key: "ecs-task-run:managed", value: "true" });
            assert.deepEqual(registered, {
                family: "base",
                networkMode: "awsvpc",
                requiresCompatibilities: ["FARGATE"],
                cpu: "256",
                memory: "512",
                executionRoleArn: EXEC_ROLE,
                containerDefinitions: [
                    {
                        name: "app",
                        image: "registry.example.com/app:2",
                        essential: true,
                        cpu: 0,
                        portMappings: [],
                        environment: [],
                        mountPoints: [],
                        volumesFrom: [],
                    },
                ],
            });
            assert.equal(h.ecs.commandCalls(RunTaskCommand)[0].args[0].input.taskDefinition, tdArn("base", 4));
            assert.deepEqual([result.taskDefinitionArn, result.taskDefinitionRegistered], [tdArn("base", 4), true]);

            const state = toOutputs(inputs, result);
            assert.equal(state.requestedTaskDefinitionArn, BASE_ARN);
            await h.clock.run(deleteRun(state, h.ports));
            assert.deepEqual(
                h.ecs.commandCalls(DeregisterTaskDefinitionCommand).map((c) => c.args[0].input),
                [{ taskDefinition: tdArn("base", 4) }],
            );
        });
    });
});
