import assert from "node:assert/strict";
import { CloudWatchLogsClient, GetLogEventsCommand, ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import {
    ClientException,
    DeregisterTaskDefinitionCommand,
    DescribeTaskDefinitionCommand,
    DescribeTasksCommand,
    ECSClient,
    RegisterTaskDefinitionCommand,
    RunTaskCommand,
    ServerException,
    StopTaskCommand,
    type Task,
    UntagResourceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import type { RunPorts } from "../../../provider/lifecycle/runPorts";
import { makeAwsRunServices } from "../../../provider/run/awsRunServices";
import { resetRegistrationMemory } from "../../../provider/run/registration";
import type { TaskWaiter } from "../../../provider/run/waiting";
import { FakeClock } from "../aws/fakeClock";

const credentials = { accessKeyId: "AKID", secretAccessKey: "SECRET" };
const meta = { $metadata: { httpStatusCode: 400 } };

function setup(extra: { watcher?: TaskWaiter } = {}) {
    const config = { region: "us-east-1", credentials };
    const clients = { ecs: new ECSClient(config), ec2: new EC2Client(config), logs: new CloudWatchLogsClient(config) };
    const ecs = mockClient(clients.ecs);
    const logs = mockClient(clients.logs);
    const clock = new FakeClock(0);
    const lines: string[] = [];
    const services = makeAwsRunServices({
        region: "us-east-1",
        equal: () => false,
        clients,
        clock,
        log: (l) => lines.push(l),
        apiDeadlineMs: 60_000,
        ...extra,
    });
    return { services, ecs, logs, clock, lines };
}

describe("run/awsRunServices", () => {
    beforeEach(() => resetRegistrationMemory());
    after(() => resetRegistrationMemory());

    it("has the shape of the lifecycle's RunPorts (less region, clock and log)", () => {
        const { services } = setup();
        const ports: Omit<RunPorts, "region" | "clock" | "log"> = services;
        assert.equal(typeof ports.openLogStream, "function");
        assert.equal(services.newClientToken().length, 36);
        assert.notEqual(services.newClientToken(), services.newClientToken());
    });

    it("RunTask with a clientToken is retried on throttling and server errors", async () => {
        const { services, ecs, clock, lines } = setup();
        ecs.on(RunTaskCommand)
            .rejectsOnce(new ThrottlingException({ message: "Rate exceeded", ...meta }))
            .rejectsOnce(new ServerException({ message: "oops", $metadata: { httpStatusCode: 500 } }))
            .resolves({ tasks: [{ taskArn: "t1" }], failures: [] });
        const out = await clock.run(services.runTask({ cluster: "jobs", taskDefinition: "web:1", clientToken: "tok" }));
        assert.deepEqual(out.tasks, [{ taskArn: "t1" }]);
        assert.equal(ecs.commandCalls(RunTaskCommand).length, 3);
        assert.ok(ecs.commandCalls(RunTaskCommand).every((c) => c.args[0].input.clientToken === "tok"));
        assert.match(lines[0], /RunTask in cluster jobs: ThrottlingException: Rate exceeded; attempt 2 in \d+ ms/);
    });

    it("RunTask without a clientToken is retried on throttling only (a server error may have started a task)", async () => {
        const { services, ecs, clock } = setup();
        ecs.on(RunTaskCommand)
            .rejectsOnce(new ThrottlingException({ message: "Rate exceeded", ...meta }))
            .rejectsOnce(new ServerException({ message: "oops", $metadata: { httpStatusCode: 500 } }))
            .resolves({ tasks: [{ taskArn: "t1" }] });
        await assert.rejects(clock.run(services.runTask({ cluster: "jobs", taskDefinition: "web:1" })), { name: "ServerException" });
        assert.equal(ecs.commandCalls(RunTaskCommand).length, 2);
    });

    it("describeTasks asks for tags in calls of 100", async () => {
        const { services, ecs, clock } = setup();
        ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
            tasks: input.tasks.map((t) => ({ taskArn: t })),
            failures: [],
        }));
        const arns = Array.from({ length: 150 }, (_, i) => `arn:aws:ecs:us-east-1:1:task/jobs/${i}`);
        const out = await clock.run(services.describeTasks("jobs", arns));
        assert.equal(out.tasks.length, 150);
        assert.deepEqual(
            ecs.commandCalls(DescribeTasksCommand).map((c) => [c.args[0].input.tasks?.length, c.args[0].input.include]),
            [
                [100, ["TAGS"]],
                [50, ["TAGS"]],
            ],
        );
    });

    it("acquires a definition through the registration layer with its ownership tags, and releases it", async () => {
        const { services, ecs, clock } = setup();
        ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: "web" }).rejects(
            new ClientException({ message: "Unable to describe task definition.", ...meta }),
        );
        ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { family: "web", taskDefinitionArn: "arn:td/web:1" } });
        ecs.on(UntagResourceCommand).resolves({});
        ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: "arn:td/web:1", include: ["TAGS"] }).resolves({
            taskDefinition: { family: "web", taskDefinitionArn: "arn:td/web:1", status: "ACTIVE" },
            tags: [{ key: "ecs-task-run:managed", value: "true" }],
        });
        ecs.on(DeregisterTaskDefinitionCommand).resolves({});
        const identity = { startedBy: `etr-${"a".repeat(32)}`, inputsHash: "b".repeat(32) };
        const a = await clock.run(services.acquireTaskDefinition({ family: "web" }, identity, { deregisterUnused: true }));
        assert.deepEqual(a, { arn: "arn:td/web:1", use: `ecs-task-run:use:${"a".repeat(16)}.${"b".repeat(12)}.0`, source: "registered" });
        assert.deepEqual(ecs.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input.tags, [
            { key: "ecs-task-run:managed", value: "true" },
            { key: a.use, value: `pending:${new Date(clock.now() + 900_000).toISOString()}` },
        ]);
        assert.equal(await clock.run(services.releaseTaskDefinitionUse(a.arn, a.use, { deregister: true })), "deregistered");
        assert.deepEqual(ecs.commandCalls(UntagResourceCommand)[0].args[0].input, { resourceArn: "arn:td/web:1", tagKeys: [a.use] });
        assert.equal(ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 1);
    });

    it("stopTask is retried on throttling; waitForTask uses the given watcher", async () => {
        const calls: string[] = [];
        const watcher: TaskWaiter = {
            describeCalls: 0,
            rounds: 0,
            waitFor: async (cluster, taskArn) => {
                calls.push(`${cluster} ${taskArn}`);
                return { taskArn, lastStatus: "STOPPED" } as Task;
            },
        };
        const { services, ecs, clock } = setup({ watcher });
        ecs.on(StopTaskCommand)
            .rejectsOnce(new ThrottlingException({ message: "Rate exceeded", ...meta }))
            .resolves({ task: { lastStatus: "RUNNING" } });
        assert.equal(await clock.run(services.stopTask("jobs", "t1", "why")), "stopped");
        const task = await services.waitForTask("c", "t1", () => true, { pollIntervalMs: 1000 });
        assert.equal(task.lastStatus, "STOPPED");
        assert.deepEqual(calls, ["c t1"]);
    });

    it("openLogStream reads the stream through GetLogEvents (the shared reader: a page a live read, then on from its token)", async () => {
        const { services, logs, clock } = setup();
        logs.on(GetLogEventsCommand)
            .resolvesOnce({ events: [{ message: "one" }, { message: "two" }], nextForwardToken: "f1" })
            .resolves({ events: [], nextForwardToken: "f1" });
        const relayed: string[] = [];
        const reader = services.openLogStream("grp", "web/main/abc", (l) => relayed.push(l));
        await clock.run(reader.poll());
        assert.deepEqual(relayed, ["one", "two"]);
        assert.deepEqual(reader.tail(), ["one", "two"]);
        await clock.run(reader.poll());
        assert.deepEqual(relayed, ["one", "two"]);
        assert.deepEqual(logs.commandCalls(GetLogEventsCommand)[1].args[0].input, {
            logGroupName: "grp",
            logStreamName: "web/main/abc",
            startFromHead: true,
            nextToken: "f1",
        });
    });
});
