import type { Task, Failure } from "@aws-sdk/client-ecs";
import type { TaskDefinition } from "../types";

/** The clock a run waits with; tests pass a fake one so that no real time passes. */
export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    /** Waits `ms` milliseconds. */
    sleep(ms: number): Promise<void>;
    /** A number in [0, 1), for jitter. */
    random(): number;
}

/** Reads one container's log stream: only a bounded tail is kept in memory. */
export interface LogReader {
    /** Reads what is new and relays it line by line. */
    poll(): Promise<unknown>;
    /** After the task stopped: reads until nothing new has arrived for a short while. */
    drain(): Promise<unknown>;
    /** The last lines read. */
    tail(): string[];
}

/** What a task waiter is told to wait for. */
export interface WaitOptions {
    /** Give up after this long (ms); undefined waits until the condition holds. */
    timeoutMs?: number;
    /** Milliseconds between two looks at the task. */
    pollIntervalMs: number;
    /** Called with each new description of the task (status changes, final state). */
    onTask?: (task: Task) => void;
}

/**
 * Everything a run does to the outside world, as functions. The lifecycle code (`create`,
 * `delete`, `read`) is written against these ports only; `awsPorts.ts` binds them to the AWS SDK
 * (through `aws/` and `run/`), tests bind them to fakes.
 */
export interface RunPorts {
    /** The region the AWS clients use. */
    region: string;
    clock: Clock;
    /** Writes a line to the deployment's output. */
    log(line: string): void;
    /** A new idempotency token for one RunTask attempt (≤ 64 ASCII characters). */
    newClientToken(): string;
    /** Describes a task definition; null when it does not exist. */
    describeTaskDefinition(id: string): Promise<TaskDefinition | null>;
    /** Reuses the family's latest revision when equal, else registers; shares in-flight work in the process. */
    ensureTaskDefinition(prepared: TaskDefinition): Promise<{ arn: string; registered: boolean }>;
    /** Deregisters a definition; what is already gone is not an error. */
    deregisterTaskDefinition(arn: string): Promise<"deregistered" | "already-inactive" | "not-found">;
    /** The subnets of a VPC (the default one when no id): errors name the VPC and what to do. */
    findSubnets(vpcId?: string): Promise<string[]>;
    /** One RunTask call (throttling retried inside). */
    runTask(request: Record<string, unknown>): Promise<{ tasks: Task[]; failures: Failure[] }>;
    /** ARNs of tasks of a cluster started with a `startedBy`, by desired status. */
    listTasks(query: { cluster?: string; startedBy: string; desiredStatus: "RUNNING" | "STOPPED" }): Promise<string[]>;
    /** Describes tasks (with tags). */
    describeTasks(cluster: string | undefined, taskArns: string[]): Promise<{ tasks: Task[]; failures: Failure[] }>;
    /** Waits, with the process's shared watcher, until `until(task)` holds. */
    waitForTask(cluster: string, taskArn: string, until: (task: Task) => boolean, options: WaitOptions): Promise<Task>;
    /** Stops a task; what is already gone is not an error. */
    stopTask(cluster: string, taskArn: string, reason: string): Promise<"stopped" | "already-stopped" | "not-found" | "cluster-not-found">;
    /** Opens a reader of a log stream that relays each line to `onLine`. */
    openLogStream(group: string, stream: string, onLine: (line: string) => void): LogReader;
}
