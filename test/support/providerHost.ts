/**
 * The path `pulumi up` takes to a dynamic provider, without the Pulumi CLI: the real provider host
 * of `@pulumi/pulumi` (`cmd/dynamic-provider`) runs as a child process, and a gRPC client calls its
 * ResourceProvider service the way the engine does (Configure, Check, Diff, Create, Update, Read,
 * Delete, Cancel). Resources carry their provider as source text in `__provider`, obtained with
 * {@link captureProvider} from a real program.
 *
 * ```ts
 * const [res] = await captureProvider(() => { new EcsTaskRun("run", { command: ["true"] }); });
 * const host = await startProviderHost({ cwd: repoRoot, env: { AWS_REGION: "us-east-1" } });
 * await host.configure({ "aws:region": "us-east-1" });
 * const { inputs } = await host.check({}, res.inputs);
 * const { id, properties } = await host.create(inputs);
 * await host.close();
 * ```
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

export {
    captureProvider,
    captureResources,
    captureInChildProcess,
    requireFresh,
    defaultMockState,
    unwrapSecrets,
    CaptureError,
} from "./capture";
export type { CapturedResource, CaptureOptions } from "./capture";

/** The repository root (the Pulumi project folder: where `Pulumi.yaml` and `node_modules` are). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** A property bag as the provider receives and returns it (plain JSON). */
export type Props = Record<string, unknown>;

/** One failure returned by Check. */
export interface CheckFailure {
    property: string;
    reason: string;
}

/** What Diff answered. */
export interface DiffAnswer {
    changes: "DIFF_NONE" | "DIFF_SOME" | "DIFF_UNKNOWN";
    replaces: string[];
    deleteBeforeReplace: boolean;
}

/** A failed gRPC call: `message` is the provider's own message (gRPC's `details`). */
export class ProviderCallError extends Error {
    constructor(
        /** The ResourceProvider method that failed. */
        readonly method: string,
        /** The gRPC status code. */
        readonly code: number,
        message: string,
    ) {
        super(message);
        this.name = "ProviderCallError";
    }
}

/** A running provider host and a client of it. */
export interface ProviderHost {
    /** The host's gRPC port. */
    readonly port: number;
    /** The host's process id. */
    readonly pid: number;
    /** Sends the stack's configuration (`{"aws:region": "us-east-1"}`), as the engine does before any other call. */
    configure(config: Record<string, string>): Promise<void>;
    /** Validates inputs: `inputs` are what the engine records (and what `preview` shows for a new resource). */
    check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }>;
    /** Compares the old state with new checked inputs. */
    diff(id: string, olds: Props, news: Props): Promise<DiffAnswer>;
    /**
     * Creates the resource from checked inputs. Rejects with a {@link ProviderCallError} carrying
     * the provider's message. `receivedAt` is when the answer's bytes reached this client (ms since
     * the epoch), before it is decoded: what the engine, which decodes in Go, waits for.
     */
    create(
        props: Props,
        options?: { preview?: boolean; timeoutSeconds?: number },
    ): Promise<{ id: string; properties: Props; receivedAt: number }>;
    /** Updates the resource in place; resolves to the new state. */
    update(id: string, olds: Props, news: Props, options?: { preview?: boolean }): Promise<{ properties: Props }>;
    /** Refreshes the resource; `inputs` is set when the provider returned new inputs. */
    read(id: string, props: Props, inputs?: Props): Promise<{ id: string; properties: Props; inputs?: Props }>;
    /** Deletes the resource. */
    delete(id: string, props: Props): Promise<void>;
    /** Asks the host to cancel outstanding work (the dynamic host acknowledges and does nothing else). */
    cancel(): Promise<void>;
    /** Everything the host wrote to stdout and stderr so far, after the port line. */
    output(): string;
    /** Calls `listener` each time the host writes to stdout or stderr; answers the function that stops it. */
    onOutput(listener: () => void): () => void;
    /** Resolves once `pattern` appears in {@link output}; rejects after `timeoutMs` (default 10 s). */
    waitForOutput(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
    /** Sends a signal to the host process (default SIGKILL), as a crash or an interrupt would. */
    kill(signal?: NodeJS.Signals): void;
    /** Resolves with the exit code and signal once the host process has exited. */
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    /** Closes the client and ends the host process (SIGTERM, then SIGKILL after 2 s). */
    close(): Promise<void>;
}

/** Options of {@link startProviderHost}. */
export interface ProviderHostOptions {
    /** The project folder the host runs in (the engine uses the Pulumi project's folder). */
    cwd: string;
    /** Environment variables added to this process's environment (`undefined` removes one). */
    env?: NodeJS.ProcessEnv;
    /** How long to wait for the host's port line (default 15 s). */
    startTimeoutMs?: number;
    /** The host script to run (default {@link DYNAMIC_PROVIDER_HOST}, this repository's
     * `@pulumi/pulumi`); a consumer project's own is `<project>/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js`. */
    hostScript?: string;
}

/** The path of the dynamic provider host script of the installed `@pulumi/pulumi`. */
export const DYNAMIC_PROVIDER_HOST = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js");

/**
 * Starts the real dynamic provider host (`node …/cmd/dynamic-provider/index.js 127.0.0.1:1`, the
 * engine address being unused) in `cwd`, reads its port from its first stdout line, and connects a
 * client. Its later stdout and stderr (the provider's log lines) are collected in `output()`.
 */
export async function startProviderHost(options: ProviderHostOptions): Promise<ProviderHost> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(options.env ?? {})) {
        if (value === undefined) delete env[key];
        else env[key] = value;
    }
    const child = spawn(process.execPath, [options.hostScript ?? DYNAMIC_PROVIDER_HOST, "127.0.0.1:1"], {
        cwd: options.cwd,
        env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    let output = "";
    let stdoutBuffer = "";
    let port: number | undefined;
    const listeners = new Set<() => void>();
    const notify = (): void => listeners.forEach((listener) => listener());

    const portPromise = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`provider host printed no port within ${options.startTimeoutMs ?? 15000} ms; output:\n${output}`));
        }, options.startTimeoutMs ?? 15000);
        child.once("exit", (code, signal) => {
            clearTimeout(timer);
            if (port === undefined)
                reject(new Error(`provider host exited (code ${code}, signal ${signal}) before printing its port:\n${output}`));
        });
        child.stdout?.setEncoding("utf8");
        child.stdout?.on("data", (chunk: string) => {
            if (port === undefined) {
                stdoutBuffer += chunk;
                const newline = stdoutBuffer.indexOf("\n");
                if (newline < 0) return;
                port = Number(stdoutBuffer.slice(0, newline).trim());
                output += stdoutBuffer.slice(newline + 1);
                stdoutBuffer = "";
                clearTimeout(timer);
                if (!Number.isInteger(port) || port <= 0) {
                    reject(new Error(`provider host printed no port: ${JSON.stringify(output)}`));
                    return;
                }
                resolve(port);
            } else {
                output += chunk;
            }
            notify();
        });
        child.stderr?.setEncoding("utf8");
        child.stderr?.on("data", (chunk: string) => {
            output += chunk;
            notify();
        });
    });
    const hostPort = await portPromise;
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${hostPort}`, grpc.credentials.createInsecure());
    return makeHost(client, child, hostPort, exited, () => output, listeners);
}

function makeHost(
    client: provrpc.ResourceProviderClient,
    child: ChildProcess,
    port: number,
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
    output: () => string,
    listeners: Set<() => void>,
): ProviderHost {
    /** Calls one unary method and turns a gRPC error into a {@link ProviderCallError}. */
    function call<Res>(method: string, invoke: (callback: (error: grpc.ServiceError | null, response: Res) => void) => void): Promise<Res> {
        return new Promise<Res>((resolve, reject) => {
            invoke((error, response) => {
                if (error) reject(new ProviderCallError(method, error.code, error.details || error.message));
                else resolve(response);
            });
        });
    }
    const urn = (id = "resource"): string => `urn:pulumi:test::test-project::pulumi-nodejs:dynamic:Resource::${id}`;

    return {
        port,
        pid: child.pid ?? -1,
        exited,
        async configure(config) {
            const req = new provproto.ConfigureRequest();
            req.setArgs(toStruct(config));
            const variables = req.getVariablesMap();
            for (const [key, value] of Object.entries(config)) variables.set(key, value);
            req.setAcceptsecrets(true);
            req.setAcceptresources(true);
            await call<provproto.ConfigureResponse>("Configure", (cb) => client.configure(req, cb));
        },
        async check(olds, news) {
            const req = new provproto.CheckRequest();
            req.setUrn(urn());
            req.setOlds(toStruct(olds));
            req.setNews(toStruct(news));
            const res = await call<provproto.CheckResponse>("Check", (cb) => client.check(req, cb));
            return {
                inputs: (res.getInputs()?.toJavaScript() ?? {}) as Props,
                failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
            };
        },
        async diff(id, olds, news) {
            const req = new provproto.DiffRequest();
            req.setId(id);
            req.setUrn(urn());
            req.setOlds(toStruct(olds));
            req.setNews(toStruct(news));
            const res = await call<provproto.DiffResponse>("Diff", (cb) => client.diff(req, cb));
            const names: Record<number, DiffAnswer["changes"]> = {
                [provproto.DiffResponse.DiffChanges.DIFF_NONE]: "DIFF_NONE",
                [provproto.DiffResponse.DiffChanges.DIFF_SOME]: "DIFF_SOME",
                [provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "DIFF_UNKNOWN",
            };
            return {
                changes: names[res.getChanges()] ?? "DIFF_UNKNOWN",
                replaces: res.getReplacesList(),
                deleteBeforeReplace: res.getDeletebeforereplace(),
            };
        },
        async create(props, createOptions = {}) {
            const req = new provproto.CreateRequest();
            req.setUrn(urn());
            req.setProperties(toStruct(props));
            req.setPreview(createOptions.preview ?? false);
            req.setTimeout(createOptions.timeoutSeconds ?? 0);
            // The answer is taken as bytes and decoded here, so that answers arriving together are
            // each timed when they arrive, not after the decoding of those before them.
            const raw = await call<{ bytes: Buffer; at: number } | undefined>("Create", (cb) =>
                client.makeUnaryRequest(
                    "/pulumirpc.ResourceProvider/Create",
                    (r: provproto.CreateRequest) => Buffer.from(r.serializeBinary()),
                    (bytes: Buffer) => ({ bytes, at: Date.now() }),
                    req,
                    cb,
                ),
            );
            if (!raw) throw new ProviderCallError("Create", grpc.status.INTERNAL, "no answer");
            const res = provproto.CreateResponse.deserializeBinary(raw.bytes);
            return { id: res.getId(), properties: (res.getProperties()?.toJavaScript() ?? {}) as Props, receivedAt: raw.at };
        },
        async update(id, olds, news, updateOptions = {}) {
            const req = new provproto.UpdateRequest();
            req.setId(id);
            req.setUrn(urn());
            req.setOlds(toStruct(olds));
            req.setNews(toStruct(news));
            req.setPreview(updateOptions.preview ?? false);
            const res = await call<provproto.UpdateResponse>("Update", (cb) => client.update(req, cb));
            return { properties: (res.getProperties()?.toJavaScript() ?? {}) as Props };
        },
        async read(id, props, inputs) {
            const req = new provproto.ReadRequest();
            req.setId(id);
            req.setUrn(urn());
            req.setProperties(toStruct(props));
            if (inputs) req.setInputs(toStruct(inputs));
            const res = await call<provproto.ReadResponse>("Read", (cb) => client.read(req, cb));
            const newInputs = res.getInputs()?.toJavaScript() as Props | undefined;
            return {
                id: res.getId(),
                properties: (res.getProperties()?.toJavaScript() ?? {}) as Props,
                ...(newInputs ? { inputs: newInputs } : {}),
            };
        },
        async delete(id, props) {
            const req = new provproto.DeleteRequest();
            req.setId(id);
            req.setUrn(urn());
            req.setProperties(toStruct(props));
            await call<Empty>("Delete", (cb) => client.delete(req, cb));
        },
        async cancel() {
            await call<Empty>("Cancel", (cb) => client.cancel(new Empty(), cb));
        },
        output,
        onOutput(listener) {
            listeners.add(listener);
            return () => listeners.delete(listener);
        },
        waitForOutput(pattern, timeoutMs = 10000) {
            const matches = (): boolean => (typeof pattern === "string" ? output().includes(pattern) : pattern.test(output()));
            if (matches()) return Promise.resolve();
            return new Promise<void>((resolve, reject) => {
                const listener = (): void => {
                    if (!matches()) return;
                    cleanup();
                    resolve();
                };
                const timer = setTimeout(() => {
                    cleanup();
                    reject(new Error(`${String(pattern)} did not appear in the host's output within ${timeoutMs} ms:\n${output()}`));
                }, timeoutMs);
                const cleanup = (): void => {
                    clearTimeout(timer);
                    listeners.delete(listener);
                };
                listeners.add(listener);
            });
        },
        kill(signal = "SIGKILL") {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
        async close() {
            client.close();
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
            await exited;
            clearTimeout(timer);
        },
    };
}

/**
 * A plain object as a protobuf Struct. Values go through JSON first, as they would through the
 * engine: `undefined` members disappear, dates become strings.
 */
export function toStruct(value: Props): Struct {
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Parameters<typeof Struct.fromJavaScript>[0]);
}
