/**
 * `npm run plan -- <example folder>`: the dry run of every EcsTaskRun a program declares — the
 * task definition and RunTask request that would be sent, as YAML — without Pulumi or AWS.
 */
import { captureRuns } from "./captureRuns";
import { previewRun } from "../provider/preview";
import type { TaskRunSpec, ResourceContext } from "../provider/types";

async function main(): Promise<void> {
    const program = process.argv[2] ?? "examples/quickstart";
    const runs = await captureRuns(program);
    if (runs.length === 0) throw new Error(`${program} declares no EcsTaskRun.`);
    for (const run of runs) {
        const {
            __context,
            __secretKeys: _secretKeys,
            ...spec
        } = run.inputs as unknown as TaskRunSpec & { __context: ResourceContext; __secretKeys?: string[] };
        const defined = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as TaskRunSpec;
        process.stdout.write(`# EcsTaskRun "${run.name}"\n`);
        process.stdout.write(
            previewRun(defined, { name: run.name, project: __context.project, stack: __context.stack, region: process.env.AWS_REGION }),
        );
        process.stdout.write("\n");
    }
}

main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
