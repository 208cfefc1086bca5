/**
 * The path `pulumi up` takes, without the Pulumi CLI: the REAL serialized EcsTaskRun provider
 * (captured from `new EcsTaskRun(...)` by Pulumi's closure serialization) runs in the REAL dynamic
 * provider host of @pulumi/pulumi, which is driven over gRPC as the engine drives it, against the
 * local ECS emulator (reached by the AWS SDK through `AWS_ENDPOINT_URL`).
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { startEmulator, type Emulator } from "../../emulator";
import {
    CaptureError,
    captureInChildProcess,
    captureProvider,
    REPO_ROOT,
    startProviderHost,
    type CapturedResource,
    type Props,
    type ProviderHost,
} from "../support/providerHost";
import { allRuns, EXECUTION_ROLE, IMAGE, SECRET } from "./fixtures/ecsPrograms";
import { Bad, clientProvider, mapProvider } from "./fixtures/badProviders";

const RUN_TYPE = "pulumi-nodejs:dynamic/ecs-task-run:EcsTaskRun";
const PROGRAMS = path.join(__dirname, "fixtures", "ecsPrograms.ts");
/** Credentials the host gets: distinctive, so that finding them anywhere is meaningful. */
const ACCESS_KEY_ID = "AKIDHOSTTESTKEY00001";
const SECRET_ACCESS_KEY = "host-test-secret-access-key-do-not-serialize";

describe("EcsTaskRun in the real provider host, against the emulator", function () {
    this.timeout(60000);
    let emulator: Emulator;
    let host: ProviderHost;
    let runs: Record<string, CapturedResource>;
    let ecs: ECSClient;

    /** Check, as the engine does before Create: `news` are the captured inputs plus changes. */
    async function checked(name: string, changes: Props = {}, olds: Props = {}): Promise<Props> {
        const { inputs, failures } = await host.check(olds, { ...runs[name].inputs, ...changes });
        assert.deepEqual(failures, [], `Check of ${name} failed`);
        return inputs;
    }

    function runTaskCalls(): number {
        return emulator.requests({ operation: "RunTask" }).length;
    }

    async function definitionStatus(arn: string): Promise<string | undefined> {
        const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
        return described.taskDefinition?.status;
    }

    before(async () => {
        emulator = await startEmulator({ port: 0, stopTimeoutScale: 0.01 });
        const captured = await captureProvider(allRuns);
        runs = Object.fromEntries(captured.map((r) => [r.name, r]));
        host = await startProviderHost({
            cwd: REPO_ROOT,
            env: {
                AWS_ENDPOINT_URL: emulator.url,
                AWS_REGION: "us-east-1",
                AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
                AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
                AWS_PROFILE: undefined,
                AWS_SESSION_TOKEN: undefined,
            },
        });
        await host.configure({ "aws:region": "us-east-1" });
        ecs = new ECSClient({
            endpoint: emulator.url,
            region: "us-east-1",
            credentials: { accessKeyId: "test", secretAccessKey: "test" },
        });
    });

    after(async () => {
        ecs?.destroy();
        await host?.close();
        await emulator?.close();
    });

    it("captures each EcsTaskRun as a dynamic resource with its serialized provider", () => {
        assert.deepEqual(Object.keys(runs).sort(), ["failing", "hello", "secret", "sleeper"]);
        for (const run of Object.values(runs)) {
            assert.equal(run.type, RUN_TYPE);
            assert.match(run.provider, /^exports\.handler = /);
        }
        assert.equal(runs.hello.provider, runs.secret.provider, "one provider, serialized once");
    });

    describe("Check (what preview shows)", () => {
        it("returns the planned task definition and RunTask request, with placeholders", async () => {
            const inputs = await checked("hello");
            assert.equal(inputs.__provider, runs.hello.provider);
            const plan = inputs.plan as Record<string, unknown>;
            assert.ok(plan, "inputs.plan is set");
            assert.equal(plan.region, "us-east-1", "the configured aws:region");
            const definition = plan.taskDefinition as Record<string, unknown>;
            const container = (definition.containerDefinitions as Record<string, unknown>[])[0];
            assert.equal(container.image, IMAGE);
            assert.equal(definition.executionRoleArn, EXECUTION_ROLE);
            assert.deepEqual(definition.requiresCompatibilities, ["FARGATE"]);
            assert.equal(definition.networkMode, "awsvpc");
            const request = plan.runTaskRequest as Record<string, unknown>;
            assert.equal(request.launchType, "FARGATE");
            assert.equal(request.taskDefinition, "<registered at run time>");
            const overrides = request.overrides as { containerOverrides: { command?: string[] }[] };
            assert.deepEqual(overrides.containerOverrides[0].command, ["sh", "-c", "echo hello from ecs; echo line two"]);
            assert.match(JSON.stringify(request.networkConfiguration), /<loaded from .* at run time>/);
            assert.equal(runTaskCalls(), 0, "Check runs nothing");
        });

        it("Configure's aws:region is the run's region, over the host's AWS_REGION", async () => {
            for (const [configured, expected] of [
                [{ "aws:region": "us-east-1" }, "us-east-1"],
                [{}, "eu-west-1"],
            ] as const) {
                const other = await startProviderHost({ cwd: REPO_ROOT, env: { AWS_REGION: "eu-west-1", AWS_PROFILE: undefined } });
                try {
                    await other.configure(configured);
                    const { inputs, failures } = await other.check({}, runs.hello.inputs);
                    assert.deepEqual(failures, []);
                    assert.equal((inputs.plan as { region?: string }).region, expected, JSON.stringify(configured));
                } finally {
                    await other.close();
                }
            }
        });

        it("returns failures that name the property", async () => {
            const { failures } = await host.check({}, { ...runs.hello.inputs, cpu: 300, launchType: "FARGATE" });
            assert.ok(
                failures.some((f) => f.property === "cpu" && /300/.test(f.reason)),
                `a failure names cpu: ${JSON.stringify(failures)}`,
            );
            const other = await host.check({}, { ...runs.hello.inputs, launchType: "BANANA" });
            assert.ok(
                other.failures.some((f) => f.property === "launchType"),
                `a failure names launchType: ${JSON.stringify(other.failures)}`,
            );
        });
    });

    describe("a completed run: Create, Diff, Update, Read, Delete", () => {
        let id = "";
        let state: Props = {};
        let inputs: Props = {};

        it("Create runs the task, streams its lines to the host's output and returns the outputs", async () => {
            inputs = await checked("hello");
            const before = runTaskCalls();
            const created = await host.create(inputs);
            id = created.id;
            state = created.properties;
            assert.equal(runTaskCalls(), before + 1, "one RunTask");
            assert.match(id, /^arn:aws:ecs:us-east-1:123456789012:task\/default\/[0-9a-f]+$/);
            assert.equal(state.taskArn, id);
            assert.equal(state.exitCode, 0);
            assert.equal(state.lastStatus, "STOPPED");
            assert.equal(state.taskDefinitionRegistered, true);
            const tail = state.logTail as string[];
            assert.ok(
                tail.some((line) => line.includes("hello from ecs")),
                `logTail: ${JSON.stringify(tail)}`,
            );
            assert.ok(
                tail.some((line) => line.includes("line two")),
                `logTail: ${JSON.stringify(tail)}`,
            );
            assert.equal(state.__provider, runs.hello.provider);
            await host.waitForOutput("hello from ecs", 5000);
            await host.waitForOutput("line two", 5000);
        });

        it("Diff: the same inputs change nothing", async () => {
            assert.ok(id, "needs the resource that Create made (Create failed above)");
            const same = await checked("hello", {}, inputs);
            assert.deepEqual(await host.diff(id, state, same), { changes: "DIFF_NONE", replaces: [], deleteBeforeReplace: false });
        });

        it("Diff: a new command replaces (runs again)", async () => {
            assert.ok(id, "needs the resource that Create made (Create failed above)");
            const changed = await checked("hello", { command: ["sh", "-c", "echo something else"] }, inputs);
            const diff = await host.diff(id, state, changed);
            assert.equal(diff.changes, "DIFF_SOME");
            assert.ok(diff.replaces.includes("command"), `replaces: ${JSON.stringify(diff.replaces)}`);
        });

        it("Diff: a new poll interval only is an in-place update", async () => {
            assert.ok(id, "needs the resource that Create made (Create failed above)");
            const watched = await checked("hello", { taskWatchPollInterval: 2 }, inputs);
            assert.deepEqual(await host.diff(id, state, watched), { changes: "DIFF_SOME", replaces: [], deleteBeforeReplace: false });
        });

        it("Update runs nothing and takes the new setting", async () => {
            assert.ok(id, "needs the resource that Create made (Create failed above)");
            const watched = await checked("hello", { taskWatchPollInterval: 2 }, inputs);
            const before = runTaskCalls();
            const updated = await host.update(id, state, watched);
            assert.equal(runTaskCalls(), before, "no RunTask on update");
            assert.equal(updated.properties.taskWatchPollInterval, 2);
            assert.equal(updated.properties.taskArn, id);
            assert.equal(updated.properties.exitCode, 0);
            state = updated.properties;
        });

        it("Read (refresh) returns the task's state", async () => {
            assert.ok(id, "needs the resource that Create made (Create failed above)");
            const before = runTaskCalls();
            const read = await host.read(id, state);
            assert.equal(read.id, id);
            assert.equal(read.properties.lastStatus, "STOPPED");
            assert.equal(read.properties.exitCode, 0);
            assert.equal(runTaskCalls(), before);
            state = read.properties;
        });

        it("Delete deregisters the definition it registered", async () => {
            assert.ok(id, "needs the resource that Create made (Create failed above)");
            const definitionArn = String(state.taskDefinitionArn);
            assert.equal(await definitionStatus(definitionArn), "ACTIVE");
            await host.delete(id, state);
            assert.equal(await definitionStatus(definitionArn), "INACTIVE");
        });
    });

    describe("a failed run, a running task", () => {
        it("a non-zero exit fails Create with the provider's message (exit code and last lines)", async () => {
            const inputs = await checked("failing");
            await assert.rejects(host.create(inputs), (error: unknown) => {
                assert.ok(error instanceof Error);
                assert.match(error.message, /\b3\b/, `the exit code: ${error.message}`);
                assert.match(error.message, /about to fail/, `the last log lines: ${error.message}`);
                return true;
            });
        });

        it("Delete stops a task that still runs, and deregisters its definition", async () => {
            const inputs = await checked("sleeper");
            const created = await host.create(inputs);
            assert.equal(created.properties.lastStatus, "RUNNING");
            assert.equal(created.properties.exitCode ?? null, null);
            const task = (): string | undefined => emulator.tasks().find((t) => t.taskArn === created.id)?.lastStatus;
            assert.equal(task(), "RUNNING");

            await host.delete(created.id, created.properties);
            const deadline = Date.now() + 10000;
            while (task() !== "STOPPED" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
            assert.equal(task(), "STOPPED");
            assert.equal(emulator.tasks().find((t) => t.taskArn === created.id)?.stopCode, "UserInitiated");
            assert.equal(await definitionStatus(String(created.properties.taskDefinitionArn)), "INACTIVE");
        });
    });

    describe("secrets", () => {
        let created: { id: string; properties: Props } | undefined;

        it("the outputs holding every environment value are registered as additional secret outputs", () => {
            const secret = runs.secret;
            assert.ok(secret.additionalSecretOutputs.includes("runTaskRequest"));
            assert.ok(secret.additionalSecretOutputs.includes("preparedTaskDefinition"));
            assert.ok(secret.secretInputs.includes("env"), "env is registered as a secret input");
            assert.deepEqual(secret.inputs.__secretKeys, ["env"]);
        });

        it("Check's plan does not show the secret", async () => {
            const inputs = await checked("secret");
            const plan = JSON.stringify(inputs.plan);
            assert.ok(!plan.includes(SECRET), `plan: ${plan}`);
            // `env` was given with a secret in it, so the whole argument is secret: names show, values do not.
            assert.ok(plan.includes('{"name":"DB_PASSWORD","value":"[secret]"}'), `plan: ${plan}`);
        });

        it("the outputs' logTail and plan do not show the secret", async () => {
            const inputs = await checked("secret");
            created = await host.create(inputs);
            assert.equal(created.properties.exitCode, 0);
            const tail = created.properties.logTail as string[];
            assert.ok(
                tail.some((line) => line.startsWith("the password is")),
                `logTail: ${JSON.stringify(tail)}`,
            );
            assert.ok(!JSON.stringify(tail).includes(SECRET), `logTail: ${JSON.stringify(tail)}`);
            assert.ok(!JSON.stringify(created.properties.plan).includes(SECRET));
        });

        it("the streamed log lines in the deployment's output do not show the secret", async () => {
            assert.ok(created, "needs the run that Create made (Create failed above)");
            await host.waitForOutput("the password is", 5000);
            const lines = host
                .output()
                .split("\n")
                .filter((line) => line.includes("the password is"));
            assert.ok(!lines.join("\n").includes(SECRET), `streamed: ${JSON.stringify(lines)}`);
        });

        after(async () => {
            if (created) await host.delete(created.id, created.properties);
        });
    });

    describe("serialization", () => {
        it("the serialized provider holds no credential, secret or endpoint of the environment it was made in", async () => {
            const env = {
                AWS_ENDPOINT_URL: emulator.url,
                AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
                AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
                AWS_REGION: "eu-north-1",
            };
            const fresh = await captureInChildProcess(PROGRAMS, "allRuns", env);
            const providers = new Set(fresh.map((r) => r.provider));
            assert.equal(providers.size, 1);
            const [text] = [...providers];
            for (const forbidden of [SECRET, SECRET_ACCESS_KEY, ACCESS_KEY_ID, emulator.url, `127.0.0.1:${emulator.port}`, "eu-north-1"]) {
                assert.ok(!text.includes(forbidden), `the serialized provider contains ${forbidden}`);
            }
            assert.equal(text, runs.hello.provider, "the same text whatever the environment");
        });

        it("providers that capture a Map or an SDK client break, where EcsTaskRun's provider works", async () => {
            // An SDK client built at module level cannot be serialized at all.
            await assert.rejects(
                captureProvider(() => {
                    new Bad(clientProvider, "client");
                }),
                (error: unknown) => error instanceof CaptureError && /error serializing property "__provider"/.test(error.message),
            );
            // A Map is serialized as a plain object, and the provider fails in the host.
            const [withMap] = await captureProvider(() => {
                new Bad(mapProvider, "map");
            });
            await assert.rejects(host.create(withMap.inputs), /incompatible receiver/);
            // EcsTaskRun's provider deserializes and answers in the same host (see the tests above).
            const { failures } = await host.check({}, runs.hello.inputs);
            assert.deepEqual(failures, []);
        });
    });
});
