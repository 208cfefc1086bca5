/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` and records every resource it registers,
 * as the engine would receive it: type, name, inputs (with the dynamic provider's `__provider`
 * source text, made by Pulumi's real closure serialization), and the registration options the
 * mock's `newResource` does not show (`additionalSecretOutputs`, dependencies, parent).
 *
 * No Pulumi CLI, no engine and no cloud is involved: the mock monitor answers every registration.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { mockArn } from "../../scripts/mockArns";
import type * as resproto from "@pulumi/pulumi/proto/resource_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** A resource as the program registered it. */
export interface CapturedResource {
    /** The type token, e.g. `pulumi-nodejs:dynamic/ecs-task-run:EcsTaskRun` or `aws:ecs/cluster:Cluster`. */
    type: string;
    /** The logical name. */
    name: string;
    /** The URN the mock monitor gave it. */
    urn: string;
    /** The resource's inputs as the engine sends them to a dynamic provider: plain values (secrets
     * unwrapped), `__provider` included. */
    inputs: Record<string, unknown>;
    /** The serialized dynamic provider (`inputs.__provider`); `""` for a resource that is not dynamic. */
    provider: string;
    /** The top-level input names whose value was registered as, or with, a secret (at any depth). */
    secretInputs: string[];
    /** The `additionalSecretOutputs` option sent with the registration. */
    additionalSecretOutputs: string[];
    /** The URNs this resource depends on (`dependsOn` and the resources its inputs come from). */
    dependencies: string[];
    /** The parent's URN (`""` when none). */
    parent: string;
    /** Whether it is a custom (provider-managed) resource rather than a component. */
    custom: boolean;
}

/** Options of {@link captureResources}. */
export interface CaptureOptions {
    /** The project name (default `test-project`). */
    project?: string;
    /** The stack name (default `test`). */
    stack?: string;
    /** Run as a preview (`pulumi.runtime.isDryRun()`), default false. */
    preview?: boolean;
    /** The state a registered resource gets; default: its inputs plus `id`, `arn` and `name` when absent. */
    newResource?: (args: pulumi.runtime.MockResourceArgs) => pulumi.runtime.MockResourceResult;
    /** Stack configuration (`{"aws:region": "us-east-1", "<project>:key": "value"}`); default none.
     * Each capture starts from this configuration only. */
    config?: Record<string, string>;
    /** The keys of {@link config} that are secret. */
    secretConfigKeys?: string[];
    /** The answer of a provider function call (`aws.getRegion()`…); default: its inputs. */
    call?: (args: pulumi.runtime.MockCallArgs) => pulumi.runtime.MockCallResult;
}

/** The marker the Pulumi wire format puts on a secret value: `{[SIG_KEY]: SECRET_SIG, value}`. */
const SECRET_SIG = pulumi.runtime.specialSecretSig;
const SIG_KEY = pulumi.runtime.specialSigKey;

/** The default state of a mocked resource: its inputs, plus an id, an ARN and a name. */
export function defaultMockState(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const id = args.id || `${args.name}-id`;
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    return {
        id,
        state: {
            arn:
                mockArn(args.type, args.name) ??
                `arn:aws:mock:us-east-1:123456789012:${args.type.split(":").pop() ?? "resource"}/${args.name}`,
            name: args.name,
            ...inputs,
        },
    };
}

type RegisterCallback = (err: Error | null, resp: unknown) => void;
interface PatchableMonitor {
    registerResource(req: resproto.RegisterResourceRequest, callback: RegisterCallback): void;
    readResource(req: resproto.ReadResourceRequest, callback: RegisterCallback): void;
}

/** `waitForRPCs` is exported by `@pulumi/pulumi/runtime/settings` but marked internal (absent from the typings). */
const waitForRPCs = (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> }).waitForRPCs;

/** Pulumi's internal per-process state (`runtime/state`), absent from the typings. */
const pulumiState = require("@pulumi/pulumi/runtime/state") as { getStore: () => { leakCandidates: Set<unknown> } };

/**
 * Serializes calls of {@link captureResources}: the mocks are process-global state, so two
 * programs must never run at the same time in one process.
 */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `program` under `pulumi.runtime.setMocks` and returns every resource it registered, in the
 * order the registrations reached the monitor. Safe to call many times in one process (each call resets the mocks; calls
 * are queued, never concurrent). It waits until every registration has been answered, so a
 * resource whose inputs wait on other resources' outputs is captured too.
 *
 * A program that is a module's top-level code runs only once per `require`: use
 * {@link requireFresh} to run it again.
 */
export function captureResources(program: () => void | Promise<void>, options: CaptureOptions = {}): Promise<CapturedResource[]> {
    const run = queue.then(() => captureNow(program, options));
    queue = run.catch(() => undefined);
    return run;
}

async function captureNow(program: () => void | Promise<void>, options: CaptureOptions): Promise<CapturedResource[]> {
    const captured: CapturedResource[] = [];
    const failures: unknown[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => (options.newResource ?? defaultMockState)(args),
            call: (args) => (options.call ? options.call(args) : (args.inputs as Record<string, unknown>)),
        },
        options.project ?? "test-project",
        options.stack ?? "test",
        options.preview ?? false,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as PatchableMonitor | undefined;
    if (!monitor) throw new Error("setMocks did not install a mock monitor");
    const register = monitor.registerResource.bind(monitor);
    const read = monitor.readResource.bind(monitor);
    const record = (
        req: resproto.RegisterResourceRequest | resproto.ReadResourceRequest,
        object: Struct | undefined,
        custom: boolean,
        callback: RegisterCallback,
    ): RegisterCallback => {
        const entry: CapturedResource = {
            type: req.getType(),
            name: req.getName(),
            urn: "",
            inputs: {},
            provider: "",
            secretInputs: [],
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            dependencies: req.getDependenciesList(),
            parent: req.getParent(),
            custom,
        };
        const raw = (object?.toJavaScript() ?? {}) as Record<string, unknown>;
        entry.secretInputs = Object.keys(raw).filter((key) => containsSecret(raw[key]));
        // The dynamic provider host tells the engine it does not accept secrets, so the engine sends
        // it plain values: unwrap them here too.
        entry.inputs = object ? (unwrapSecrets(pulumi.runtime.deserializeProperties(object)) as Record<string, unknown>) : {};
        const providerText = entry.inputs.__provider;
        entry.provider = typeof providerText === "string" ? providerText : "";
        captured.push(entry);
        return (err, resp) => {
            if (err) failures.push(err);
            const urn = (resp as { getUrn?: () => string } | undefined)?.getUrn?.();
            if (urn) entry.urn = urn;
            callback(err, resp);
        };
    };
    monitor.registerResource = (req, callback) => register(req, record(req, req.getObject(), req.getCustom(), callback));
    monitor.readResource = (req, callback) => read(req, record(req, req.getProperties(), true, callback));

    // A resource whose properties cannot be serialized (a dynamic provider whose closure cannot be
    // serialized, for one) never reaches the monitor: Pulumi rejects its URN promise, which nobody
    // awaits. Collect such rejections during the run instead of letting them escape.
    const others = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const onRejection = (reason: unknown): void => {
        failures.push(reason);
    };
    process.on("unhandledRejection", onRejection);
    pulumi.runtime.setAllConfig(options.config ?? {}, options.secretConfigKeys);
    try {
        await program();
        await waitForRPCs();
        // Rejections are reported after the microtask queue drains: give them two turns.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        pulumi.runtime.setAllConfig({});
        process.removeListener("unhandledRejection", onRejection);
        for (const listener of others) process.on("unhandledRejection", listener);
    }
    if (failures.length > 0) {
        // The failed registrations' promises stay pending forever: forget them, or Pulumi's exit
        // hook reports them as leaked promises when the test process ends.
        pulumiState.getStore().leakCandidates = new Set();
        const messages = [...new Set(failures.map((f) => (f instanceof Error ? f.message : String(f))))];
        throw new CaptureError(`the program failed to register its resources:\n${messages.join("\n")}`, failures, captured);
    }
    return captured;
}

/** {@link captureResources} failed: a registration failed or a resource could not be serialized. */
export class CaptureError extends Error {
    constructor(
        message: string,
        /** Every error seen (an `Error` from Pulumi, e.g. "error serializing property \"__provider\""). */
        readonly errors: unknown[],
        /** What was registered anyway. */
        readonly captured: CapturedResource[],
    ) {
        super(message);
        this.name = "CaptureError";
    }
}

/** A value with every secret marker removed (`{sig: secret, value: x}` becomes `x`), at any depth. */
export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (typeof value !== "object" || value === null) return value;
    if (isSecretValue(value)) return unwrapSecrets((value as { value?: unknown }).value);
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, unwrapSecrets(member)]));
}

function containsSecret(value: unknown): boolean {
    if (isSecretValue(value)) return true;
    if (Array.isArray(value)) return value.some(containsSecret);
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
    return false;
}

function isSecretValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/**
 * Runs `program` under mocks and returns every registered resource with its serialized dynamic
 * provider in `provider` (`""` for resources that are not dynamic) and its inputs.
 *
 * ```ts
 * const [run] = await captureProvider(() => { new EcsTaskRun("run", { command: ["true"] }); });
 * // run.type === "pulumi-nodejs:dynamic/ecs-task-run:EcsTaskRun"; run.provider is the source text
 * ```
 */
export function captureProvider(program: () => void | Promise<void>, options?: CaptureOptions): Promise<CapturedResource[]> {
    return captureResources(program, options);
}

/**
 * `require`s a module again even if it was loaded before, so that a program written as top-level
 * code registers its resources again. Only that module is evicted from the cache, and the modules
 * under the `alsoEvict` folders or files (say, the example a root `index.ts` re-exports), not the
 * rest of what it imports. When the module's default export is a function, it is called and awaited.
 */
export async function requireFresh(modulePath: string, alsoEvict: string[] = []): Promise<unknown> {
    const resolved = require.resolve(modulePath);
    delete require.cache[resolved];
    const prefixes = alsoEvict.map((p) => path.resolve(p));
    for (const key of Object.keys(require.cache)) {
        if (prefixes.some((prefix) => key === prefix || key.startsWith(prefix + path.sep))) delete require.cache[key];
    }
    const loaded = require(resolved) as { default?: unknown };
    if (typeof loaded.default === "function") {
        return (loaded.default as () => unknown)();
    }
    return loaded;
}

/**
 * Like {@link captureResources}, in a fresh `ts-node` process whose environment is this one's plus
 * `env`: the program is the function `exportName` of `modulePath`. Slower (a process and a
 * TypeScript load), but nothing of this process leaks into the capture, and nothing it loads
 * sees another environment: use it to show that a serialized provider holds no value of the
 * environment it was serialized in (credentials, endpoints).
 */
export function captureInChildProcess(
    modulePath: string,
    exportName: string,
    env: NodeJS.ProcessEnv = {},
    timeoutMs = 60000,
): Promise<CapturedResource[]> {
    const cli = path.join(__dirname, "captureCli.ts");
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", cli, modulePath, exportName],
            { cwd: path.resolve(__dirname, "..", ".."), env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                if (error) {
                    reject(new Error(`capture of ${modulePath}#${exportName} failed: ${error.message}\n${stderr}`));
                    return;
                }
                const last = stdout.trim().split("\n").pop() ?? "[]";
                resolve(JSON.parse(last) as CapturedResource[]);
            },
        );
    });
}
