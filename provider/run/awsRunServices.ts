/**
 * Everything a run does to AWS, bound to the SDK with this layer's retry policy, as one object of
 * plain functions (shaped like the lifecycle's `RunPorts`, so binding them is one spread):
 * - every call is retried on throttling and transient errors until `apiDeadlineMs`;
 * - RunTask is retried on transient errors only when the request carries a `clientToken` (the
 *   token makes a repeated request return the original task instead of starting another);
 *   throttling is always retried (a refused request started nothing);
 * - task definitions are acquired and released under the ownership rules of `registration.ts`;
 * - watching goes through the process's one task watcher;
 * - clients are the process's per-region clients unless given.
 */
import type { Failure, Task } from "@aws-sdk/client-ecs";
import type { TaskDefinition } from "../types";
import { type AwsClients, processClients } from "../aws/clients";
import { findVpcSubnets } from "../aws/ec2";
import {
    DESCRIBE_TASKS_MAX,
    deregisterTaskDefinition,
    describeTaskDefinition,
    describeTaskDefinitionWithTags,
    describeTasks,
    listActiveRevisions,
    listTaskDefinitionFamilies,
    listTasks,
    registerTaskDefinition,
    runTask,
    stopTask,
    tagResource,
    untagResource,
} from "../aws/ecs";
import { isThrottling, isTransient } from "../aws/errors";
import { filterLogEvents, getLogEvents } from "../aws/logs";
import { type Clock, realClock, withRetry } from "../aws/retry";
import { getAwsTaskWatcher } from "./processTaskWatcher";
import { getProcessLogHub, HubLogReader, LogHub } from "./logHub";
import { logLimits } from "./logLimits";
import { LogStreamer } from "./logStream";
import { leaseSecondsOf, type UseIdentity } from "../plan/ownership";
import {
    type AcquiredTaskDefinition,
    acquireTaskDefinition,
    holdUse,
    recordUse,
    releaseUse,
    sweepExpiredUses,
    type RegistrationDeps,
    type SweepOutcome,
    type UseHold,
    type ReleaseOutcome,
} from "./registration";
import type { TaskWaiter, WaitOptions } from "./waiting";

/** Options of {@link makeAwsRunServices}. */
export interface AwsRunServicesOptions {
    /** The region of the run; default: the SDK's region chain. */
    region?: string;
    /** The plan layer's task definition equality (registered vs prepared). */
    equal: (registered: TaskDefinition, prepared: TaskDefinition) => boolean;
    /** Diagnostics: retries, registrations, unreadable logs. Default: none. */
    log?: (line: string) => void;
    /** How long (ms) one call may be retried. Default: 120000. */
    apiDeadlineMs?: number;
    /** Default: the real clock. */
    clock?: Clock;
    /** Default: the process's clients of `region`. */
    clients?: AwsClients;
    /** Default: the process's task watcher (`getAwsTaskWatcher`). */
    watcher?: TaskWaiter;
    /** Lines kept by each log stream's tail. Default: 50. */
    tailLines?: number;
    /**
     * How log streams are read: `shared` (the process's one budgeted reader, `logHub.ts`) or
     * `per-stream` (each stream polls GetLogEvents on its own: the former way, kept as the bench's
     * baseline). Default: `shared`, or `per-stream` when the environment variable
     * `ECS_TASK_RUN_LOG_READER` is `per-stream`.
     */
    logReading?: "shared" | "per-stream";
    /** The log hub. Default: the process's (`getProcessLogHub`), or one of its own when `clients` are given. */
    logHub?: LogHub;
}

/** The AWS side of a run. */
export interface AwsRunServices {
    /** A new RunTask idempotency token (a UUID: 36 characters, within the 64 allowed). */
    newClientToken(): string;
    /** DescribeTaskDefinition; null when it does not exist. */
    describeTaskDefinition(id: string): Promise<TaskDefinition | null>;
    /** The revision to run for a prepared definition, with this create's use tag on it (see `registration.ts`). */
    acquireTaskDefinition(
        prepared: TaskDefinition,
        identity: UseIdentity,
        options: { deregisterUnused: boolean },
    ): Promise<AcquiredTaskDefinition>;
    /** Renews the lease of a pending use until stopped (see `registration.ts`). */
    holdTaskDefinitionUse(arn: string, use: string): UseHold;
    /** Removes expired pending uses from the managed revisions of the families starting with `prefixes`. */
    sweepExpiredUses(prefixes: string[], options: { deregister: boolean }): Promise<SweepOutcome>;
    /** Marks a use as recorded (the create returned). */
    recordTaskDefinitionUse(arn: string, use: string): Promise<void>;
    /** Removes a use; deregisters the revision when it was the last (and `deregister` is true). */
    releaseTaskDefinitionUse(arn: string, use: string, options: { deregister: boolean }): Promise<ReleaseOutcome>;
    /** DeregisterTaskDefinition (what is already gone is no error): states of version 0 only. */
    deregisterTaskDefinition(arn: string): Promise<"deregistered" | "already-inactive" | "not-found">;
    /** TagResource of a task. */
    tagTask(taskArn: string, tags: Record<string, string>): Promise<void>;
    /** The subnets of `vpcId`, else of the default VPC (errors say what to do). */
    findSubnets(vpcId?: string): Promise<string[]>;
    /** RunTask (see the module comment for its retries). */
    runTask(request: Record<string, unknown>): Promise<{ tasks: Task[]; failures: Failure[] }>;
    /** ListTasks, every page. */
    listTasks(query: { cluster?: string; startedBy: string; desiredStatus: "RUNNING" | "STOPPED" }): Promise<string[]>;
    /** DescribeTasks with tags, in calls of 100. */
    describeTasks(cluster: string | undefined, taskArns: string[]): Promise<{ tasks: Task[]; failures: Failure[] }>;
    /** Waits with the process's task watcher until `until(task)` holds. */
    waitForTask(cluster: string, taskArn: string, until: (task: Task) => boolean, options: WaitOptions): Promise<Task>;
    /** StopTask; what is already gone is no error. */
    stopTask(cluster: string, taskArn: string, reason: string): Promise<"stopped" | "already-stopped" | "not-found" | "cluster-not-found">;
    /** A reader of a log stream relaying each line to `onLine`, keeping a bounded tail. */
    openLogStream(group: string, stream: string, onLine: (line: string) => void): LogStreamer | HubLogReader;
}

/** Binds a run's AWS operations; see the module comment. */
export function makeAwsRunServices(opts: AwsRunServicesOptions): AwsRunServices {
    const clock = opts.clock ?? realClock();
    const deadlineMs = opts.apiDeadlineMs ?? 120_000;
    const clients = (): AwsClients => opts.clients ?? processClients(opts.region);
    const log = opts.log;
    let ownHub: LogHub | undefined;
    const retry = <T>(what: string, fn: () => Promise<T>, isRetryable: (err: unknown) => boolean = isTransient): Promise<T> =>
        withRetry(fn, {
            what,
            deadlineMs,
            clock,
            isRetryable,
            onRetry: (err, attempt, delayMs) =>
                log?.(
                    `${what}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}; attempt ${attempt + 1} in ${delayMs} ms.`,
                ),
        });

    const registrationDeps = (): RegistrationDeps => ({
        describeTaskDefinition: (id) => describeTaskDefinitionWithTags(clients().ecs, id),
        registerTaskDefinition: (td, tags) => registerTaskDefinition(clients().ecs, td, tags),
        tagResource: (arn, tags) => tagResource(clients().ecs, arn, tags),
        untagResource: (arn, keys) => untagResource(clients().ecs, arn, keys),
        deregisterTaskDefinition: (arn) => deregisterTaskDefinition(clients().ecs, arn),
        listFamilies: (prefix) => listTaskDefinitionFamilies(clients().ecs, prefix),
        listRevisions: (family) => listActiveRevisions(clients().ecs, family),
        equal: opts.equal,
        clock,
        leaseMs: leaseSecondsOf(process.env) * 1000,
        log,
    });
    const registrationScope = `${opts.region ?? ""}|${process.env.AWS_ENDPOINT_URL ?? ""}|${process.env.AWS_ENDPOINT_URL_ECS ?? ""}`;

    return {
        newClientToken: () => (require("node:crypto") as typeof import("node:crypto")).randomUUID(),

        describeTaskDefinition: (id) => retry(`DescribeTaskDefinition ${id}`, () => describeTaskDefinition(clients().ecs, id)),

        acquireTaskDefinition: (prepared, identity, options) =>
            acquireTaskDefinition(registrationDeps(), prepared, identity, {
                deadlineMs,
                scope: registrationScope,
                deregisterUnused: options.deregisterUnused,
            }),

        holdTaskDefinitionUse: (arn, use) => holdUse(registrationDeps(), arn, use, { deadlineMs }),

        sweepExpiredUses: (prefixes, options) =>
            sweepExpiredUses(registrationDeps(), prefixes, { deadlineMs, deregister: options.deregister, scope: registrationScope }),

        recordTaskDefinitionUse: (arn, use) => recordUse(registrationDeps(), arn, use, { deadlineMs }),

        releaseTaskDefinitionUse: (arn, use, options) =>
            releaseUse(registrationDeps(), arn, use, { deadlineMs, deregister: options.deregister }),

        deregisterTaskDefinition: (arn) => retry(`DeregisterTaskDefinition ${arn}`, () => deregisterTaskDefinition(clients().ecs, arn)),

        tagTask: (taskArn, tags) => retry(`TagResource ${taskArn}`, () => tagResource(clients().ecs, taskArn, tags)),

        findSubnets: (vpcId) =>
            sharedLookup(
                `subnets|${opts.region ?? ""}|${vpcId ?? "<default>"}|${process.env.AWS_ENDPOINT_URL ?? ""}|${process.env.AWS_ENDPOINT_URL_EC2 ?? ""}`,
                () => retry(`Finding the subnets of ${vpcId ?? "the default VPC"}`, () => findVpcSubnets(clients().ec2, vpcId)),
            ),

        runTask: (request) =>
            retry(
                `RunTask in cluster ${typeof request.cluster === "string" ? request.cluster : "default"}`,
                () => runTask(clients().ecs, request),
                typeof request.clientToken === "string" && request.clientToken ? isTransient : isThrottling,
            ),

        listTasks: (query) => retry(`ListTasks started by ${query.startedBy}`, () => listTasks(clients().ecs, query)),

        describeTasks: async (cluster, taskArns) => {
            const tasks: Task[] = [];
            const failures: Failure[] = [];
            for (let i = 0; i < taskArns.length; i += DESCRIBE_TASKS_MAX) {
                const chunk = taskArns.slice(i, i + DESCRIBE_TASKS_MAX);
                const out = await retry(`DescribeTasks in cluster ${cluster ?? "default"}`, () =>
                    describeTasks(clients().ecs, cluster, chunk, { includeTags: true }),
                );
                tasks.push(...out.tasks);
                failures.push(...out.failures);
            }
            return { tasks, failures };
        },

        waitForTask: (cluster, taskArn, until, options) => (opts.watcher ?? getAwsTaskWatcher()).waitFor(cluster, taskArn, until, options),

        stopTask: (cluster, taskArn, reason) => retry(`StopTask ${taskArn}`, () => stopTask(clients().ecs, cluster, taskArn, reason)),

        openLogStream: (group, stream, onLine) => {
            if ((opts.logReading ?? (process.env.ECS_TASK_RUN_LOG_READER === "per-stream" ? "per-stream" : "shared")) === "per-stream") {
                return new LogStreamer({
                    getLogEvents: (args) => getLogEvents(clients().logs, args),
                    group,
                    stream,
                    onLine,
                    onWarning: log,
                    tailLines: opts.tailLines,
                    clock,
                });
            }
            ownHub ??=
                opts.logHub ??
                (opts.clients
                    ? newLogHub(() => opts.clients as AwsClients, clock)
                    : getProcessLogHub(() => newLogHub((r) => processClients(r), realClock())));
            return new HubLogReader(ownHub, {
                region: opts.region ?? "",
                group,
                stream,
                onLine,
                onWarning: log,
                tailLines: opts.tailLines,
                clock,
            });
        },
    };
}

/** A log hub over the clients of each region, with the process's budget (`logLimits`). */
function newLogHub(clientsOf: (region: string | undefined) => AwsClients, clock: Clock): LogHub {
    const limits = logLimits();
    return new LogHub({
        getLogEvents: (region, args) => getLogEvents(clientsOf(region || undefined).logs, args),
        filterLogEvents: (region, args) => filterLogEvents(clientsOf(region || undefined).logs, args),
        clock,
        getLogEventsPerSecond: limits.getLogEventsPerSecond,
        filterLogEventsPerSecond: limits.filterLogEventsPerSecond,
    });
}

/**
 * One lookup shared by the concurrent runs of the process: a fan-out of 100 runs that reach this
 * point together asks EC2 once, not 100 times. Nothing is remembered once the lookup settles (a
 * VPC's subnets can change between deployments). The in-flight table is a plain object on
 * `globalThis` (module-level state would be serialized with the provider).
 */
function sharedLookup<T>(key: string, lookup: () => Promise<T>): Promise<T> {
    const g = globalThis as unknown as Record<string, Record<string, Promise<unknown>> | undefined>;
    const inFlight = (g["__ecsTaskRun.lookups"] ??= {});
    const pending = inFlight[key];
    if (pending !== undefined) return pending as Promise<T>;
    const value = lookup();
    inFlight[key] = value;
    const forget = (): void => {
        if (inFlight[key] === value) delete inFlight[key];
    };
    value.then(forget, forget);
    return value;
}
