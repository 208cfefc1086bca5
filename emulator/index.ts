/**
 * Local ECS endpoint: ECS, EC2 (VPCs/subnets) and CloudWatch Logs over HTTP,
 * with tasks run as local processes and faults on demand.
 *
 * ```ts
 * const emulator = await startEmulator({ port: 0 });
 * const ecs = new ECSClient({ endpoint: emulator.url, region: "us-east-1",
 *   credentials: { accessKeyId: "test", secretAccessKey: "test" } });
 * ...
 * await emulator.close();
 * ```
 *
 * Standalone: never imports anything from `provider/`.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { EmulatorContext, ResolvedDelays } from "./context";
import { createControlHandler, type ControlApi } from "./control";
import { FaultController, type BucketConfig, type FaultSettings, type FaultState } from "./faults";
import { Journal, type JournalEntry } from "./journal";
import { TaskRunner, type TaskSummary } from "./runner/lifecycle";
import { SecretStore } from "./secretStore";
import { createEmulatorServer } from "./server";
import { Ec2Store, type SeededVpc, type VpcSeed } from "./services/ec2/store";
import { EcsState } from "./services/ecs/state";
import { LogStore } from "./services/logs/store";
import { Timers } from "./timers";

export type {
    BucketConfig,
    FailNextFault,
    FailStartsFault,
    FaultSettings,
    FaultState,
    InterruptTasksFault,
    RunTaskFailuresFault,
    ThrottleFault,
} from "./faults";
export { DEFAULT_BUCKETS } from "./faults";
export type { JournalEntry } from "./journal";
export type { TaskSummary } from "./runner/lifecycle";
export type { SeededVpc, Subnet, SubnetSeed, Vpc, VpcSeed } from "./services/ec2/store";
export type { ControlApi } from "./control";

/** Lifecycle delays of a task, in milliseconds. */
export interface EmulatorDelays {
    /** PROVISIONING → PENDING. Default 50. */
    provisioningMs?: number;
    /** PENDING → RUNNING (plus the `startDelayMs` fault). Default 50. */
    pendingMs?: number;
    /** DEPROVISIONING → STOPPED. Default 50. */
    deprovisioningMs?: number;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
    /** TCP port; 0 (the default) picks a free one. The CLI defaults to 4566. */
    port?: number;
    /** Interface to listen on. Default `127.0.0.1`. */
    host?: string;
    /** Region in ARNs. Default `us-east-1`. */
    region?: string;
    /** Account id in ARNs. Default `123456789012`. */
    accountId?: string;
    /** Task lifecycle delays (small defaults so tests are quick). */
    delays?: EmulatorDelays;
    /**
     * Multiplies each container's `stopTimeout` (seconds, default 30) before the
     * SIGKILL that follows SIGTERM. Default 1; tests may use e.g. 0.01.
     */
    stopTimeoutScale?: number;
    /** Images that cannot be pulled (same as the `missingImages` fault). */
    missingImages?: string[];
    /** Throttling on start: `true` for the default buckets, or buckets per operation. Default off. */
    throttling?: boolean | Record<string, BucketConfig>;
    /** Any other faults to start with. `resetFaults()` returns to these (with `missingImages` and `throttling`). */
    faults?: FaultSettings;
    /**
     * Kill the task processes on SIGINT/SIGTERM of this process (then let the
     * signal have its usual effect if nothing else handles it). Default true.
     * They are always killed on process `exit`.
     */
    handleSignals?: boolean;
    /** The journal keeps at most this many requests. Default 100,000. */
    journalLimit?: number;
    /** Values of containers' `secrets`: `valueFrom` (secret ARN, parameter ARN or name) → value. Default none. */
    secrets?: Record<string, string>;
}

/** A running emulator. */
export interface Emulator extends ControlApi {
    /** Base URL for the SDK's `endpoint`, e.g. `http://127.0.0.1:4566`. */
    readonly url: string;
    readonly port: number;
    readonly region: string;
    readonly accountId: string;
    /** The request journal (same as `journal()`). */
    requests(filter?: { operation?: string; service?: string }): JournalEntry[];
    /** The fault controls grouped (same as setFaults/getFaults/resetFaults). */
    readonly faults: {
        set(settings: FaultSettings): FaultState;
        get(): FaultState;
        reset(): FaultState;
    };
    /** Removes the default VPC and its subnets (to test "no default VPC"); false when there was none. */
    removeDefaultVpc(): boolean;
    /** Pids of the task processes alive now. */
    livePids(): number[];
    /** Stops the server and kills every task process; resolves once they are gone. */
    close(): Promise<void>;
}

/** The lifecycle delays when none are given (short, for tests). */
export const DEFAULT_DELAYS: ResolvedDelays = { provisioningMs: 50, pendingMs: 50, deprovisioningMs: 50 };

/* Process-wide: kill task processes when this process ends. */
const live = new Set<{ runner: TaskRunner; handleSignals: boolean }>();
let hooksInstalled = false;

function onExit(): void {
    for (const e of live) e.runner.killAllSync();
}

function onSignal(sig: NodeJS.Signals): void {
    for (const e of live) if (e.handleSignals) e.runner.killAllSync();
    if (process.listenerCount(sig) === 1) {
        // Nobody else handles it: restore the default behaviour (end the process) and re-raise.
        removeHooks();
        process.kill(process.pid, sig);
    }
}

const onSigint = (): void => onSignal("SIGINT");
const onSigterm = (): void => onSignal("SIGTERM");

function installHooks(): void {
    if (hooksInstalled) return;
    hooksInstalled = true;
    process.on("exit", onExit);
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigterm);
}

function removeHooks(): void {
    if (!hooksInstalled) return;
    hooksInstalled = false;
    process.off("exit", onExit);
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
            server.off("error", reject);
            resolve(server.address() as AddressInfo);
        });
    });
}

function initialFaults(options: EmulatorOptions): FaultSettings {
    const faults: FaultSettings = { ...(options.faults ?? {}) };
    if (options.missingImages) faults.missingImages = [...(faults.missingImages ?? []), ...options.missingImages];
    if (options.throttling !== undefined && options.throttling !== false) {
        faults.throttle = options.throttling === true ? { enabled: true } : { enabled: true, buckets: options.throttling };
    }
    return faults;
}

/**
 * Starts the emulator. It speaks ECS, EC2 (VPCs/subnets) and CloudWatch Logs at
 * `url`, plus the control API under `/_emulator/`.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const region = options.region ?? "us-east-1";
    const accountId = options.accountId ?? "123456789012";
    const host = options.host ?? "127.0.0.1";
    const delays: ResolvedDelays = { ...DEFAULT_DELAYS, ...stripUndefined(options.delays ?? {}) };
    const ctx: EmulatorContext = {
        region,
        accountId,
        delays,
        stopTimeoutScale: options.stopTimeoutScale ?? 1,
        faults: new FaultController(initialFaults(options)),
        journal: new Journal(options.journalLimit),
        timers: new Timers(),
        logs: new LogStore(region, accountId),
        ec2: new Ec2Store(region, accountId),
        ecs: new EcsState(region, accountId),
        secrets: new SecretStore(options.secrets),
    };
    const runner = new TaskRunner(ctx);
    ctx.ecs.launcher = runner;

    const api: ControlApi = {
        getFaults: () => ctx.faults.get(),
        setFaults: (settings) => {
            ctx.faults.set(settings);
            return ctx.faults.get();
        },
        resetFaults: () => {
            ctx.faults.reset();
            return ctx.faults.get();
        },
        journal: (filter) => ctx.journal.list(filter),
        clearJournal: () => ctx.journal.clear(),
        countByOperation: () => ctx.journal.countByOperation(),
        tasks: (): TaskSummary[] => runner.summaries(),
        vpcs: (): SeededVpc[] =>
            [...ctx.ec2.vpcs.values()].map((vpc) => ({ vpc, subnets: [...ctx.ec2.subnets.values()].filter((s) => s.vpcId === vpc.vpcId) })),
        seedVpc: (seed?: VpcSeed) => ctx.ec2.seed(seed),
        removeVpc: (id) => ctx.ec2.remove(id),
        seedLogGroup: (name) => void ctx.logs.ensureGroup(name),
        seedCluster: (name) => void ctx.ecs.createCluster(name),
        seedSecrets: (values) => {
            for (const [valueFrom, value] of Object.entries(values)) ctx.secrets.set(valueFrom, value);
        },
    };

    const server = createEmulatorServer(ctx, createControlHandler(api));
    const address = await listen(server, options.port ?? 0, host);
    const entry = { runner, handleSignals: options.handleSignals ?? true };
    live.add(entry);
    installHooks();

    let closing: Promise<void> | undefined;
    const close = async (): Promise<void> => {
        ctx.timers.close();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await runner.killAll();
        await stopped;
        live.delete(entry);
        if (live.size === 0) removeHooks();
    };

    const urlHost = host.includes(":") ? `[${host}]` : host;
    const emulator: Emulator = {
        ...api,
        url: `http://${urlHost}:${address.port}`,
        port: address.port,
        region,
        accountId,
        requests: (filter) => ctx.journal.list(filter),
        faults: { set: api.setFaults, get: api.getFaults, reset: api.resetFaults },
        removeDefaultVpc: () => ctx.ec2.remove("default"),
        livePids: () => runner.livePids(),
        close: () => (closing ??= close()),
    };
    return emulator;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
