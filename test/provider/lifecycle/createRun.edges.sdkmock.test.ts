/**
 * `createRun` at the edges the main tests leave open, through `createRun` (and `logLocation`)
 * only: a definition given by ARN that is not found or lacks the container, runs that return at
 * RUNNING, failure messages without an exit code or without logs, a long log, streaming while the
 * task runs, adopting a started-anyway task that DescribeTasks does not know yet, and what is said
 * along the way. Against faked SDK clients on a fake clock (see sdkMocks.ts).
 */
import assert from "node:assert/strict";
import { GetLogEventsCommand, type GetLogEventsCommandInput } from "@aws-sdk/client-cloudwatch-logs";
import {
    ClientException,
    ClusterNotFoundException,
    DeregisterTaskDefinitionCommand,
    DescribeTaskDefinitionCommand,
    DescribeTasksCommand,
    ListTasksCommand,
    RunTaskCommand,
    StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { trackedTasks } from "../../../provider/lifecycle/activeTasks";
import { createRun, logLocation } from "../../../provider/lifecycle/createRun";
import { resetRegistrationMemory } from "../../../provider/run/registration";
import type { TaskDefinition } from "../../../provider/types";
import {
    CLUSTER_ARN,
    checked,
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
} from "./sdkMocks";

const STARTED_AT = new Date("2024-01-01T00:00:01.000Z");
const STOPPED_AT = new Date("2024-01-01T00:00:04.000Z");
const meta = { $metadata: { httpStatusCode: 400 } };

function exited(id: string, exitCode: number | undefined, extra: Parameters<typeof task>[2] = {}) {
    return task(id, "STOPPED", {
        startedAt: STARTED_AT,
        stoppedAt: STOPPED_AT,
        stopCode: "EssentialContainerExited",
        stoppedReason: "Essential container in task exited",
        containers: [{ name: "main", lastStatus: "STOPPED", ...(exitCode === undefined ? {} : { exitCode }) }],
        ...extra,
    });
}

/** A log stream whose lines are all on the first page. */
function onePage(lines: string[]) {
    return (input: GetLogEventsCommandInput) =>
        input.nextToken
            ? { events: [], nextForwardToken: input.nextToken }
            : { events: lines.map((message, i) => ({ message, timestamp: T0 + i })), nextForwardToken: "f1" };
}

const BASE_ARN = tdArn("base", 3);
const BASE: TaskDefinition = {
    taskDefinitionArn: BASE_ARN,
    family: "base",
    revision: 3,
    status: "ACTIVE",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "256",
    memory: "512",
    executionRoleArn: EXEC_ROLE,
    containerDefinitions: [
        { name: "app", image: "registry.example.com/app:1", essential: true },
        { name: "side", image: "registry.example.com/side:1", essential: false },
    ],
};

describe("lifecycle/createRun: edges", () => {
    beforeEach(() => resetRegistrationMemory());
    afterEach(() => resetRegistrationMemory());

    describe("a task definition given by ARN", () => {
        it("not found: fails naming the ARN and the region, before anything runs", async () => {
            const h = harness();
            h.ecs
                .on(DescribeTaskDefinitionCommand)
                .rejects(new ClientException({ message: "Unable to describe task definition.", ...meta }));
            const inputs = await checked({ taskDefinitionArn: "gone:1", command: ["true"] });
            const err = await rejection(h.clock.run(createRun(inputs, h.ports)));
            assert.equal(err.message, "`taskDefinitionArn` gone:1 was not found in us-east-1: check the ARN or family and the region.");
            assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 0);
        });

        it("without the container named and without an image to add it: fails listing its containers", async () => {
            const h = harness();
            h.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: BASE as never });
            const inputs = await checked({ taskDefinitionArn: BASE_ARN, containerName: "web", command: ["true"] });
            const err = await rejection(h.clock.run(createRun(inputs, h.ports)));
            assert.equal(
                err.message,
                `\`containerName\` web is not a container of task definition ${BASE_ARN} and no \`image\` was given to add it: use one of its containers (app, side) or give \`image\`.`,
            );
            assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 0);
        });

        it("naming one of its containers (not the first): that container is run, with the definition as it is", async () => {
            const h = harness();
            defaultVpc(h);
            h.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: BASE as never });
            const ran = { taskArn: taskArn("t2"), taskDefinitionArn: BASE_ARN };
            h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t2", "PROVISIONING", ran)], failures: [] });
            describeScript(h, { watched: [exited("t2", 0, { ...ran, containers: [{ name: "side", exitCode: 0 }] })] });
            const inputs = await checked({ taskDefinitionArn: BASE_ARN, containerName: "side", command: ["true"] });
            const result = await h.clock.run(createRun(inputs, h.ports));
            assert.equal(result.taskDefinitionArn, BASE_ARN);
            assert.equal(result.exitCode, 0);
            assert.deepEqual(h.ecs.commandCalls(RunTaskCommand)[0].args[0].input.overrides?.containerOverrides, [
                { name: "side", command: ["true"] },
            ]);
        });
    });

    it("waitForCompletion false: returns at RUNNING with the lines read so far; the task and its watch are left alone", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
        describeScript(h, { watched: [task("t1", "RUNNING", { startedAt: STARTED_AT })] });
        h.logs.on(GetLogEventsCommand).callsFake(onePage(["starting"]));
        const inputs = await checked({
            image: "alpine:3.20",
            command: ["serve"],
            executionRoleArn: EXEC_ROLE,
            configureCloudwatchLogs: true,
            waitForCompletion: false,
        });

        const result = await h.clock.run(createRun(inputs, h.ports));

        assert.equal(result.lastStatus, "RUNNING");
        assert.equal(result.exitCode, null);
        assert.deepEqual(result.logTail, ["starting"]);
        assert.equal(h.ecs.commandCalls(StopTaskCommand).length, 0);
        assert.deepEqual(trackedTasks(), []);
        assert.equal(h.watcher.watchedTasks(), 0, "the wait for STOPPED was given up");
    });

    describe("failure messages", () => {
        it("no exit code, a task description without the container's ARN: 'no exit code', the registered ARN", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
            describeScript(h, { watched: [exited("t1", undefined, { taskDefinitionArn: undefined })] });
            const inputs = await checked({ image: "alpine:3.20", command: ["true"], failOnNonZeroExit: false });
            const result = await h.clock.run(createRun(inputs, h.ports));
            assert.equal(result.exitCode, null);
            assert.equal(result.taskDefinitionArn, tdArn(FAMILY, 1));

            const g = harness();
            defaultVpc(g);
            freshFamily(g);
            g.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            g.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
            describeScript(g, { watched: [exited("t1", undefined, { containers: [] })] });
            const err = await rejection(g.clock.run(createRun(await checked({ image: "alpine:3.20", command: ["true"] }), g.ports)));
            assert.match(err.message, /container main stopped with no exit code \(/);
            assert.match(err.message, /\nNo logs: set `configureCloudwatchLogs` \(or `streamOutput`\) to see the container's output\.$/);
        });

        it("logs configured but empty: says where it looked; a long log: the last 20 lines only", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
            describeScript(h, { watched: [exited("t1", 2)] });
            h.logs.on(GetLogEventsCommand).callsFake(onePage([]));
            const inputs = await checked({
                image: "alpine:3.20",
                command: ["true"],
                executionRoleArn: EXEC_ROLE,
                configureCloudwatchLogs: true,
            });
            const err = await rejection(h.clock.run(createRun(inputs, h.ports)));
            assert.match(err.message, new RegExp(`\\nNo log lines were found in ecs-task-run/${FAMILY}/main/t1\\.$`));

            const g = harness();
            defaultVpc(g);
            freshFamily(g);
            g.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            g.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
            describeScript(g, { watched: [exited("t1", 2)] });
            g.logs.on(GetLogEventsCommand).callsFake(onePage(Array.from({ length: 25 }, (_, i) => `line ${i + 1}`)));
            const long = await rejection(g.clock.run(createRun(inputs, g.ports)));
            const expectedTail = Array.from({ length: 20 }, (_, i) => `line ${i + 6}`).join("\n  ");
            assert.ok(long.message.endsWith(`\nLast 20 log lines of ${FAMILY}/main/t1:\n  ${expectedTail}`), long.message);
        });

        it("a failure after the task started stops it with a reason that says the run failed", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            h.ecs.on(StopTaskCommand).resolves({});
            h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
            h.ecs.on(DescribeTasksCommand).rejects(new ClientException({ message: "bad request", ...meta }));
            await rejection(h.clock.run(createRun(await checked({ image: "alpine:3.20", command: ["true"] }), h.ports)));
            const reasons = h.ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input.reason);
            assert.equal(reasons.length, 1);
            assert.match(reasons[0] ?? "", /^Stopped by Pulumi EcsTaskRun "migrate": the run failed: /);
        });

        it("autoDeregisterTaskDefinition false: a failed run keeps the definition it registered", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            h.ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: "ATTRIBUTE" }] });
            const inputs = await checked({ image: "alpine:3.20", command: ["true"], autoDeregisterTaskDefinition: false });
            await rejection(h.clock.run(createRun(inputs, h.ports)));
            assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 0);
        });

        it("a cluster not found, with no cluster given, is named `default`", async () => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
            h.ecs.on(ListTasksCommand).rejects(new ClusterNotFoundException({ message: "Cluster not found.", ...meta }));
            const err = await rejection(h.clock.run(createRun(await checked({ image: "alpine:3.20", command: ["true"] }), h.ports)));
            assert.match(err.message, /^Cluster default was not found in us-east-1: create it/);
        });
    });

    it("what it says along the way names the family, the cluster and the task", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING", { clusterArn: CLUSTER_ARN })], failures: [] });
        describeScript(h, { watched: [exited("t1", 0)] });
        await h.clock.run(createRun(await checked({ image: "alpine:3.20", command: ["true"], cluster: "jobs" }), h.ports));
        const said = h.lines.filter((l) => l.startsWith("[migrate] "));
        assert.deepEqual(said.slice(0, 3), [
            `[migrate] Preparing task definition family ${FAMILY}...`,
            "[migrate] Running task in cluster jobs...",
            `[migrate] Started task ${taskArn("t1")}.`,
        ]);
        const g = harness();
        defaultVpc(g);
        freshFamily(g);
        g.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
        describeScript(g, { watched: [exited("t1", 0)] });
        await g.clock.run(createRun(await checked({ image: "alpine:3.20", command: ["true"] }), g.ports));
        assert.ok(g.lines.includes("[migrate] Running task in cluster default..."), g.lines.join("\n"));
    });

    it("streaming: the log is read every second while the task runs; without streamOutput only after it stopped", async () => {
        const run = async (streamOutput: boolean) => {
            const h = harness();
            defaultVpc(h);
            freshFamily(h);
            h.ecs.on(RunTaskCommand).resolves({ tasks: [task("t1", "PROVISIONING")], failures: [] });
            const running = Array.from({ length: 4 }, () => task("t1", "RUNNING", { startedAt: STARTED_AT }));
            const seen = describeScript(h, { watched: [...running, exited("t1", 0)] });
            const readsWhileRunning: number[] = [];
            h.logs.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput) => {
                if (!seen.some((t) => t.lastStatus === "STOPPED")) readsWhileRunning.push(h.clock.now() - T0);
                return onePage(["hello"])(input);
            });
            const inputs = await checked({
                image: "alpine:3.20",
                command: ["true"],
                executionRoleArn: EXEC_ROLE,
                configureCloudwatchLogs: true,
                streamOutput,
                taskWatchPollInterval: 5,
            });
            const result = await h.clock.run(createRun(inputs, h.ports));
            assert.deepEqual(result.logTail, ["hello"]);
            return { readsWhileRunning, lines: h.lines };
        };
        const streamed = await run(true);
        assert.ok(streamed.readsWhileRunning.length >= 5, `reads ${streamed.readsWhileRunning.join(",")}`);
        const gaps = streamed.readsWhileRunning.slice(2).map((t, i) => t - streamed.readsWhileRunning[i + 1]);
        assert.ok(
            gaps.every((g) => g === 0 || g === 1000),
            `gaps ${gaps.join(",")}`,
        );
        assert.ok(streamed.lines.includes("hello"));
        const quiet = await run(false);
        assert.deepEqual(quiet.readsWhileRunning, []);
        assert.ok(!quiet.lines.includes("hello"), "not written to the output");
    });

    it("a started-anyway task that DescribeTasks does not know yet is waited for and adopted", async () => {
        const h = harness();
        defaultVpc(h);
        freshFamily(h);
        h.ecs
            .on(ListTasksCommand)
            .resolvesOnce({ taskArns: [] })
            .resolves({ taskArns: [taskArn("t9")] });
        h.ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: "RESOURCE:CPU" }] });
        const inputs = await checked({ image: "alpine:3.20", command: ["true"] });
        // The adopt lookup (with tags) does not know t9 yet (MISSING); the watcher sees it later.
        describeScript(h, {
            tagged: [],
            watched: [
                task("t9", "PROVISIONING", { taskArn: taskArn("t9"), tags: [hashTagOf(inputs)] }),
                exited("t9", 0, { taskArn: taskArn("t9") }),
            ],
        });

        const result = await h.clock.run(createRun(inputs, h.ports));

        assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1);
        assert.equal(result.taskArn, taskArn("t9"));
        assert.equal(result.exitCode, 0);
        assert.ok(
            h.lines.includes(`[migrate] RunTask reported RESOURCE:CPU, but started task ${taskArn("t9")}: using it.`),
            h.lines.join("\n"),
        );
    });

    describe("logLocation", () => {
        const td = (logConfiguration: unknown): TaskDefinition => ({
            containerDefinitions: [{ name: "main", image: "a", logConfiguration } as never],
        });
        const arn = taskArn("abc");

        it("names the awslogs stream of the container: <prefix>/<container>/<task id>", () => {
            assert.deepEqual(
                logLocation(td({ logDriver: "awslogs", options: { "awslogs-group": "g", "awslogs-stream-prefix": "p" } }), "main", arn),
                { group: "g", stream: "p/main/abc" },
            );
        });

        it("is undefined when the stream cannot be named", () => {
            assert.equal(logLocation(null, "main", arn), undefined);
            assert.equal(logLocation({}, "main", arn), undefined);
            assert.equal(
                logLocation(td({ logDriver: "awslogs", options: { "awslogs-group": "g", "awslogs-stream-prefix": "p" } }), "other", arn),
                undefined,
            );
            assert.equal(logLocation(td(undefined), "main", arn), undefined);
            assert.equal(
                logLocation(td({ logDriver: "splunk", options: { "awslogs-group": "g", "awslogs-stream-prefix": "p" } }), "main", arn),
                undefined,
            );
            assert.equal(logLocation(td({ logDriver: "awslogs" }), "main", arn), undefined);
            assert.equal(logLocation(td({ logDriver: "awslogs", options: { "awslogs-group": "g" } }), "main", arn), undefined);
            assert.equal(logLocation(td({ logDriver: "awslogs", options: { "awslogs-stream-prefix": "p" } }), "main", arn), undefined);
        });
    });
});
