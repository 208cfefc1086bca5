import { strict as assert } from "node:assert";
import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { startEmulator, type Emulator } from "../../../emulator";
import { ecsTaskRunProvider as provider } from "../../../provider/provider";
import type { CheckedInputs, TaskRunInputs, TaskRunOutputs } from "../../../provider/types";
import { waitFor } from "../../emulator/helpers";

/**
 * The provider end to end, in process, against the local ECS endpoint: the real SDK clients, the
 * real wire protocol, each task's command run as a local process.
 */
describe("provider against the local ECS endpoint", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    const savedEnv = { ...process.env };
    let output: string[] = [];
    const realWrite = process.stdout.write.bind(process.stdout);

    before(async () => {
        emulator = await startEmulator({ port: 0, stopTimeoutScale: 0.01 });
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
        output = [];
        // Capture what the provider writes to the deployment's output (stdout in the provider host).
        process.stdout.write = ((chunk: string | Uint8Array) => {
            output.push(String(chunk));
            return true;
        }) as typeof process.stdout.write;
    });
    afterEach(() => {
        process.stdout.write = realWrite;
    });

    let counter = 0;
    function inputs(spec: Partial<TaskRunInputs>): TaskRunInputs {
        counter += 1;
        return {
            image: "alpine:3.20",
            executionRoleArn: "arn:aws:iam::123456789012:role/exec",
            taskWatchPollInterval: 0.2,
            __context: { project: "e2e", stack: "test", name: `run${counter}` },
            ...spec,
        };
    }

    async function check(spec: Partial<TaskRunInputs>): Promise<CheckedInputs> {
        const checked = await provider.check!({}, inputs(spec));
        assert.deepEqual(checked.failures ?? [], []);
        return checked.inputs as CheckedInputs;
    }

    async function create(spec: Partial<TaskRunInputs>): Promise<TaskRunOutputs> {
        const created = await provider.create(await check(spec));
        return created.outs as TaskRunOutputs;
    }

    async function describeDefinitionStatus(arn: string): Promise<string | undefined> {
        const ecs = new ECSClient({
            endpoint: emulator.url,
            region: "us-east-1",
            credentials: { accessKeyId: "test", secretAccessKey: "test" },
        });
        const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
        ecs.destroy();
        return out.taskDefinition?.status;
    }

    it("runs a Fargate task that echoes lines: streamed, in logTail, exit code 0, on the default VPC's subnets", async () => {
        const outs = await create({ command: ["sh", "-c", "echo hello from ecs; echo line two"], streamOutput: true });
        assert.equal(outs.exitCode, 0);
        assert.equal(outs.lastStatus, "STOPPED");
        assert.equal(outs.stopCode, "EssentialContainerExited");
        assert.deepEqual(outs.logTail, ["hello from ecs", "line two"]);
        assert.ok(output.join("").includes("hello from ecs\n"), "the log line was streamed to the output");
        assert.ok(outs.logStreamName?.endsWith(`/main/${outs.taskArn.split("/").pop()}`));
        const subnets = (outs.runTaskRequest.networkConfiguration as { awsvpcConfiguration: { subnets: string[] } }).awsvpcConfiguration
            .subnets;
        const defaultVpc = emulator.vpcs().find((v) => v.vpc.isDefault);
        assert.deepEqual([...subnets].sort(), defaultVpc!.subnets.map((s) => s.subnetId).sort());
        assert.equal(outs.taskDefinitionRegistered, true);
        assert.equal(emulator.countByOperation().RunTask, 1);
    });

    it("fails the run on exit code 3 with the code, the reason and the last log lines", async () => {
        await assert.rejects(
            create({ command: ["sh", "-c", "echo migrating; echo boom >&2; exit 3"], configureCloudwatchLogs: true }),
            (err: Error) => {
                assert.match(err.message, /container main stopped with exit code 3/);
                assert.match(err.message, /EssentialContainerExited/);
                assert.match(err.message, /migrating\n {2}boom/);
                return true;
            },
        );
    });

    it("records exit code 3 without failing when failOnNonZeroExit is false", async () => {
        const outs = await create({ command: ["sh", "-c", "exit 3"], failOnNonZeroExit: false });
        assert.equal(outs.exitCode, 3);
        assert.deepEqual(outs.logTail, []);
    });

    it("fails a task that cannot start, with ECS's reasons, and deregisters the definition it registered", async () => {
        emulator.setFaults({ missingImages: ["ghost:1"] });
        await assert.rejects(create({ image: "ghost:1", command: ["true"] }), (err: Error) => {
            assert.match(err.message, /failed to start: stop code TaskFailedToStart/);
            assert.match(err.message, /CannotPullContainerError/);
            return true;
        });
        const registered = emulator.journal({ operation: "RegisterTaskDefinition" }).length;
        assert.equal(registered, 1);
        assert.equal(emulator.journal({ operation: "DeregisterTaskDefinition" }).length, 1);
    });

    it("stops a task that does not start within taskStartTimeoutSeconds", async () => {
        emulator.setFaults({ stuckInPending: true });
        await assert.rejects(
            create({ command: ["sleep", "30"], taskStartTimeoutSeconds: 1 }),
            /did not start within `taskStartTimeoutSeconds` 1; it was stopped/,
        );
        const stops = emulator.journal({ operation: "StopTask" });
        assert.equal(stops.length, 1);
        const task = emulator.tasks().at(-1)!;
        assert.equal(task.desiredStatus, "STOPPED");
    });

    it("reuses the family's equal latest revision instead of registering another; it is deregistered with its last user", async () => {
        const spec = { command: ["true"], family: "reuse-me" };
        const first = await create(spec);
        const second = await create({ ...spec, command: ["echo", "another resource"] });
        assert.equal(second.taskDefinitionArn, first.taskDefinitionArn);
        assert.equal(first.taskDefinitionRegistered, true);
        assert.equal(second.taskDefinitionRegistered, true, "both are users of the managed revision");
        assert.notEqual(second.taskDefinitionUse, first.taskDefinitionUse);
        assert.equal(emulator.journal({ operation: "RegisterTaskDefinition" }).length, 1);
        await provider.delete!(first.taskArn, first);
        assert.equal(await describeDefinitionStatus(first.taskDefinitionArn), "ACTIVE", "the second resource still uses it");
        await provider.delete!(second.taskArn, second);
        assert.equal(await describeDefinitionStatus(first.taskDefinitionArn), "INACTIVE");
    });

    it("delete stops a running task and deregisters the definition it registered", async () => {
        const outs = await create({ command: ["sleep", "30"], waitForCompletion: false });
        assert.equal(outs.lastStatus, "RUNNING");
        assert.equal(outs.exitCode, null);
        await provider.delete!(outs.taskArn, outs);
        assert.equal(emulator.journal({ operation: "StopTask" }).length, 1);
        assert.equal(await describeDefinitionStatus(outs.taskDefinitionArn), "INACTIVE");
        // A second delete (the task and definition already gone) succeeds.
        await provider.delete!(outs.taskArn, outs);
    });

    it("read refreshes the status of a task started without waiting", async () => {
        const outs = await create({ command: ["sh", "-c", "sleep 0.3; exit 4"], waitForCompletion: false });
        assert.equal(outs.lastStatus, "RUNNING");
        // Wait for the endpoint to hold the task STOPPED (not for a length of time), then read.
        await waitFor("the task STOPPED in the endpoint", async () =>
            emulator.tasks().find((t) => t.taskArn === outs.taskArn)?.lastStatus === "STOPPED" ? true : undefined,
        );
        const read = await provider.read!(outs.taskArn, outs);
        const props = read.props as TaskRunOutputs;
        assert.equal(props.lastStatus, "STOPPED");
        assert.equal(props.exitCode, 4);
    });

    it("fails with the reference's message when there is no default VPC", async () => {
        const ec2Vpc = emulator.vpcs().find((v) => v.vpc.isDefault);
        assert.ok(ec2Vpc);
        emulator.removeDefaultVpc();
        try {
            await assert.rejects(
                create({ command: ["true"] }),
                /Failed to find the default VPC\. Network configuration cannot be inferred\. Pass an explicit `vpcId`/,
            );
        } finally {
            emulator.seedVpc({ isDefault: true });
        }
    });
});
