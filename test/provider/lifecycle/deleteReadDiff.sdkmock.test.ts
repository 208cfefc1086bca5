/**
 * `deleteRun`, `readRun` and the provider's `diff` against faked SDK clients
 * (`aws-sdk-client-mock`), with the production binding of the ports on a fake clock.
 */
import assert from "node:assert/strict";
import {
    AccessDeniedException,
    ClientException,
    ClusterNotFoundException,
    DeregisterTaskDefinitionCommand,
    DescribeTasksCommand,
    InvalidParameterException,
    StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { deleteRun } from "../../../provider/lifecycle/deleteRun";
import { readRun } from "../../../provider/lifecycle/readRun";
import { ecsTaskRunProvider } from "../../../provider/provider";
import { resetRegistrationMemory } from "../../../provider/run/registration";
import { PLACEHOLDER, type TaskRunSpec } from "../../../provider/types";
import {
    CLUSTER_ARN,
    checked,
    EXEC_ROLE,
    FAMILY,
    harness,
    rejection,
    stateOf,
    task,
    taskArn,
    tdArn,
    sleepsBesideLease,
    SWEEP_COMMANDS,
} from "./sdkMocks";

const meta = { $metadata: { httpStatusCode: 400 } };
const SPEC: TaskRunSpec = { image: "alpine:3.20", command: ["./migrate"], executionRoleArn: EXEC_ROLE };
const DELETED_REASON = 'Stopped by Pulumi EcsTaskRun "migrate": the resource was deleted';

describe("lifecycle/deleteRun against faked SDK clients", () => {
    beforeEach(() => resetRegistrationMemory());
    afterEach(() => resetRegistrationMemory());

    for (const [what, gone] of [
        [
            "InvalidParameterException: the referenced task was not found",
            new InvalidParameterException({ message: "The referenced task was not found.", ...meta }),
        ],
        ["ClusterNotFoundException", new ClusterNotFoundException({ message: "Cluster not found.", ...meta })],
    ] as const) {
        it(`a task already gone (${what}) and a definition already inactive: resolves, each call sent once`, async () => {
            const h = harness();
            h.ecs.on(StopTaskCommand).rejects(gone);
            h.ecs
                .on(DeregisterTaskDefinitionCommand)
                .rejects(new ClientException({ message: "The specified task definition is already INACTIVE.", ...meta }));
            const state = stateOf(await checked(SPEC), {
                lastStatus: "RUNNING",
                exitCode: null,
                stopCode: null,
                stoppedReason: null,
                stoppedAt: null,
            });

            await h.clock.run(deleteRun(state, h.ports));

            assert.deepEqual(
                h.ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input),
                [{ cluster: CLUSTER_ARN, task: taskArn("t1"), reason: DELETED_REASON }],
            );
            assert.deepEqual(
                h.ecs.commandCalls(DeregisterTaskDefinitionCommand).map((c) => c.args[0].input),
                [{ taskDefinition: tdArn(FAMILY, 1) }],
            );
            assert.deepEqual(sleepsBesideLease(h), [], "nothing retried");
            assert.deepEqual(h.lines, [], "nothing was stopped or deregistered by this delete");
        });
    }

    it("a definition that no longer exists (ClientException: does not exist) is no error either", async () => {
        const h = harness();
        h.ecs
            .on(DeregisterTaskDefinitionCommand)
            .rejects(new ClientException({ message: "The specified task definition does not exist.", ...meta }));
        await h.clock.run(deleteRun(stateOf(await checked(SPEC)), h.ports));
        assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 1);
    });

    it("another error of DeregisterTaskDefinition fails the delete", async () => {
        const h = harness();
        h.ecs
            .on(DeregisterTaskDefinitionCommand)
            .rejects(new AccessDeniedException({ message: "not authorized to perform: ecs:DeregisterTaskDefinition", ...meta }));
        const err = await rejection(h.clock.run(deleteRun(stateOf(await checked(SPEC)), h.ports)));
        assert.equal(err.name, "AccessDeniedException");
    });

    it("a RUNNING task is stopped with a reason naming the resource, and the definition it registered is deregistered", async () => {
        const h = harness();
        h.ecs.on(StopTaskCommand).resolves({ task: task("t1", "RUNNING", { desiredStatus: "STOPPED" }) });
        h.ecs.on(DeregisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: tdArn(FAMILY, 1), status: "INACTIVE" } });
        const state = stateOf(await checked({ ...SPEC, waitForCompletion: false }), {
            lastStatus: "RUNNING",
            exitCode: null,
            stopCode: null,
            stoppedReason: null,
            stoppedAt: null,
        });

        await h.clock.run(deleteRun(state, h.ports));

        assert.deepEqual(
            h.ecs
                .calls()
                .map((c) => [(c.args[0] as object).constructor.name, (c.args[0] as { input: unknown }).input])
                .filter(([name]) => !SWEEP_COMMANDS.includes(String(name).replace(/Command$/, ""))),
            [
                ["StopTaskCommand", { cluster: CLUSTER_ARN, task: taskArn("t1"), reason: DELETED_REASON }],
                ["DeregisterTaskDefinitionCommand", { taskDefinition: tdArn(FAMILY, 1) }],
            ],
        );
        assert.deepEqual(h.lines, [
            `[migrate] Stopped task ${taskArn("t1")}.`,
            `[migrate] Deregistered task definition ${tdArn(FAMILY, 1)}.`,
        ]);
    });

    it("a STOPPED task is not stopped again", async () => {
        const h = harness();
        h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
        await h.clock.run(deleteRun(stateOf(await checked(SPEC)), h.ports));
        assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 0);
        assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 1);
    });

    it("deregisters only when taskDefinitionRegistered and autoDeregisterTaskDefinition", async () => {
        const cases: [string, boolean, boolean | undefined, number][] = [
            ["registered, default", true, undefined, 1],
            ["registered, autoDeregisterTaskDefinition true", true, true, 1],
            ["registered, autoDeregisterTaskDefinition false", true, false, 0],
            ["reused (not registered by this resource)", false, true, 0],
        ];
        for (const [what, registered, autoDeregister, expected] of cases) {
            const h = harness();
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            const spec = autoDeregister === undefined ? SPEC : { ...SPEC, autoDeregisterTaskDefinition: autoDeregister };
            await h.clock.run(deleteRun(stateOf(await checked(spec), { taskDefinitionRegistered: registered }), h.ports));
            assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, expected, what);
        }
    });

    it("a definition given by taskDefinitionArn is never deregistered", async () => {
        const h = harness();
        h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
        h.ecs.on(StopTaskCommand).resolves({ task: task("t1", "RUNNING") });
        const given = tdArn("base", 3);
        const state = stateOf(await checked({ taskDefinitionArn: given, autoDeregisterTaskDefinition: true }), {
            taskDefinitionArn: given,
            taskDefinitionRegistered: false,
            lastStatus: "RUNNING",
        });
        assert.equal(state.requestedTaskDefinitionArn, given);

        await h.clock.run(deleteRun(state, h.ports));

        assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 0);
        assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 1);
    });
});

describe("lifecycle/readRun against faked SDK clients", () => {
    const running = { lastStatus: "RUNNING", exitCode: null, stopCode: null, stoppedReason: null, stoppedAt: null };

    it("a task now STOPPED: status, exit code, stop code and reason, stoppedAt are updated", async () => {
        const h = harness();
        h.ecs.on(DescribeTasksCommand).resolves({
            tasks: [
                task("t1", "STOPPED", {
                    stopCode: "EssentialContainerExited",
                    stoppedReason: "Essential container in task exited",
                    startedAt: new Date("2024-01-01T00:00:01.000Z"),
                    stoppedAt: new Date("2024-01-01T00:10:00.000Z"),
                    containers: [
                        { name: "sidecar", exitCode: 0 },
                        { name: "main", exitCode: 3 },
                    ],
                }),
            ],
            failures: [],
        });
        const state = stateOf(await checked({ ...SPEC, waitForCompletion: false }), running);

        const read = await h.clock.run(readRun(state, h.ports));

        assert.deepEqual(
            h.ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input),
            [{ cluster: CLUSTER_ARN, tasks: [taskArn("t1")], include: ["TAGS"] }],
        );
        assert.deepEqual(read, {
            ...state,
            lastStatus: "STOPPED",
            exitCode: 3,
            stopCode: "EssentialContainerExited",
            stoppedReason: "Essential container in task exited",
            startedAt: "2024-01-01T00:00:01.000Z",
            stoppedAt: "2024-01-01T00:10:00.000Z",
            containers: [
                { name: "sidecar", lastStatus: null, exitCode: 0, reason: null },
                { name: "main", lastStatus: null, exitCode: 3, reason: null },
            ],
            // The last attempt's record is brought up to date too.
            attempts: [
                {
                    attempt: 1,
                    taskArn: taskArn("t1"),
                    stopCode: "EssentialContainerExited",
                    stoppedReason: "Essential container in task exited",
                    exitCode: 3,
                    startedAt: "2024-01-01T00:00:01.000Z",
                    stoppedAt: "2024-01-01T00:10:00.000Z",
                },
            ],
        });
    });

    it("a definition given by ARN without containerName: the exit code is read from the task's one container", async () => {
        const h = harness();
        h.ecs.on(DescribeTasksCommand).resolves({
            tasks: [task("t1", "STOPPED", { stopCode: "EssentialContainerExited", containers: [{ name: "app", exitCode: 4 }] })],
            failures: [],
        });
        const inputs = await checked({ taskDefinitionArn: tdArn("shared", 3), command: ["./job"] });
        assert.equal(inputs.plan.containerName, PLACEHOLDER.containerName, "preview cannot know the container's name");
        const read = await h.clock.run(readRun(stateOf(inputs, running), h.ports));
        assert.equal(read.exitCode, 4);
    });

    it("a task ECS no longer knows (MISSING): the state is unchanged", async () => {
        const h = harness();
        h.ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: taskArn("t1"), reason: "MISSING" }] });
        const state = stateOf(await checked(SPEC), running);
        const read = await h.clock.run(readRun(state, h.ports));
        assert.deepEqual(read, state);
        assert.equal(h.ecs.commandCalls(DescribeTasksCommand).length, 1);
    });

    it("a cluster that is gone (ClusterNotFoundException): the state is unchanged, nothing retried", async () => {
        const h = harness();
        h.ecs.on(DescribeTasksCommand).rejects(new ClusterNotFoundException({ message: "Cluster not found.", ...meta }));
        const state = stateOf(await checked(SPEC), running);
        const read = await h.clock.run(readRun(state, h.ports));
        assert.deepEqual(read, state);
        assert.equal(h.ecs.commandCalls(DescribeTasksCommand).length, 1);
        assert.deepEqual(sleepsBesideLease(h), []);
    });

    it("another error (access denied) fails the read", async () => {
        const h = harness();
        h.ecs
            .on(DescribeTasksCommand)
            .rejects(new AccessDeniedException({ message: "not authorized to perform: ecs:DescribeTasks", ...meta }));
        const err = await rejection(h.clock.run(readRun(stateOf(await checked(SPEC), running), h.ports)));
        assert.equal(err.name, "AccessDeniedException");
    });
});

describe("provider diff (ecsTaskRunProvider.diff)", () => {
    const diff = ecsTaskRunProvider.diff!.bind(ecsTaskRunProvider);

    it("the same inputs: no change", async () => {
        const olds = stateOf(await checked(SPEC));
        assert.deepEqual(await diff(olds.taskArn, olds, await checked(SPEC)), { changes: false, replaces: [] });
    });

    it("a changed command replaces (runs again)", async () => {
        const olds = stateOf(await checked(SPEC));
        const out = await diff(olds.taskArn, olds, await checked({ ...SPEC, command: ["./migrate", "--down"] }));
        assert.equal(out.changes, true);
        assert.deepEqual(out.replaces, ["command"]);
    });

    it("a changed poll interval is an update in place: changes, no replaces", async () => {
        const olds = stateOf(await checked(SPEC));
        const out = await diff(olds.taskArn, olds, await checked({ ...SPEC, taskWatchPollInterval: 15 }));
        assert.deepEqual(out, { changes: true, replaces: [] });
    });

    it("a run of a definition given by ARN: the ARN that ran (a new revision) is no change of the input", async () => {
        const spec: TaskRunSpec = { taskDefinitionArn: tdArn("base", 3), image: "registry.example.com/app:2" };
        const olds = stateOf(await checked(spec), { taskDefinitionArn: tdArn("base", 4) });
        assert.deepEqual(await diff(olds.taskArn, olds, await checked(spec)), { changes: false, replaces: [] });
        const other = await diff(olds.taskArn, olds, await checked({ ...spec, taskDefinitionArn: tdArn("base", 5) }));
        assert.deepEqual(other, { changes: true, replaces: ["taskDefinitionArn"] });
    });
});
