import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { mockArn } from "./mockArns";

/** One `EcsTaskRun` a program declares, with its inputs as the provider would receive them. */
export interface CapturedRun {
    name: string;
    inputs: Record<string, unknown>;
}

/**
 * Runs a Pulumi program (a folder with an `index.ts`, or a file) under `pulumi.runtime.setMocks`
 * — no engine, no cloud — and returns the inputs of each `EcsTaskRun` it declares, resolved to
 * plain values, exactly as the dynamic provider's `check` would receive them.
 */
export async function captureRuns(program: string, project = "demo", stack = "dev"): Promise<CapturedRun[]> {
    const runs: CapturedRun[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
                if (args.type.startsWith("pulumi-nodejs:dynamic") && args.type.endsWith("EcsTaskRun")) {
                    const { __provider: _provider, ...inputs } = args.inputs as Record<string, unknown>;
                    runs.push({ name: args.name, inputs });
                }
                return {
                    id: `${args.name}-id`,
                    state: { ...args.inputs, arn: mockArn(args.type, args.name) ?? `arn:aws:mock:us-east-1:123456789012:${args.name}` },
                };
            },
            call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
                return args.inputs as Record<string, unknown>;
            },
        },
        project,
        stack,
        false,
    );
    const file = path.resolve(program);
    require(file.endsWith(".ts") ? file : path.join(file, "index.ts"));
    // Let every Output resolve and every registration reach the mocks.
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    return runs;
}
