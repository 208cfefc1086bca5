import assert from "node:assert/strict";
import {
    ClientException,
    ClusterNotFoundException,
    DeregisterTaskDefinitionCommand,
    DescribeTaskDefinitionCommand,
    DescribeTasksCommand,
    ECSClient,
    InvalidParameterException,
    ListTaskDefinitionFamiliesCommand,
    ListTaskDefinitionsCommand,
    ListTasksCommand,
    RegisterTaskDefinitionCommand,
    RunTaskCommand,
    StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import {
    deregisterTaskDefinition,
    describeTaskDefinition,
    describeTaskDefinitionWithTags,
    describeTasks,
    isoDate,
    listActiveRevisions,
    listTaskDefinitionFamilies,
    listTasks,
    registerTaskDefinition,
    runTask,
    stopTask,
} from "../../../provider/aws/ecs";

const meta = { $metadata: { httpStatusCode: 400 } };
const ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3";
const TASK = "arn:aws:ecs:us-east-1:123456789012:task/jobs/0123456789abcdef";

function setup() {
    const ecs = new ECSClient({ region: "us-east-1", credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET" } });
    return { ecs, mock: mockClient(ecs) };
}

describe("aws/ecs", () => {
    it("describeTaskDefinition sends the id and returns plain data with ISO dates", async () => {
        const { ecs, mock } = setup();
        mock.on(DescribeTaskDefinitionCommand).resolves({
            taskDefinition: {
                family: "web",
                revision: 3,
                taskDefinitionArn: ARN,
                status: "ACTIVE",
                registeredAt: new Date("2024-05-01T10:00:00Z"),
            },
        });
        const td = await describeTaskDefinition(ecs, "web");
        assert.deepEqual(mock.commandCalls(DescribeTaskDefinitionCommand)[0].args[0].input, { taskDefinition: "web" });
        assert.deepEqual(td, {
            family: "web",
            revision: 3,
            taskDefinitionArn: ARN,
            status: "ACTIVE",
            registeredAt: "2024-05-01T10:00:00.000Z",
        });
    });

    it("describeTaskDefinition maps 'Unable to describe task definition' to null and rethrows other errors", async () => {
        const { ecs, mock } = setup();
        mock.on(DescribeTaskDefinitionCommand, { taskDefinition: "gone" }).rejects(
            new ClientException({ message: "Unable to describe task definition.", ...meta }),
        );
        mock.on(DescribeTaskDefinitionCommand, { taskDefinition: "bad" }).rejects(
            new ClientException({ message: "Invalid revision number.", ...meta }),
        );
        assert.equal(await describeTaskDefinition(ecs, "gone"), null);
        await assert.rejects(describeTaskDefinition(ecs, "bad"), /Invalid revision number/);
    });

    it("describeTaskDefinitionWithTags asks for TAGS and returns them as a record", async () => {
        const { ecs, mock } = setup();
        mock.on(DescribeTaskDefinitionCommand).resolves({
            taskDefinition: { family: "web", taskDefinitionArn: ARN },
            tags: [{ key: "team", value: "data" }, { key: "empty" }],
        });
        const out = await describeTaskDefinitionWithTags(ecs, ARN);
        assert.deepEqual(mock.commandCalls(DescribeTaskDefinitionCommand)[0].args[0].input, { taskDefinition: ARN, include: ["TAGS"] });
        assert.deepEqual(out, { taskDefinition: { family: "web", taskDefinitionArn: ARN }, tags: { team: "data", empty: "" } });
    });

    it("registerTaskDefinition drops the fields AWS adds and sends tags as key/value pairs", async () => {
        const { ecs, mock } = setup();
        mock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { family: "web", taskDefinitionArn: ARN, revision: 3 } });
        const out = await registerTaskDefinition(
            ecs,
            {
                family: "web",
                containerDefinitions: [{ name: "main", image: "alpine" }],
                taskDefinitionArn: "arn:old",
                revision: 2,
                status: "ACTIVE",
                compatibilities: ["EC2", "FARGATE"],
                requiresAttributes: [],
                registeredAt: "2024-01-01T00:00:00Z",
                registeredBy: "me",
                deregisteredAt: undefined,
                cpu: "256",
            },
            { owner: "pulumi" },
        );
        assert.deepEqual(mock.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input, {
            family: "web",
            containerDefinitions: [{ name: "main", image: "alpine" }],
            cpu: "256",
            tags: [{ key: "owner", value: "pulumi" }],
        });
        assert.deepEqual(out, { arn: ARN, taskDefinition: { family: "web", taskDefinitionArn: ARN, revision: 3 } });
    });

    it("registerTaskDefinition sends no tags member without tags, and fails without an ARN in the answer", async () => {
        const { ecs, mock } = setup();
        mock.on(RegisterTaskDefinitionCommand)
            .resolvesOnce({ taskDefinition: { taskDefinitionArn: ARN } })
            .resolves({});
        await registerTaskDefinition(ecs, { family: "web" });
        assert.deepEqual(mock.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input, { family: "web" });
        await assert.rejects(registerTaskDefinition(ecs, { family: "web" }), /without a taskDefinitionArn/);
    });

    it("deregisterTaskDefinition survives what is already gone", async () => {
        const { ecs, mock } = setup();
        mock.on(DeregisterTaskDefinitionCommand, { taskDefinition: "web:1" }).resolves({ taskDefinition: { status: "INACTIVE" } });
        mock.on(DeregisterTaskDefinitionCommand, { taskDefinition: "web:2" }).rejects(
            new ClientException({ message: "The specified task definition is inactive.", ...meta }),
        );
        mock.on(DeregisterTaskDefinitionCommand, { taskDefinition: "web:3" }).rejects(
            new ClientException({ message: "Unable to describe task definition.", ...meta }),
        );
        mock.on(DeregisterTaskDefinitionCommand, { taskDefinition: "web:4" }).rejects(
            new ClientException({ message: "Something else.", ...meta }),
        );
        assert.equal(await deregisterTaskDefinition(ecs, "web:1"), "deregistered");
        assert.equal(await deregisterTaskDefinition(ecs, "web:2"), "already-inactive");
        assert.equal(await deregisterTaskDefinition(ecs, "web:3"), "not-found");
        await assert.rejects(deregisterTaskDefinition(ecs, "web:4"), /Something else/);
    });

    it("runTask sends the request exactly and returns tasks and failures (empty lists when absent)", async () => {
        const { ecs, mock } = setup();
        const request = { cluster: "jobs", taskDefinition: ARN, launchType: "FARGATE", count: 1, clientToken: "tok-1" };
        mock.on(RunTaskCommand)
            .resolvesOnce({ tasks: [], failures: [{ arn: "x", reason: "RESOURCE:CPU" }] })
            .resolves({});
        assert.deepEqual(await runTask(ecs, request), { tasks: [], failures: [{ arn: "x", reason: "RESOURCE:CPU" }] });
        assert.deepEqual(mock.commandCalls(RunTaskCommand)[0].args[0].input, request);
        assert.deepEqual(await runTask(ecs, request), { tasks: [], failures: [] });
    });

    it("describeTasks sends cluster and tasks (and TAGS on request), refuses more than 100, and skips an empty list", async () => {
        const { ecs, mock } = setup();
        mock.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: TASK, lastStatus: "RUNNING" }], failures: [] });
        const out = await describeTasks(ecs, "jobs", [TASK]);
        assert.deepEqual(out, { tasks: [{ taskArn: TASK, lastStatus: "RUNNING" }], failures: [] });
        await describeTasks(ecs, undefined, [TASK], { includeTags: true });
        assert.deepEqual(
            mock.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input),
            [
                { cluster: "jobs", tasks: [TASK] },
                { tasks: [TASK], include: ["TAGS"] },
            ],
        );
        assert.deepEqual(await describeTasks(ecs, "jobs", []), { tasks: [], failures: [] });
        await assert.rejects(
            describeTasks(
                ecs,
                "jobs",
                Array.from({ length: 101 }, (_, i) => `t${i}`),
            ),
            RangeError,
        );
        assert.equal(mock.commandCalls(DescribeTasksCommand).length, 2);
    });

    it("stopTask maps the answers and survives what is already gone", async () => {
        const { ecs, mock } = setup();
        mock.on(StopTaskCommand, { task: "running" }).resolves({ task: { lastStatus: "RUNNING", desiredStatus: "STOPPED" } });
        mock.on(StopTaskCommand, { task: "stopped" }).resolves({ task: { lastStatus: "STOPPED" } });
        mock.on(StopTaskCommand, { task: "gone" }).rejects(
            new InvalidParameterException({ message: "The referenced task was not found.", ...meta }),
        );
        mock.on(StopTaskCommand, { task: "none" }).rejects(new ClientException({ message: "Could not find task none.", ...meta }));
        mock.on(StopTaskCommand, { cluster: "nope" }).rejects(new ClusterNotFoundException({ message: "Cluster not found.", ...meta }));
        assert.equal(await stopTask(ecs, "jobs", "running", "Stopped by pulumi"), "stopped");
        assert.deepEqual(mock.commandCalls(StopTaskCommand)[0].args[0].input, {
            cluster: "jobs",
            task: "running",
            reason: "Stopped by pulumi",
        });
        assert.equal(await stopTask(ecs, "jobs", "stopped", "r"), "already-stopped");
        assert.equal(await stopTask(ecs, "jobs", "gone", "r"), "not-found");
        assert.equal(await stopTask(ecs, "jobs", "none", "r"), "not-found");
        assert.equal(await stopTask(ecs, "nope", "x", "r"), "cluster-not-found");
        await stopTask(ecs, "jobs", "running", "x".repeat(300));
        assert.equal((mock.commandCalls(StopTaskCommand).at(-1)?.args[0].input.reason ?? "").length, 255);
    });

    it("listTasks follows nextToken through every page with the same filters", async () => {
        const { ecs, mock } = setup();
        mock.on(ListTasksCommand)
            .resolvesOnce({ taskArns: ["a", "b"], nextToken: "p2" })
            .resolvesOnce({ taskArns: ["c"], nextToken: "p3" })
            .resolvesOnce({ taskArns: [] });
        const arns = await listTasks(ecs, { cluster: "jobs", startedBy: "pulumi-web", desiredStatus: "STOPPED" });
        assert.deepEqual(arns, ["a", "b", "c"]);
        assert.deepEqual(
            mock.commandCalls(ListTasksCommand).map((c) => c.args[0].input),
            [
                { cluster: "jobs", startedBy: "pulumi-web", desiredStatus: "STOPPED" },
                { cluster: "jobs", startedBy: "pulumi-web", desiredStatus: "STOPPED", nextToken: "p2" },
                { cluster: "jobs", startedBy: "pulumi-web", desiredStatus: "STOPPED", nextToken: "p3" },
            ],
        );
    });

    it("the sweep's listings follow nextToken through every page: ACTIVE families by prefix, ACTIVE revisions of a family", async () => {
        const { ecs, mock } = setup();
        // The SDK's paginator reuses one input object for every page (with unset members): what each call asked is copied when it is made.
        const asked: unknown[] = [];
        const answers = (pages: object[]) => (input: object) => {
            asked.push(JSON.parse(JSON.stringify(input)));
            return pages.shift();
        };
        mock.on(ListTaskDefinitionFamiliesCommand).callsFake(
            answers([{ families: ["shop-dev-a"], nextToken: "f2" }, { families: ["shop-prod-a"] }]),
        );
        mock.on(ListTaskDefinitionsCommand).callsFake(
            answers([{ taskDefinitionArns: ["arn:1"], nextToken: "r2" }, { taskDefinitionArns: ["arn:2"] }]),
        );
        assert.deepEqual(await listTaskDefinitionFamilies(ecs, "shop-"), ["shop-dev-a", "shop-prod-a"]);
        assert.deepEqual(await listActiveRevisions(ecs, "shop-dev-a"), ["arn:1", "arn:2"]);
        assert.deepEqual(asked, [
            { familyPrefix: "shop-", status: "ACTIVE" },
            { familyPrefix: "shop-", status: "ACTIVE", nextToken: "f2" },
            { familyPrefix: "shop-dev-a", status: "ACTIVE" },
            { familyPrefix: "shop-dev-a", status: "ACTIVE", nextToken: "r2" },
        ]);
    });

    it("isoDate converts dates for outputs", () => {
        assert.equal(isoDate(new Date("2024-05-01T10:00:00Z")), "2024-05-01T10:00:00.000Z");
        assert.equal(isoDate(undefined), null);
        assert.equal(isoDate("2024"), "2024");
    });
});
