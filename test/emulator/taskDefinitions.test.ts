import assert from "node:assert/strict";
import {
    ClientException,
    DeregisterTaskDefinitionCommand,
    DescribeTaskDefinitionCommand,
    ListTaskDefinitionFamiliesCommand,
    ListTaskDefinitionsCommand,
    RegisterTaskDefinitionCommand,
    type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { startEmulator, type Emulator } from "../../emulator";
import { clientsFor, destroyClients, errorOf, type Clients } from "./helpers";

const FARGATE: RegisterTaskDefinitionCommandInput = {
    family: "fg",
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: "256",
    memory: "512",
    executionRoleArn: "arn:aws:iam::123456789012:role/exec",
    containerDefinitions: [
        {
            name: "app",
            image: "busybox",
            command: ["true"],
            logConfiguration: {
                logDriver: "awslogs",
                options: { "awslogs-group": "/x", "awslogs-stream-prefix": "p", "awslogs-region": "us-east-1" },
            },
        },
    ],
};

describe("emulator: task definitions", () => {
    let emulator: Emulator;
    let c: Clients;

    before(async () => {
        emulator = await startEmulator();
        c = clientsFor(emulator);
    });
    after(async () => {
        destroyClients(c);
        await emulator.close();
    });

    it("registers with AWS's shapes and defaults", async () => {
        const out = await c.ecs.send(new RegisterTaskDefinitionCommand({ ...FARGATE, tags: [{ key: "team", value: "a" }] }));
        const td = out.taskDefinition!;
        assert.equal(td.taskDefinitionArn, "arn:aws:ecs:us-east-1:123456789012:task-definition/fg:1");
        assert.equal(td.revision, 1);
        assert.equal(td.status, "ACTIVE");
        assert.ok(td.registeredAt instanceof Date);
        assert.ok(Math.abs(td.registeredAt.getTime() - Date.now()) < 60_000);
        assert.match(td.registeredBy ?? "", /^arn:aws:iam::123456789012:/);
        assert.deepEqual(td.compatibilities, ["EC2", "FARGATE"]);
        const attrs = (td.requiresAttributes ?? []).map((a) => a.name);
        assert.ok(attrs.includes("com.amazonaws.ecs.capability.logging-driver.awslogs"));
        assert.ok(attrs.includes("ecs.capability.execution-role-awslogs"));
        assert.ok(attrs.includes("com.amazonaws.ecs.capability.docker-remote-api.1.19"));
        const container = td.containerDefinitions![0];
        assert.equal(container.essential, true);
        assert.equal(container.cpu, 0);
        assert.deepEqual(container.portMappings, []);
        assert.deepEqual(container.environment, []);
        assert.deepEqual(container.mountPoints, []);
        assert.deepEqual(container.volumesFrom, []);
        assert.deepEqual(td.volumes, []);
        assert.deepEqual(td.placementConstraints, []);
        assert.deepEqual(out.tags, [{ key: "team", value: "a" }]);
    });

    it("defaults networkMode to bridge and compatibilities to EC2 + EXTERNAL", async () => {
        const out = await c.ecs.send(
            new RegisterTaskDefinitionCommand({ family: "br", containerDefinitions: [{ name: "a", image: "busybox", memory: 64 }] }),
        );
        assert.equal(out.taskDefinition?.networkMode, "bridge");
        assert.deepEqual(out.taskDefinition?.compatibilities, ["EC2", "EXTERNAL"]);
    });

    it("describes by family (latest ACTIVE), family:revision and ARN, with tags on request", async () => {
        await c.ecs.send(new RegisterTaskDefinitionCommand({ ...FARGATE, family: "multi" }));
        await c.ecs.send(new RegisterTaskDefinitionCommand({ ...FARGATE, family: "multi", tags: [{ key: "k", value: "v" }] }));
        const latest = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "multi", include: ["TAGS"] }));
        assert.equal(latest.taskDefinition?.revision, 2);
        assert.deepEqual(latest.tags, [{ key: "k", value: "v" }]);
        const first = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "multi:1" }));
        assert.equal(first.taskDefinition?.revision, 1);
        assert.equal(first.tags, undefined);
        const byArn = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: first.taskDefinition!.taskDefinitionArn }));
        assert.equal(byArn.taskDefinition?.revision, 1);

        await c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "multi:2" }));
        const after = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "multi" }));
        assert.equal(after.taskDefinition?.revision, 1, "family alone = latest ACTIVE revision");
        const inactive = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "multi:2" }));
        assert.equal(inactive.taskDefinition?.status, "INACTIVE");
        assert.ok(inactive.taskDefinition?.deregisteredAt instanceof Date);
    });

    it("answers ClientException for an unknown definition", async () => {
        const err = await errorOf(c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "nope:7" })));
        assert.ok(err instanceof ClientException, err.name);
    });

    it("lists definitions by family, status and sort order, and families", async () => {
        for (let i = 0; i < 3; i += 1) await c.ecs.send(new RegisterTaskDefinitionCommand({ ...FARGATE, family: "listed" }));
        await c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "listed:2" }));
        const active = await c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "listed" }));
        assert.deepEqual(
            active.taskDefinitionArns?.map((a) => a.split("/")[1]),
            ["listed:1", "listed:3"],
        );
        const desc = await c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "listed", sort: "DESC" }));
        assert.deepEqual(
            desc.taskDefinitionArns?.map((a) => a.split("/")[1]),
            ["listed:3", "listed:1"],
        );
        const inactive = await c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "listed", status: "INACTIVE" }));
        assert.deepEqual(
            inactive.taskDefinitionArns?.map((a) => a.split("/")[1]),
            ["listed:2"],
        );
        const paged = await c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "listed", maxResults: 1 }));
        assert.equal(paged.taskDefinitionArns?.length, 1);
        assert.ok(paged.nextToken);
        const families = await c.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: "list" }));
        assert.deepEqual(families.families, ["listed"]);
    });

    describe("validation", () => {
        const cases: Array<[string, Partial<RegisterTaskDefinitionCommandInput>, RegExp]> = [
            ["Fargate cpu", { cpu: "300" }, /^Invalid 'cpu' setting for task\.$/],
            [
                "Fargate cpu/memory pair",
                { cpu: "256", memory: "4096" },
                /No Fargate configuration exists for given values: 256 CPU, 4096 memory/,
            ],
            ["Fargate without awsvpc", { networkMode: "bridge" }, /Fargate only supports network mode/],
            ["Fargate awslogs without execution role", { executionRoleArn: undefined }, /execution role ARN/],
            ["family characters", { family: "bad.family" }, /Family/],
            ["family length", { family: "f".repeat(256) }, /Family/],
            ["no container", { containerDefinitions: [] }, /Container list cannot be empty/],
            ["no essential container", { containerDefinitions: [{ name: "a", image: "x", essential: false }] }, /at least one essential/],
            [
                "duplicate names",
                {
                    containerDefinitions: [
                        { name: "a", image: "x" },
                        { name: "a", image: "y" },
                    ],
                },
                /Duplicate container name/,
            ],
        ];
        for (const [name, patch, message] of cases) {
            it(`rejects ${name} with ClientException`, async () => {
                const err = await errorOf(c.ecs.send(new RegisterTaskDefinitionCommand({ ...FARGATE, ...patch })));
                assert.ok(err instanceof ClientException, `${err.name}: ${err.message}`);
                assert.match(err.message, message);
                assert.equal(err.$metadata?.httpStatusCode, 400);
            });
        }

        it("accepts every published Fargate pair and '1 vCPU' / '2 GB' forms", async () => {
            for (const [cpu, memory] of [
                ["256", "2048"],
                ["1024", "8192"],
                ["4096", "30720"],
                ["16384", "122880"],
            ]) {
                await c.ecs.send(new RegisterTaskDefinitionCommand({ ...FARGATE, cpu, memory }));
            }
            const out = await c.ecs.send(new RegisterTaskDefinitionCommand({ ...FARGATE, cpu: "1 vCPU", memory: "2 GB" }));
            assert.equal(out.taskDefinition?.cpu, "1024");
            assert.equal(out.taskDefinition?.memory, "2048");
        });

        it("requires memory on EC2 containers when the task has none", async () => {
            const err = await errorOf(
                c.ecs.send(new RegisterTaskDefinitionCommand({ family: "nomem", containerDefinitions: [{ name: "a", image: "x" }] })),
            );
            assert.ok(err instanceof ClientException);
            assert.match(err.message, /memory/);
        });
    });
});
