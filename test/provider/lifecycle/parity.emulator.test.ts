import { strict as assert } from "node:assert";
import { CreateClusterCommand, DescribeTasksCommand, ECSClient } from "@aws-sdk/client-ecs";
import { startEmulator, type Emulator } from "../../../emulator";
import { ecsTaskRunProvider as provider } from "../../../provider/provider";
import type { CheckedInputs, TaskRunInputs, TaskRunOutputs } from "../../../provider/types";

const EXEC = "arn:aws:iam::123456789012:role/exec";
const DB_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/db-AbCdEf";

/**
 * Prefect parity end to end, in process, against the local ECS endpoint: sidecars, the
 * `containers` output, `secrets` read at start, the cluster's default capacity provider strategy,
 * `securityGroups: []`, and the specific advice of two failures.
 */
describe("provider against the local ECS endpoint: Prefect parity", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    const savedEnv = { ...process.env };
    const realWrite = process.stdout.write.bind(process.stdout);

    before(async () => {
        emulator = await startEmulator({
            port: 0,
            stopTimeoutScale: 0.01,
            secrets: { [DB_SECRET]: JSON.stringify({ password: "hunter2" }), "/shop/api-key": "k-123" },
        });
        Object.assign(process.env, {
            AWS_ENDPOINT_URL: emulator.url,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "test",
            AWS_SECRET_ACCESS_KEY: "test",
        });
    });
    after(async () => {
        process.env = savedEnv;
        await emulator.close();
    });
    beforeEach(() => {
        emulator.resetFaults();
        emulator.clearJournal();
        // The provider's progress lines go to stdout in the provider host; keep the test output clean.
        process.stdout.write = (() => true) as typeof process.stdout.write;
    });
    afterEach(() => {
        process.stdout.write = realWrite;
    });

    let counter = 0;
    function inputs(spec: Partial<TaskRunInputs>): TaskRunInputs {
        counter += 1;
        return {
            image: "alpine:3.20",
            executionRoleArn: EXEC,
            taskWatchPollInterval: 0.2,
            __context: { project: "parity", stack: "test", name: `run${counter}` },
            ...spec,
        };
    }

    async function create(spec: Partial<TaskRunInputs>): Promise<TaskRunOutputs> {
        const checked = await provider.check!({}, inputs(spec));
        assert.deepEqual(checked.failures ?? [], []);
        const created = await provider.create(checked.inputs as CheckedInputs);
        return created.outs as TaskRunOutputs;
    }

    /** A definition whose first container is a sidecar that runs until it is stopped. */
    const withSidecar = (sidecarCommand: string[]) => ({
        containerDefinitions: [
            { name: "log-router", image: "fluent-bit:3", command: sidecarCommand },
            { name: "app", image: "app:1" },
        ],
    });

    it("runs the named container beside a sidecar listed first; the sidecar stopped with the task is no failure; `containers` lists both", async () => {
        const outs = await create({
            taskDefinition: withSidecar(["sleep", "30"]),
            containerName: "app",
            image: "alpine:3.20",
            command: ["sh", "-c", "echo from app"],
            configureCloudwatchLogs: true,
        });
        assert.equal(outs.exitCode, 0);
        assert.deepEqual(outs.logTail, ["from app"]);
        assert.ok(outs.logStreamName?.includes("/app/"));
        assert.deepEqual(
            outs.containers.map((c) => [c.name, c.lastStatus, c.exitCode]),
            [
                ["log-router", "STOPPED", 143],
                ["app", "STOPPED", 0],
            ],
        );
        // Prefect's network shape: an empty security group list a customization can append to.
        const network = outs.runTaskRequest.networkConfiguration as { awsvpcConfiguration: { securityGroups: string[] } };
        assert.deepEqual(network.awsvpcConfiguration.securityGroups, []);
    });

    it("refuses at check a definition with several containers and no containerName", async () => {
        const checked = await provider.check!({}, inputs({ taskDefinition: withSidecar(["true"]), command: ["true"] }));
        assert.deepEqual(checked.failures, [
            {
                property: "containerName",
                reason:
                    "`taskDefinition` has 2 containers (log-router, app) and no `containerName` says which one runs the command: " +
                    "set `containerName` to one of them (the others run beside it as sidecars).",
            },
        ]);
    });

    it("fails when an essential sidecar exits non-zero, naming it; records it with failOnNonZeroExit false", async () => {
        const spec = { taskDefinition: withSidecar(["sh", "-c", "exit 4"]), containerName: "app", command: ["sleep", "30"] };
        await assert.rejects(create(spec), (err: Error) => {
            assert.match(
                err.message,
                /failed: essential container log-router \(exit code 4\) exited non-zero, while container app \(the run's\) was stopped with the task \(exit code 143\)/,
            );
            return true;
        });
        const outs = await create({ ...spec, failOnNonZeroExit: false });
        assert.deepEqual(
            outs.containers.map((c) => [c.name, c.exitCode]),
            [
                ["log-router", 4],
                ["app", 143],
            ],
        );
    });

    it("reads `secrets` at start into the container's environment; the values appear in no request", async () => {
        const outs = await create({
            command: ["sh", "-c", 'echo "$DB_PASSWORD $API_KEY"'],
            secrets: { DB_PASSWORD: `${DB_SECRET}:password::`, API_KEY: "/shop/api-key" },
            configureCloudwatchLogs: true,
        });
        assert.deepEqual(outs.logTail, ["hunter2 k-123"]);
        assert.deepEqual(outs.preparedTaskDefinition?.containerDefinitions?.[0].secrets, [
            { name: "API_KEY", valueFrom: "/shop/api-key" },
            { name: "DB_PASSWORD", valueFrom: `${DB_SECRET}:password::` },
        ]);
        assert.doesNotMatch(JSON.stringify([outs.runTaskRequest, outs.plan, outs.preparedTaskDefinition]), /hunter2|k-123/);
    });

    it("takes secret values told over the control API (POST /_emulator/secrets)", async () => {
        const told = await fetch(`${emulator.url}/_emulator/secrets`, {
            method: "POST",
            body: JSON.stringify({ "/shop/told-later": "t-42" }),
        });
        assert.equal(told.status, 201);
        const refused = await fetch(`${emulator.url}/_emulator/secrets`, { method: "POST", body: JSON.stringify({ "/x": 1 }) });
        assert.equal(refused.status, 400);
        const outs = await create({
            command: ["sh", "-c", 'echo "$TOLD"'],
            secrets: { TOLD: "/shop/told-later" },
            configureCloudwatchLogs: true,
        });
        assert.deepEqual(outs.logTail, ["t-42"]);
    });

    it("fails to start when a secret cannot be read, with advice for the execution role", async () => {
        await assert.rejects(create({ command: ["true"], secrets: { TOKEN: "/shop/missing" } }), (err: Error) => {
            assert.match(
                err.message,
                /failed to start: stop code TaskFailedToStart; reason "ResourceInitializationError: unable to pull secrets or registry auth/,
            );
            assert.match(err.message, /The execution role arn:aws:iam::123456789012:role\/exec could not read the container's `secrets`/);
            return true;
        });
    });

    it("runs on the cluster's default capacity provider strategy with launchType CLUSTER_DEFAULT", async () => {
        const ecs = new ECSClient({
            endpoint: emulator.url,
            region: "us-east-1",
            credentials: { accessKeyId: "test", secretAccessKey: "test" },
        });
        await ecs.send(
            new CreateClusterCommand({
                clusterName: "spot-default",
                capacityProviders: ["FARGATE", "FARGATE_SPOT"],
                defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
            }),
        );
        const outs = await create({
            cluster: "spot-default",
            launchType: "CLUSTER_DEFAULT",
            command: ["true"],
            taskDefinition: { networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512" },
        });
        assert.equal(outs.exitCode, 0);
        assert.equal("launchType" in outs.runTaskRequest || "capacityProviderStrategy" in outs.runTaskRequest, false);
        const described = await ecs.send(new DescribeTasksCommand({ cluster: "spot-default", tasks: [outs.taskArn] }));
        ecs.destroy();
        assert.deepEqual([described.tasks?.[0].launchType, described.tasks?.[0].capacityProviderName], ["FARGATE", "FARGATE_SPOT"]);
    });

    it("advises on an EC2 cluster with no container instances", async () => {
        emulator.setFaults({
            failNext: {
                operation: "RunTask",
                code: "InvalidParameterException",
                message: "No Container Instances were found in your cluster.",
            },
        });
        await assert.rejects(create({ command: ["true"], launchType: "EC2" }), (err: Error) => {
            assert.match(
                err.message,
                /^Cluster default has no container instances, so launch type EC2 has nowhere to run the task: add EC2 container instances/,
            );
            return true;
        });
        assert.equal(emulator.journal({ operation: "RunTask" }).length, 1);
    });
});
