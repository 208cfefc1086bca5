/**
 * createRun's Prefect-parity behaviours against faked SDK clients: sidecars' exit codes, the
 * `containers` output, the container choice of a definition given by ARN, `executionRoleArn` as a
 * RunTask override, and the specific advice for two failures Prefect names.
 */
import assert from "node:assert/strict";
import {
    DeregisterTaskDefinitionCommand,
    DescribeTaskDefinitionCommand,
    InvalidParameterException,
    RegisterTaskDefinitionCommand,
    RunTaskCommand,
    type Task,
} from "@aws-sdk/client-ecs";
import { trackedTasks } from "../../../provider/lifecycle/activeTasks";
import { createRun } from "../../../provider/lifecycle/createRun";
import { resetRegistrationMemory } from "../../../provider/run/registration";
import { checked, defaultVpc, describeScript, EXEC_ROLE, FAMILY, freshFamily, harness, rejection, task, taskArn, tdArn } from "./sdkMocks";

const STARTED_AT = new Date("2024-01-01T00:00:01.000Z");
const STOPPED_AT = new Date("2024-01-01T00:00:04.000Z");

/** An inline definition whose first container is a sidecar. */
const WITH_SIDECAR = {
    executionRoleArn: EXEC_ROLE,
    containerDefinitions: [
        { name: "log-router", image: "fluent-bit:3" },
        { name: "app", image: "app:1" },
    ],
};

/** A task that stopped with these containers. */
function stopped(containers: NonNullable<Task["containers"]>, extra: Partial<Task> = {}): Task {
    return task("t1", "STOPPED", {
        startedAt: STARTED_AT,
        stoppedAt: STOPPED_AT,
        stopCode: "EssentialContainerExited",
        stoppedReason: "Essential container in task exited",
        containers,
        ...extra,
    });
}

describe("lifecycle/createRun: Prefect parity against faked SDK clients", () => {
    beforeEach(() => resetRegistrationMemory());

    async function runWithSidecar(containers: NonNullable<Task["containers"]>, spec: Record<string, unknown> = {}) {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
        describeScript(h, { watched: [stopped(containers)] });
        const inputs = await checked({ taskDefinition: WITH_SIDECAR, containerName: "app", command: ["./job"], ...spec });
        return { h, run: h.clock.run(createRun(inputs, h.ports)) };
    }

    it("records every container in `containers`; a sidecar stopped with the task (143 after the run's container exited) is no failure", async () => {
        const { h, run } = await runWithSidecar([
            { name: "log-router", lastStatus: "STOPPED", exitCode: 143 },
            { name: "app", lastStatus: "STOPPED", exitCode: 0 },
        ]);
        const result = await run;
        assert.deepEqual(result.containers, [
            { name: "log-router", lastStatus: "STOPPED", exitCode: 143, reason: null },
            { name: "app", lastStatus: "STOPPED", exitCode: 0, reason: null },
        ]);
        assert.equal(result.exitCode, 0);
        const sent = h.ecs.commandCalls(RunTaskCommand)[0].args[0].input;
        assert.deepEqual(sent.overrides?.containerOverrides, [{ name: "app", command: ["./job"] }]);
        const registered = h.ecs.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input;
        assert.deepEqual(
            registered.containerDefinitions?.map((c) => [c.name, c.image]),
            [
                ["log-router", "fluent-bit:3"],
                ["app", "app:1"],
            ],
        );
    });

    it("fails when another essential container exits non-zero, naming it, though the run's container exited 0", async () => {
        const { run } = await runWithSidecar([
            { name: "log-router", lastStatus: "STOPPED", exitCode: 1, reason: "config error" },
            { name: "app", lastStatus: "STOPPED", exitCode: 0 },
        ]);
        const err = await rejection(run);
        assert.equal(err.name, "RunFailedError");
        assert.equal(
            err.message,
            `Task ${taskArn("t1")} failed: essential container log-router (exit code 1, "config error") exited non-zero, while container app (the run's) exited with code 0 ` +
                '(stop code EssentialContainerExited; reason "Essential container in task exited"; container log-router: exit code 1, ' +
                "\"config error\"; container app: exit code 0). An essential container's failure is the task's: fix it, mark it `essential: false` in the " +
                "task definition if the run does not depend on it, or set `failOnNonZeroExit` to false to record the codes without failing.",
        );
        assert.deepEqual(trackedTasks(), []);
    });

    it("does not fail on a sidecar marked essential: false, nor with failOnNonZeroExit false", async () => {
        const containers = [
            { name: "log-router", lastStatus: "STOPPED", exitCode: 1 },
            { name: "app", lastStatus: "STOPPED", exitCode: 0 },
        ];
        const optional = {
            ...WITH_SIDECAR,
            containerDefinitions: [{ ...WITH_SIDECAR.containerDefinitions[0], essential: false }, WITH_SIDECAR.containerDefinitions[1]],
        };
        assert.equal((await (await runWithSidecar(containers, { taskDefinition: optional })).run).exitCode, 0);
        const recorded = await (await runWithSidecar(containers, { failOnNonZeroExit: false })).run;
        assert.deepEqual(
            recorded.containers.map((c) => c.exitCode),
            [1, 0],
        );
    });

    it("a definition given by ARN with several containers and no containerName fails before RunTask, naming them", async () => {
        const h = harness();
        const arn = tdArn("app", 3);
        h.ecs.on(DescribeTaskDefinitionCommand).resolves({
            taskDefinition: {
                ...WITH_SIDECAR,
                taskDefinitionArn: arn,
                family: "app",
                revision: 3,
                status: "ACTIVE",
                networkMode: "awsvpc",
            } as never,
        });
        const inputs = await checked({ taskDefinitionArn: arn, command: ["./job"] });
        const err = await rejection(h.clock.run(createRun(inputs, h.ports)));
        assert.equal(
            err.message,
            `Task definition ${arn} has 2 containers (log-router, app) and no \`containerName\` says which one runs the command: ` +
                "set `containerName` to one of them (the others run beside it as sidecars).",
        );
        assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 0);
        assert.equal(h.ecs.commandCalls(RegisterTaskDefinitionCommand).length, 0);
    });

    it("sends executionRoleArn with a definition given by ARN as a RunTask override, registering no revision", async () => {
        const h = harness();
        defaultVpc(h);
        const arn = tdArn("app", 3);
        const base = {
            taskDefinitionArn: arn,
            family: "app",
            revision: 3,
            status: "ACTIVE",
            networkMode: "awsvpc",
            cpu: "256",
            memory: "512",
            requiresCompatibilities: ["FARGATE"],
            containerDefinitions: [{ name: "app", image: "app:1" }],
        };
        h.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: base as never });
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING", { taskDefinitionArn: arn })], failures: [] });
        describeScript(h, { watched: [stopped([{ name: "app", lastStatus: "STOPPED", exitCode: 0 }], { taskDefinitionArn: arn })] });
        const role = "arn:aws:iam::123456789012:role/other-exec";
        const inputs = await checked({ taskDefinitionArn: arn, executionRoleArn: role });

        const result = await h.clock.run(createRun(inputs, h.ports));

        assert.equal(h.ecs.commandCalls(RegisterTaskDefinitionCommand).length, 0);
        const sent = h.ecs.commandCalls(RunTaskCommand)[0].args[0].input;
        assert.deepEqual([sent.taskDefinition, sent.overrides?.executionRoleArn], [arn, role]);
        assert.deepEqual([result.taskDefinitionArn, result.taskDefinitionRegistered], [arn, false]);
    });

    it("advises on an execution role that cannot create the log stream (Prefect's message, with the role)", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
        const reason =
            "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: " +
            "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/exec/abc is not authorized to perform: logs:CreateLogStream : exit status 1";
        describeScript(h, {
            watched: [
                task("t1", "STOPPED", {
                    stopCode: "TaskFailedToStart",
                    stoppedReason: reason,
                    containers: [{ name: "main", lastStatus: "STOPPED" }],
                }),
            ],
        });
        const inputs = await checked({ image: "alpine:3.20", executionRoleArn: EXEC_ROLE, streamOutput: true });

        const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

        assert.equal(
            err.message,
            `Task ${taskArn("t1")} failed to start: stop code TaskFailedToStart; reason "${reason}". The execution role ${EXEC_ROLE} may not create ` +
                "the container's log stream: give it logs:CreateLogStream, logs:CreateLogGroup and logs:PutLogEvents (AWS's " +
                "AmazonECSTaskExecutionRolePolicy plus logs:CreateLogGroup), or set `executionRoleArn` to a role that has them.",
        );
    });

    it("advises on an EC2 cluster with no container instances (Prefect's message)", async () => {
        const h = harness();
        freshFamily(h);
        h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
        h.ecs.on(RunTaskCommand).rejects(
            new InvalidParameterException({
                message: "No Container Instances were found in your cluster.",
                $metadata: { httpStatusCode: 400 },
            }),
        );
        const inputs = await checked({ image: "alpine:3.20", launchType: "EC2", cluster: "batch" });

        const err = await rejection(h.clock.run(createRun(inputs, h.ports)));

        assert.equal(err.name, "RunFailedError");
        assert.equal(
            err.message,
            "Cluster batch has no container instances, so launch type EC2 has nowhere to run the task: add EC2 container instances registered to it " +
                '(an Auto Scaling group or capacity provider whose instances run the ECS agent), or run on Fargate (`launchType: "FARGATE"`). ' +
                "(No Container Instances were found in your cluster.)",
        );
        assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1, "not retried: retrying cannot add instances");
        assert.deepEqual(
            h.ecs.commandCalls(DeregisterTaskDefinitionCommand).map((c) => c.args[0].input),
            [{ taskDefinition: tdArn(FAMILY, 1) }],
        );
    });
});
