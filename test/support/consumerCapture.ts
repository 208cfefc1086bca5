/**
 * `node -r ts-node/register/transpile-only test/support/consumerCapture.ts <program>`, run with a
 * consumer project (see `consumerProject.ts`) as the current folder: runs `<program>` (a file of that
 * project) under `pulumi.runtime.setMocks` of the PROJECT's own `@pulumi/pulumi` — the copy the
 * installed `pulumi-ecs-task-run` extends — and prints every resource it registered as JSON on the
 * last stdout line: type, name and inputs (secrets unwrapped, the serialized provider in `__provider`).
 *
 * It loads no `@pulumi/pulumi` of this repository: two SDK copies in one process would share the
 * SDK's global state.
 */
import * as path from "node:path";

type Pulumi = typeof import("@pulumi/pulumi");

/** A resource as the consumer's program registered it. */
export interface ConsumerResource {
    /** The type token, e.g. `pulumi-nodejs:dynamic/ecs-task-run:EcsTaskRun`. */
    type: string;
    /** The logical name. */
    name: string;
    /** The inputs as the engine sends them to the provider: plain values, `__provider` included. */
    inputs: Record<string, unknown>;
}

async function main(): Promise<void> {
    const [program] = process.argv.slice(2);
    if (!program) throw new Error("usage: consumerCapture <program file of the consumer project>");
    const project = process.cwd();
    const fromProject = (id: string): unknown => require(require.resolve(id, { paths: [project] }));
    const pulumi = fromProject("@pulumi/pulumi") as Pulumi;
    const { waitForRPCs } = fromProject("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };
    const sigKey = pulumi.runtime.specialSigKey;
    const secretSig = pulumi.runtime.specialSecretSig;
    const unwrap = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(unwrap);
        if (typeof value !== "object" || value === null) return value;
        const record = value as Record<string, unknown>;
        if (record[sigKey] === secretSig) return unwrap(record.value);
        return Object.fromEntries(Object.entries(record).map(([key, member]) => [key, unwrap(member)]));
    };

    const resources: ConsumerResource[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                resources.push({ type: args.type, name: args.name, inputs: unwrap(args.inputs) as Record<string, unknown> });
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        "consumer",
        "dev",
        false,
    );
    require(path.resolve(project, program));
    await waitForRPCs();
    // Exit only once the (large) line is written: a pipe is written asynchronously.
    process.stdout.write(`\n${JSON.stringify(resources)}\n`, () => process.exit(0));
}

main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
});
