/**
 * Faults on demand: throttling (token buckets per operation), RunTask failures,
 * eventual-consistency windows, slow/stuck starts, late log streams, missing
 * images, Spot interruptions, failed starts and generic error injection.
 */
import { AwsError } from "./errors";

/** A token bucket: `capacity` requests at once, refilled at `refillPerSecond`. */
export interface BucketConfig {
    capacity: number;
    refillPerSecond: number;
}

/**
 * Default buckets when throttling is enabled, per operation. Published ECS figures
 * (RunTask burst 100 / 40 per s; DescribeTasks ~20/s; reads bucket 50) treated as
 * configurable, not exact. `*` applies to every other operation (one bucket each).
 */
export const DEFAULT_BUCKETS: Readonly<Record<string, BucketConfig>> = {
    RunTask: { capacity: 100, refillPerSecond: 40 },
    DescribeTasks: { capacity: 50, refillPerSecond: 20 },
    RegisterTaskDefinition: { capacity: 10, refillPerSecond: 1 },
    GetLogEvents: { capacity: 50, refillPerSecond: 25 },
    "*": { capacity: 50, refillPerSecond: 20 },
};

/**
 * CloudWatch Logs' hard read quotas per account and Region (25 GetLogEvents and 5
 * FilterLogEvents per second), as buckets of one second's worth.
 */
export const LOG_QUOTA_BUCKETS: Readonly<Record<string, BucketConfig>> = {
    GetLogEvents: { capacity: 25, refillPerSecond: 25 },
    FilterLogEvents: { capacity: 5, refillPerSecond: 5 },
};

/** Log read quotas: on their own, whether or not `throttle` is on. */
export interface LogQuotasFault {
    enabled: boolean;
    /** Buckets by operation, merged over {@link LOG_QUOTA_BUCKETS}. */
    buckets?: Record<string, BucketConfig>;
}

/** Throttling fault. */
export interface ThrottleFault {
    /** Answer `ThrottlingException` ("Rate exceeded") when an operation's bucket is empty. */
    enabled: boolean;
    /** Buckets by operation name (merged over {@link DEFAULT_BUCKETS}); `*` = every other operation. */
    buckets?: Record<string, BucketConfig>;
}

/** The next `count` RunTask calls answer 200 with `tasks: []` and one failure per requested task. */
export interface RunTaskFailuresFault {
    /** Failure reason, e.g. `RESOURCE:MEMORY`, `AGENT`, `Capacity is unavailable at this time...`. */
    reason: string;
    /** How many RunTask calls fail. */
    count: number;
    /** Start the task anyway although a failure is reported (AWS's failures are not always reliable). Default false. */
    startTaskAnyway?: boolean;
    /** `detail` of the failure (optional). */
    detail?: string;
}

/** Generic error injection: the next `count` calls of `operation` answer this error. */
export interface FailNextFault {
    /** Operation name (`RunTask`, `GetLogEvents`, `DescribeVpcs`, ...) or `*` for any. */
    operation: string;
    /** Error code, e.g. `ServerException`, `AccessDeniedException`. */
    code: string;
    /** Error message. */
    message: string;
    /** HTTP status; default 400. */
    status?: number;
    /** How many calls fail; default 1. */
    count?: number;
}

/** The next `count` tasks that reach RUNNING are interrupted as Fargate Spot interrupts a task:
 * stop code `SpotInterruption`, reason `Your Spot Task was interrupted.`, containers sent SIGTERM
 * (then SIGKILL after their `stopTimeout`). Any task counts, whatever its capacity provider. */
export interface InterruptTasksFault {
    /** How many tasks are interrupted. */
    count: number;
    /** How long each runs before it is interrupted (ms). Default 0: as soon as it runs. */
    afterMs?: number;
}

/** The next `count` tasks fail to start while their image is pulled: stop code
 * `TaskFailedToStart`, no exit code, the first container's reason (and the task's stop reason)
 * `reason`. */
export interface FailStartsFault {
    /** How many tasks fail. */
    count: number;
    /** Default: {@link DEFAULT_FAIL_START_REASON} with the container's image. */
    reason?: string;
}

/** The reason of a failed start when none is given (`<image>` is replaced by the container's image, normalized). */
export const DEFAULT_FAIL_START_REASON =
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref <image>: i/o timeout";

/** The stop reason ECS gives a task that Fargate Spot interrupted. */
export const SPOT_INTERRUPTION_REASON = "Your Spot Task was interrupted.";

/** Fault settings; every member optional (a POST/`setFaults` sets only what it names). */
export interface FaultSettings {
    throttle?: ThrottleFault;
    runTaskFailures?: RunTaskFailuresFault | null;
    /** For this long after RunTask, DescribeTasks answers the task as a `MISSING` failure. Default 0. */
    missingWindowMs?: number;
    /** Extra time a task spends in PENDING before RUNNING. Default 0. */
    startDelayMs?: number;
    /** Tasks stay in PENDING (until stopped, or until this fault is cleared). Default false. */
    stuckInPending?: boolean;
    /** The awslogs stream appears this long after the container starts; earlier lines are buffered. Default 0. */
    logStreamDelayMs?: number;
    /** Images that cannot be pulled (`CannotPullContainerError`). `name` matches `name:latest`. */
    missingImages?: string[];
    /** Error injection; an object or a list (each consumed separately). `null` clears. */
    failNext?: FailNextFault | FailNextFault[] | null;
    /** Spot interruptions of the next N running tasks. `null` clears. */
    interruptTasks?: InterruptTasksFault | null;
    /** Failed starts (image pull) of the next N tasks. `null` clears. */
    failStarts?: FailStartsFault | null;
    /** AWS's quotas on the log read APIs (`true`: 25 GetLogEvents, 5 FilterLogEvents per second). */
    logQuotas?: LogQuotasFault | boolean;
    /** The next N FilterLogEvents calls answer an empty page with a `nextToken` (as AWS does while it searches). Default 0. */
    filterEmptyPages?: number;
}

/** Current fault state, as `GET /_emulator/faults` returns it. */
export interface FaultState {
    throttle: { enabled: boolean; buckets: Record<string, BucketConfig>; tokens: Record<string, number> };
    runTaskFailures: (RunTaskFailuresFault & { remaining: number }) | null;
    missingWindowMs: number;
    startDelayMs: number;
    stuckInPending: boolean;
    logStreamDelayMs: number;
    missingImages: string[];
    failNext: Array<Required<FailNextFault>>;
    interruptTasks: (Required<InterruptTasksFault> & { remaining: number }) | null;
    failStarts: (FailStartsFault & { remaining: number }) | null;
    logQuotas: { enabled: boolean; buckets: Record<string, BucketConfig> };
    filterEmptyPages: number;
}

class TokenBucket {
    private tokens: number;
    private last: number;

    constructor(
        readonly config: BucketConfig,
        private readonly now: () => number,
    ) {
        this.tokens = config.capacity;
        this.last = now();
    }

    take(): boolean {
        this.refill();
        if (this.tokens >= 1) {
            this.tokens -= 1;
            return true;
        }
        return false;
    }

    level(): number {
        this.refill();
        return Math.floor(this.tokens);
    }

    private refill(): void {
        const t = this.now();
        this.tokens = Math.min(this.config.capacity, this.tokens + ((t - this.last) / 1000) * this.config.refillPerSecond);
        this.last = t;
    }
}

/** Normalizes an image reference so `nginx` and `nginx:latest` compare equal. */
export function normalizeImage(image: string): string {
    const lastSlash = image.lastIndexOf("/");
    const name = image.slice(lastSlash + 1);
    if (name.includes("@") || name.includes(":")) return image;
    return `${image}:latest`;
}

/** Holds the fault settings and answers the questions the services ask. */
export class FaultController {
    private state!: FaultState;
    private buckets = new Map<string, TokenBucket>();
    private readonly listeners: Array<() => void> = [];

    /**
     * @param initial faults given at start; {@link reset} returns to them.
     * @param now clock in milliseconds (for the token buckets).
     */
    constructor(
        private readonly initial: FaultSettings = {},
        private readonly now: () => number = () => performance.now(),
    ) {
        this.reset();
    }

    /** Called after every change (used to release tasks stuck in PENDING). */
    onChange(listener: () => void): void {
        this.listeners.push(listener);
    }

    /** Back to the faults given at start (none by default). */
    reset(): void {
        this.state = {
            throttle: { enabled: false, buckets: { ...DEFAULT_BUCKETS }, tokens: {} },
            runTaskFailures: null,
            missingWindowMs: 0,
            startDelayMs: 0,
            stuckInPending: false,
            logStreamDelayMs: 0,
            missingImages: [],
            failNext: [],
            interruptTasks: null,
            failStarts: null,
            logQuotas: { enabled: false, buckets: { ...LOG_QUOTA_BUCKETS } },
            filterEmptyPages: 0,
        };
        this.buckets.clear();
        this.apply(validateFaultSettings(this.initial));
        this.notify();
    }

    /** Sets the faults named in `patch`, leaving the others as they are. */
    set(patch: FaultSettings): void {
        this.apply(validateFaultSettings(patch));
        this.notify();
    }

    /** A snapshot of the current settings (with bucket levels and remaining counts). */
    get(): FaultState {
        const tokens: Record<string, number> = {};
        for (const [op, bucket] of this.buckets) if (!op.startsWith("quota:")) tokens[op] = bucket.level();
        return JSON.parse(JSON.stringify({ ...this.state, throttle: { ...this.state.throttle, tokens } })) as FaultState;
    }

    private apply(patch: FaultSettings): void {
        const s = this.state;
        if (patch.throttle !== undefined) {
            s.throttle = {
                enabled: patch.throttle.enabled,
                buckets: { ...DEFAULT_BUCKETS, ...(patch.throttle.buckets ?? {}) },
                tokens: {},
            };
            this.buckets.clear();
        }
        if (patch.runTaskFailures !== undefined) {
            const f = patch.runTaskFailures;
            s.runTaskFailures = f === null ? null : { ...f, startTaskAnyway: f.startTaskAnyway ?? false, remaining: f.count };
        }
        if (patch.missingWindowMs !== undefined) s.missingWindowMs = patch.missingWindowMs;
        if (patch.startDelayMs !== undefined) s.startDelayMs = patch.startDelayMs;
        if (patch.stuckInPending !== undefined) s.stuckInPending = patch.stuckInPending;
        if (patch.logStreamDelayMs !== undefined) s.logStreamDelayMs = patch.logStreamDelayMs;
        if (patch.missingImages !== undefined) s.missingImages = [...patch.missingImages];
        if (patch.logQuotas !== undefined) {
            const q = typeof patch.logQuotas === "boolean" ? { enabled: patch.logQuotas } : patch.logQuotas;
            s.logQuotas = { enabled: q.enabled, buckets: { ...LOG_QUOTA_BUCKETS, ...(q.buckets ?? {}) } };
            for (const op of [...this.buckets.keys()]) if (op.startsWith("quota:")) this.buckets.delete(op);
        }
        if (patch.filterEmptyPages !== undefined) s.filterEmptyPages = patch.filterEmptyPages;
        if (patch.interruptTasks !== undefined) {
            const f = patch.interruptTasks;
            s.interruptTasks = f === null || f.count <= 0 ? null : { count: f.count, afterMs: f.afterMs ?? 0, remaining: f.count };
        }
        if (patch.failStarts !== undefined) {
            const f = patch.failStarts;
            s.failStarts = f === null || f.count <= 0 ? null : { ...f, remaining: f.count };
        }
        if (patch.failNext !== undefined) {
            const list = patch.failNext === null ? [] : Array.isArray(patch.failNext) ? patch.failNext : [patch.failNext];
            s.failNext = list.map((f) => ({ ...f, status: f.status ?? 400, count: f.count ?? 1 }));
        }
    }

    private notify(): void {
        for (const l of this.listeners) l();
    }

    /** Consumes a matching `failNext` injection, if any. */
    takeInjectedError(operation: string): AwsError | undefined {
        const f = this.state.failNext.find((x) => x.count > 0 && (x.operation === operation || x.operation === "*"));
        if (!f) return undefined;
        f.count -= 1;
        this.state.failNext = this.state.failNext.filter((x) => x.count > 0);
        return new AwsError(f.code, f.message, f.status);
    }

    /**
     * True when the operation's log quota bucket (when `logQuotas` is on) or its throttling bucket
     * (when `throttle` is on) is empty; takes a token otherwise.
     */
    isThrottled(operation: string): boolean {
        const quota = this.state.logQuotas.enabled ? this.state.logQuotas.buckets[operation] : undefined;
        if (quota) {
            let bucket = this.buckets.get(`quota:${operation}`);
            if (!bucket) {
                bucket = new TokenBucket(quota, this.now);
                this.buckets.set(`quota:${operation}`, bucket);
            }
            if (!bucket.take()) return true;
        }
        if (!this.state.throttle.enabled) return false;
        let bucket = this.buckets.get(operation);
        if (!bucket) {
            const config = this.state.throttle.buckets[operation] ?? this.state.throttle.buckets["*"] ?? DEFAULT_BUCKETS["*"];
            bucket = new TokenBucket(config, this.now);
            this.buckets.set(operation, bucket);
        }
        return !bucket.take();
    }

    /** Consumes one RunTask failure, if any is armed. */
    takeRunTaskFailure(): { reason: string; detail?: string; startTaskAnyway: boolean } | undefined {
        const f = this.state.runTaskFailures;
        if (!f || f.remaining <= 0) return undefined;
        f.remaining -= 1;
        const taken = { reason: f.reason, detail: f.detail, startTaskAnyway: f.startTaskAnyway ?? false };
        if (f.remaining <= 0) this.state.runTaskFailures = null;
        return taken;
    }

    /** Consumes one Spot interruption, if any is armed: how long the task runs before it (ms). */
    takeInterruption(): number | undefined {
        const f = this.state.interruptTasks;
        if (!f || f.remaining <= 0) return undefined;
        f.remaining -= 1;
        if (f.remaining <= 0) this.state.interruptTasks = null;
        return f.afterMs;
    }

    /** Consumes one failed start, if any is armed: the container's reason for a container of `image`. */
    takeFailedStart(image: string): string | undefined {
        const f = this.state.failStarts;
        if (!f || f.remaining <= 0) return undefined;
        f.remaining -= 1;
        if (f.remaining <= 0) this.state.failStarts = null;
        return f.reason ?? DEFAULT_FAIL_START_REASON.replace("<image>", normalizeImage(image));
    }

    isImageMissing(image: string): boolean {
        const wanted = normalizeImage(image);
        return this.state.missingImages.some((m) => normalizeImage(m) === wanted);
    }

    get missingWindowMs(): number {
        return this.state.missingWindowMs;
    }
    get startDelayMs(): number {
        return this.state.startDelayMs;
    }
    get stuckInPending(): boolean {
        return this.state.stuckInPending;
    }
    get logStreamDelayMs(): number {
        return this.state.logStreamDelayMs;
    }

    /** Consumes one armed empty FilterLogEvents page: true when this call answers one. */
    takeFilterEmptyPage(): boolean {
        if (this.state.filterEmptyPages <= 0) return false;
        this.state.filterEmptyPages -= 1;
        return true;
    }
}

const FAULT_KEYS = new Set([
    "throttle",
    "runTaskFailures",
    "missingWindowMs",
    "startDelayMs",
    "stuckInPending",
    "logStreamDelayMs",
    "missingImages",
    "failNext",
    "interruptTasks",
    "failStarts",
    "logQuotas",
    "filterEmptyPages",
]);

function fail(message: string): never {
    throw new Error(`invalid fault settings: ${message}`);
}

function nonNegative(v: unknown, name: string): number {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) fail(`${name} must be a number >= 0`);
    return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function validateBucket(v: unknown, name: string): BucketConfig {
    if (!isRecord(v)) fail(`${name} must be an object`);
    const capacity = nonNegative(v.capacity, `${name}.capacity`);
    const refillPerSecond = nonNegative(v.refillPerSecond, `${name}.refillPerSecond`);
    return { capacity, refillPerSecond };
}

function validateFailNext(v: unknown): FailNextFault {
    if (!isRecord(v)) fail("failNext must be an object");
    if (typeof v.operation !== "string" || v.operation === "") fail("failNext.operation must be a string");
    if (typeof v.code !== "string" || v.code === "") fail("failNext.code must be a string");
    const message = v.message === undefined ? v.code : v.message;
    if (typeof message !== "string") fail("failNext.message must be a string");
    const status = v.status === undefined ? 400 : nonNegative(v.status, "failNext.status");
    if (status < 400 || status > 599) fail("failNext.status must be 400-599");
    const count = v.count === undefined ? 1 : nonNegative(v.count, "failNext.count");
    return { operation: v.operation, code: v.code, message, status, count };
}

/** Checks an untrusted fault-settings object (from the control API); throws an Error with a reason. */
export function validateFaultSettings(input: unknown): FaultSettings {
    if (!isRecord(input)) fail("body must be a JSON object");
    for (const key of Object.keys(input)) if (!FAULT_KEYS.has(key)) fail(`unknown fault '${key}'`);
    const out: FaultSettings = {};
    if (input.throttle !== undefined) {
        const t = input.throttle;
        if (typeof t === "boolean") out.throttle = { enabled: t };
        else {
            if (!isRecord(t) || typeof t.enabled !== "boolean") fail("throttle.enabled must be a boolean");
            const buckets: Record<string, BucketConfig> = {};
            if (t.buckets !== undefined) {
                if (!isRecord(t.buckets)) fail("throttle.buckets must be an object");
                for (const [op, b] of Object.entries(t.buckets)) buckets[op] = validateBucket(b, `throttle.buckets.${op}`);
            }
            out.throttle = { enabled: t.enabled, buckets };
        }
    }
    if (input.runTaskFailures !== undefined) {
        const f = input.runTaskFailures;
        if (f === null) out.runTaskFailures = null;
        else {
            if (!isRecord(f) || typeof f.reason !== "string") fail("runTaskFailures.reason must be a string");
            const count = f.count === undefined ? 1 : nonNegative(f.count, "runTaskFailures.count");
            if (f.startTaskAnyway !== undefined && typeof f.startTaskAnyway !== "boolean")
                fail("runTaskFailures.startTaskAnyway must be a boolean");
            if (f.detail !== undefined && typeof f.detail !== "string") fail("runTaskFailures.detail must be a string");
            out.runTaskFailures = {
                reason: f.reason,
                count,
                startTaskAnyway: f.startTaskAnyway === true,
                ...(typeof f.detail === "string" ? { detail: f.detail } : {}),
            };
        }
    }
    if (input.logQuotas !== undefined) {
        const q = input.logQuotas;
        if (typeof q === "boolean") out.logQuotas = { enabled: q };
        else {
            if (!isRecord(q) || typeof q.enabled !== "boolean") fail("logQuotas must be a boolean or { enabled, buckets? }");
            const buckets: Record<string, BucketConfig> = {};
            if (q.buckets !== undefined) {
                if (!isRecord(q.buckets)) fail("logQuotas.buckets must be an object");
                for (const [op, b] of Object.entries(q.buckets)) buckets[op] = validateBucket(b, `logQuotas.buckets.${op}`);
            }
            out.logQuotas = { enabled: q.enabled, buckets };
        }
    }
    if (input.filterEmptyPages !== undefined) out.filterEmptyPages = nonNegative(input.filterEmptyPages, "filterEmptyPages");
    for (const key of ["missingWindowMs", "startDelayMs", "logStreamDelayMs"] as const) {
        if (input[key] !== undefined) out[key] = nonNegative(input[key], key);
    }
    if (input.stuckInPending !== undefined) {
        if (typeof input.stuckInPending !== "boolean") fail("stuckInPending must be a boolean");
        out.stuckInPending = input.stuckInPending;
    }
    if (input.missingImages !== undefined) {
        const m = input.missingImages;
        if (!Array.isArray(m) || m.some((x) => typeof x !== "string")) fail("missingImages must be a list of strings");
        out.missingImages = m as string[];
    }
    if (input.interruptTasks !== undefined) {
        const f = input.interruptTasks;
        if (f === null) out.interruptTasks = null;
        else {
            if (!isRecord(f)) fail("interruptTasks must be an object { count, afterMs? }");
            const count = nonNegative(f.count, "interruptTasks.count");
            out.interruptTasks = {
                count,
                ...(f.afterMs !== undefined ? { afterMs: nonNegative(f.afterMs, "interruptTasks.afterMs") } : {}),
            };
        }
    }
    if (input.failStarts !== undefined) {
        const f = input.failStarts;
        if (f === null) out.failStarts = null;
        else {
            if (!isRecord(f)) fail("failStarts must be an object { count, reason? }");
            const count = nonNegative(f.count, "failStarts.count");
            if (f.reason !== undefined && (typeof f.reason !== "string" || f.reason === ""))
                fail("failStarts.reason must be a non-empty string");
            out.failStarts = { count, ...(typeof f.reason === "string" ? { reason: f.reason } : {}) };
        }
    }
    if (input.failNext !== undefined) {
        const f = input.failNext;
        out.failNext = f === null ? null : Array.isArray(f) ? f.map(validateFailNext) : validateFailNext(f);
    }
    return out;
}
