/**
 * Prefect parity on the path `pulumi up` takes: the real serialized provider in the real dynamic
 * provider host, driven over gRPC, against the local ECS emulator. A definition with a sidecar
 * listed first and `secrets`: Check refuses it without `containerName`; Create runs the named
 * container with its secrets read at start, and returns every container in `containers`.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator";
import { EcsTaskRun } from "../../provider";
import { captureProvider, REPO_ROOT, startProviderHost, type CapturedResource, type ProviderHost } from "../support/providerHost";

const IMAGE = "public.ecr.aws/docker/library/alpine:3.20";
const EXEC = "arn:aws:iam::123456789012:role/exec";
const PARAMETER = "/parity/api-key";

describe("EcsTaskRun with a sidecar and secrets in the real provider host, against the emulator", function () {
    this.timeout(60000);
    let emulator: Emulator;
    let host: ProviderHost;
    let run: CapturedResource;

    before(async () => {
        emulator = await startEmulator({ port: 0, stopTimeoutScale: 0.01, secrets: { [PARAMETER]: "k-123" } });
        [run] = await captureProvider(() => {
            new EcsTaskRun("job", {
                taskDefinition: {
                    executionRoleArn: EXEC,
                    containerDefinitions: [
                        { name: "agent", image: IMAGE, command: ["sleep", "30"] },
                        { name: "app", image: IMAGE },
                    ],
                },
                containerName: "app",
                command: ["sh", "-c", 'echo "key is $API_KEY"'],
                secrets: { API_KEY: PARAMETER },
                streamOutput: true,
                configureCloudwatchLogs: true,
                taskWatchPollInterval: 1,
            });
        });
        host = await startProviderHost({
            cwd: REPO_ROOT,
            env: {
                AWS_ENDPOINT_URL: emulator.url,
                AWS_REGION: "us-east-1",
                AWS_ACCESS_KEY_ID: "test",
                AWS_SECRET_ACCESS_KEY: "test",
                AWS_PROFILE: undefined,
                AWS_SESSION_TOKEN: undefined,
            },
        });
        await host.configure({ "aws:region": "us-east-1" });
    });

    after(async () => {
        await host?.close();
        await emulator?.close();
    });

    it("Check refuses the definition without containerName, naming its containers", async () => {
        const { containerName: _chosen, ...inputs } = run.inputs;
        const { failures } = await host.check({}, inputs);
        assert.deepEqual(failures, [
            {
                property: "containerName",
                reason:
                    "`taskDefinition` has 2 containers (agent, app) and no `containerName` says which one runs the command: " +
                    "set `containerName` to one of them (the others run beside it as sidecars).",
            },
        ]);
    });

    it("Create runs the named container with its secret, and returns every container in `containers`", async () => {
        const { inputs, failures } = await host.check({}, run.inputs);
        assert.deepEqual(failures, []);
        const plan = inputs.plan as { taskDefinition: { containerDefinitions: { name: string; secrets?: unknown }[] } };
        assert.deepEqual(
            plan.taskDefinition.containerDefinitions[1].secrets,
            [{ name: "API_KEY", valueFrom: PARAMETER }],
            "preview shows the secret's reference",
        );

        const { properties } = await host.create(inputs);
        assert.equal(properties.exitCode, 0);
        assert.deepEqual(properties.logTail, ["key is k-123"]);
        assert.deepEqual(properties.containers, [
            { name: "agent", lastStatus: "STOPPED", exitCode: 143, reason: null },
            { name: "app", lastStatus: "STOPPED", exitCode: 0, reason: null },
        ]);
        await host.waitForOutput("key is k-123", 5000);
        assert.doesNotMatch(JSON.stringify(properties.runTaskRequest), /k-123/);
    });
});
