import assert from "node:assert/strict";
import {
    ClientException,
    ConflictException,
    DeregisterTaskDefinitionCommand,
    DescribeTasksCommand,
    InvalidParameterException,
    ListTasksCommand,
    RegisterTaskDefinitionCommand,
    RunTaskCommand,
    StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { DescribeSubnetsCommand } from "@aws-sdk/client-ec2";
import { startEmulator, type Emulator } from "../../emulator";
import { clientsFor, destroyClients, errorOf, registerSimple, runOne, taskIdOf, waitForStatus, type Clients } from "./helpers";

describe("emulator: RunTask, DescribeTasks, ListTasks", () => {
    let emulator: Emulator;
    let c: Clients;
    let subnet: string;

    before(async () => {
        emulator = await startEmulator();
        c = clientsFor(emulator);
        subnet = (await c.ec2.send(new DescribeSubnetsCommand({}))).Subnets![0].SubnetId!;
        await c.ecs.send(
            new RegisterTaskDefinitionCommand({
                family: "fg",
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: "256",
                memory: "512",
                containerDefinitions: [{ name: "app", image: "busybox", command: ["true"] }],
            }),
        );
        await registerSimple(c.ecs, "quick", { command: ["true"] });
        await registerSimple(c.ecs, "sleepy", { command: ["sleep", "30"] });
    });
    after(async () => {
        destroyClients(c);
        await emulator.close();
    });

    it("answers a Fargate task with AWS's shape", async () => {
        const out = await c.ecs.send(
            new RunTaskCommand({
                taskDefinition: "fg",
                launchType: "FARGATE",
                networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], assignPublicIp: "ENABLED" } },
                startedBy: "pulumi/run-1",
                overrides: { containerOverrides: [{ name: "app", command: ["true"] }] },
                enableExecuteCommand: false,
            }),
        );
        assert.deepEqual(out.failures, []);
        const t = out.tasks![0];
        assert.match(t.taskArn!, /^arn:aws:ecs:us-east-1:123456789012:task\/default\/[0-9a-f]{32}$/);
        assert.equal(t.clusterArn, "arn:aws:ecs:us-east-1:123456789012:cluster/default");
        assert.equal(t.taskDefinitionArn, "arn:aws:ecs:us-east-1:123456789012:task-definition/fg:1");
        assert.equal(t.lastStatus, "PROVISIONING");
        assert.equal(t.desiredStatus, "RUNNING");
        assert.equal(t.launchType, "FARGATE");
        assert.equal(t.group, "family:fg");
        assert.equal(t.startedBy, "pulumi/run-1");
        assert.equal(t.cpu, "256");
        assert.equal(t.memory, "512");
        assert.equal(t.enableExecuteCommand, false);
        assert.ok(t.createdAt instanceof Date);
        assert.deepEqual(t.overrides?.containerOverrides, [{ name: "app", command: ["true"], environment: [] }]);
        const eni = t.attachments?.[0];
        assert.equal(eni?.type, "ElasticNetworkInterface");
        assert.equal(eni?.details?.find((d) => d.name === "subnetId")?.value, subnet);
        const container = t.containers![0];
        assert.equal(container.name, "app");
        assert.equal(container.image, "busybox");
        assert.equal(container.taskArn, t.taskArn);
        assert.match(container.containerArn!, /^arn:aws:ecs:us-east-1:123456789012:container\/default\//);
        const stopped = await waitForStatus(c.ecs, t.taskArn!);
        assert.equal(stopped.containers?.[0].exitCode, 0);
        assert.ok(stopped.startedAt instanceof Date && stopped.stoppedAt instanceof Date && stopped.pullStartedAt instanceof Date);
    });

    it("uses a FARGATE_SPOT capacity provider", async () => {
        const arn = await runOne(c.ecs, {
            taskDefinition: "fg",
            capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
            networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
        });
        const t = await waitForStatus(c.ecs, arn);
        assert.equal(t.capacityProviderName, "FARGATE_SPOT");
        assert.equal(t.launchType, "FARGATE");
    });

    describe("validation", () => {
        it("awsvpc needs a network configuration (FARGATE launch type or capacity provider)", async () => {
            for (const input of [
                { taskDefinition: "fg", launchType: "FARGATE" as const },
                { taskDefinition: "fg", capacityProviderStrategy: [{ capacityProvider: "FARGATE" }] },
            ]) {
                const err = await errorOf(c.ecs.send(new RunTaskCommand(input)));
                assert.ok(err instanceof InvalidParameterException, err.name);
                assert.equal(err.message, "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
            }
        });

        it("an unknown subnet is refused", async () => {
            const err = await errorOf(
                c.ecs.send(
                    new RunTaskCommand({
                        taskDefinition: "fg",
                        launchType: "FARGATE",
                        networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-0000"] } },
                    }),
                ),
            );
            assert.ok(err instanceof InvalidParameterException);
            assert.match(err.message, /subnet-0000/);
        });

        it("FARGATE needs a FARGATE-compatible definition", async () => {
            const err = await errorOf(c.ecs.send(new RunTaskCommand({ taskDefinition: "quick", launchType: "FARGATE" })));
            assert.ok(err instanceof InvalidParameterException);
            assert.match(err.message, /does not support launch_type FARGATE/);
        });

        it("unknown and INACTIVE definitions cannot be run", async () => {
            const missing = await errorOf(c.ecs.send(new RunTaskCommand({ taskDefinition: "ghost:1" })));
            assert.ok(missing instanceof ClientException);
            assert.equal(missing.message, "TaskDefinition not found.");
            const arn = await registerSimple(c.ecs, "retired", { command: ["true"] });
            await c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
            const inactive = await errorOf(c.ecs.send(new RunTaskCommand({ taskDefinition: arn })));
            assert.ok(inactive instanceof ClientException);
            assert.equal(inactive.message, "TaskDefinition is inactive");
        });

        const invalid: Array<[string, Record<string, unknown>]> = [
            ["count 0", { count: 0 }],
            ["count 11", { count: 11 }],
            [
                "overrides over 8192 characters",
                { overrides: { containerOverrides: [{ name: "main", environment: [{ name: "BIG", value: "x".repeat(9000) }] }] } },
            ],
            ["startedBy over 128 characters", { startedBy: "s".repeat(129) }],
            ["startedBy with bad characters", { startedBy: "me@example.com" }],
            ["51 tags", { tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: "v" })) }],
            ["an override for an unknown container", { overrides: { containerOverrides: [{ name: "other" }] } }],
            ["a network configuration for bridge mode", { networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-1"] } } }],
        ];
        for (const [name, patch] of invalid) {
            it(`refuses ${name} with InvalidParameterException`, async () => {
                const err = await errorOf(c.ecs.send(new RunTaskCommand({ taskDefinition: "quick", ...patch })));
                assert.ok(err instanceof InvalidParameterException, `${err.name}: ${err.message}`);
            });
        }
    });

    describe("clientToken", () => {
        it("the same token and request returns the same task; other parameters conflict", async () => {
            const input = { taskDefinition: "sleepy", clientToken: "token-1", startedBy: "idem" };
            const first = await c.ecs.send(new RunTaskCommand(input));
            const again = await c.ecs.send(new RunTaskCommand(input));
            assert.equal(again.tasks?.[0].taskArn, first.tasks?.[0].taskArn);
            const listed = await c.ecs.send(new ListTasksCommand({ startedBy: "idem" }));
            assert.equal(listed.taskArns?.length, 1, "no second task");
            const err = await errorOf(c.ecs.send(new RunTaskCommand({ ...input, startedBy: "other" })));
            assert.ok(err instanceof ConflictException, err.name);
            assert.deepEqual(err.resourceIds, [first.tasks?.[0].taskArn]);
            const other = await c.ecs.send(new RunTaskCommand({ ...input, clientToken: "token-2" }));
            assert.notEqual(other.tasks?.[0].taskArn, first.tasks?.[0].taskArn);
            for (const t of [first, other]) await c.ecs.send(new StopTaskCommand({ task: t.tasks![0].taskArn! }));
        });

        it("rejects a token over 64 characters", async () => {
            const err = await errorOf(c.ecs.send(new RunTaskCommand({ taskDefinition: "quick", clientToken: "t".repeat(65) })));
            assert.ok(err instanceof InvalidParameterException);
        });
    });

    it("runs up to 10 tasks at once", async () => {
        const out = await c.ecs.send(new RunTaskCommand({ taskDefinition: "quick", count: 10, startedBy: "ten" }));
        assert.equal(out.tasks?.length, 10);
        await Promise.all(out.tasks!.map((t) => waitForStatus(c.ecs, t.taskArn!)));
    });

    it("DescribeTasks: ids or ARNs, unknown ones as MISSING, at most 100, tags on request", async () => {
        const arn = await runOne(c.ecs, { taskDefinition: "quick", tags: [{ key: "k", value: "v" }] });
        const out = await c.ecs.send(
            new DescribeTasksCommand({ tasks: [arn, taskIdOf(arn), "0123456789abcdef0123456789abcdef"], include: ["TAGS"] }),
        );
        assert.equal(out.tasks?.length, 2);
        assert.deepEqual(out.tasks?.[0].tags, [{ key: "k", value: "v" }]);
        assert.deepEqual(out.failures, [
            { arn: "arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef", reason: "MISSING" },
        ]);
        const noTags = await c.ecs.send(new DescribeTasksCommand({ tasks: [arn] }));
        assert.equal(noTags.tasks?.[0].tags, undefined);
        const tooMany = await errorOf(c.ecs.send(new DescribeTasksCommand({ tasks: Array.from({ length: 101 }, (_, i) => `t${i}`) })));
        assert.ok(tooMany instanceof InvalidParameterException);
        await waitForStatus(c.ecs, arn);
    });

    it("ListTasks filters by family, startedBy and desiredStatus", async () => {
        const running = await runOne(c.ecs, { taskDefinition: "sleepy", startedBy: "lister" });
        const done = await runOne(c.ecs, { taskDefinition: "quick", startedBy: "lister" });
        await waitForStatus(c.ecs, done);
        await waitForStatus(c.ecs, running, "RUNNING");
        const byStartedBy = await c.ecs.send(new ListTasksCommand({ startedBy: "lister" }));
        assert.deepEqual(byStartedBy.taskArns, [running], "RUNNING is the default desiredStatus");
        const stopped = await c.ecs.send(new ListTasksCommand({ startedBy: "lister", desiredStatus: "STOPPED" }));
        assert.deepEqual(stopped.taskArns, [done]);
        const byFamily = await c.ecs.send(new ListTasksCommand({ family: "sleepy", startedBy: "lister" }));
        assert.deepEqual(byFamily.taskArns, [running]);
        await c.ecs.send(new StopTaskCommand({ task: running }));
        await waitForStatus(c.ecs, running);
    });

    it("StopTask on an unknown task raises InvalidParameterException", async () => {
        const err = await errorOf(c.ecs.send(new StopTaskCommand({ task: "0123456789abcdef0123456789abcdef" })));
        assert.ok(err instanceof InvalidParameterException);
    });
});
