/**
 * `npm run demo`: the quick start, end to end, with no AWS account and no Pulumi CLI. It starts the
 * local ECS endpoint (emulator/), points the AWS SDK at it, and drives the quick-start EcsTaskRun
 * through the provider with the same calls the engine makes for `pulumi up` and `pulumi destroy`:
 * Check (the plan preview shows), Create (the task runs; its states and log lines stream), Delete.
 */
import { startEmulator } from "../emulator";
import { captureRuns } from "./captureRuns";
import { ecsTaskRunProvider as provider } from "../provider/provider";
import type { CheckedInputs, TaskRunOutputs } from "../provider/types";
import { renderPreview } from "../provider/plan/preview";

async function main(): Promise<void> {
    const program = process.argv[2] ?? "examples/quickstart";
    // Slower status changes than the tests use, so that each state shows in the output.
    const emulator = await startEmulator({ port: 0, delays: { provisioningMs: 400, pendingMs: 400, deprovisioningMs: 300 } });
    // On Node 20 only, the SDK warns on every run that its 2027 releases need Node 22: noise in a demo.
    if (Number(process.versions.node.split(".")[0]) < 22) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    Object.assign(process.env, {
        AWS_ENDPOINT_URL: emulator.url,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
    });
    const heading = (text: string): void => void process.stdout.write(`\n=== ${text}\n`);
    try {
        heading(`Local ECS endpoint at ${emulator.url}; program ${program}`);
        const [run] = await captureRuns(program);
        if (!run) throw new Error(`${program} declares no EcsTaskRun.`);

        heading(`Check (pulumi preview): the plan of EcsTaskRun "${run.name}"`);
        const checked = await provider.check!({}, run.inputs);
        if (checked.failures && checked.failures.length > 0) {
            throw new Error(checked.failures.map((f) => `${f.property}: ${f.reason}`).join("\n"));
        }
        const inputs = checked.inputs as CheckedInputs;
        process.stdout.write(renderPreview(inputs.plan));

        heading("Create (pulumi up): the task runs");
        const created = await provider.create(inputs);
        const outs = created.outs as TaskRunOutputs;
        heading("Outputs");
        const shown = [
            "taskArn",
            "taskDefinitionArn",
            "taskDefinitionRegistered",
            "lastStatus",
            "exitCode",
            "stopCode",
            "stoppedReason",
            "startedAt",
            "stoppedAt",
            "logGroupName",
            "logStreamName",
            "logTail",
        ] as const;
        for (const key of shown) process.stdout.write(`${key}: ${JSON.stringify(outs[key])}\n`);

        heading("Delete (pulumi destroy)");
        await provider.delete!(created.id, outs);
        const calls = emulator.countByOperation();
        heading("AWS API calls made");
        for (const [op, n] of Object.entries(calls).sort()) process.stdout.write(`${op}: ${n}\n`);
    } finally {
        await emulator.close();
    }
}

main().catch((err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
