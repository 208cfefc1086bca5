/**
 * Shared helpers for the emulator tests: real SDK clients pointed at the emulator.
 */
import { readFileSync } from "node:fs";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import {
    DescribeTasksCommand,
    ECSClient,
    RegisterTaskDefinitionCommand,
    RunTaskCommand,
    type ContainerDefinition,
    type RegisterTaskDefinitionCommandInput,
    type RunTaskCommandInput,
    type Task,
} from "@aws-sdk/client-ecs";
import type { Emulator } from "../../emulator";

/** Real SDK clients for one emulator; `maxAttempts: 1` so errors surface at once. */
export interface Clients {
    ecs: ECSClient;
    ec2: EC2Client;
    logs: CloudWatchLogsClient;
}

export function clientsFor(emulator: Emulator, maxAttempts = 1): Clients {
    const config = {
        endpoint: emulator.url,
        region: "us-east-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        maxAttempts,
    };
    return { ecs: new ECSClient(config), ec2: new EC2Client(config), logs: new CloudWatchLogsClient(config) };
}

export function destroyClients(c: Clients | undefined): void {
    c?.ecs.destroy();
    c?.ec2.destroy();
    c?.logs.destroy();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined); fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(20);
    }
}

export async function describeTask(ecs: ECSClient, taskArn: string, cluster?: string): Promise<Task | undefined> {
    const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn], include: ["TAGS"] }));
    return out.tasks?.[0];
}

/** Waits until the task's lastStatus is `status` (default STOPPED). */
export function waitForStatus(ecs: ECSClient, taskArn: string, status = "STOPPED", cluster?: string, timeoutMs?: number): Promise<Task> {
    return waitFor(
        `${taskArn} ${status}`,
        async () => {
            const t = await describeTask(ecs, taskArn, cluster);
            return t?.lastStatus === status ? t : undefined;
        },
        timeoutMs,
    );
}

/** Registers a one-container EC2 (bridge) definition. */
export async function registerSimple(
    ecs: ECSClient,
    family: string,
    container: Partial<ContainerDefinition> = {},
    extra: Partial<RegisterTaskDefinitionCommandInput> = {},
): Promise<string> {
    const out = await ecs.send(
        new RegisterTaskDefinitionCommand({
            family,
            containerDefinitions: [{ name: "main", image: "busybox:1.36", memory: 128, ...container }],
            ...extra,
        }),
    );
    return out.taskDefinition?.taskDefinitionArn as string;
}

/** Runs one task and returns its ARN. */
export async function runOne(ecs: ECSClient, input: RunTaskCommandInput): Promise<string> {
    const out = await ecs.send(new RunTaskCommand(input));
    const arn = out.tasks?.[0]?.taskArn;
    if (!arn) throw new Error(`RunTask started nothing: ${JSON.stringify(out.failures)}`);
    return arn;
}

/** Captures the error of a promise that must fail. */
export async function errorOf(p: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
    try {
        await p;
    } catch (err) {
        return err as Error & { name: string };
    }
    throw new Error("expected an error");
}

/** awslogs configuration for a group, with a stream prefix. */
export function awslogs(group: string, extra: Record<string, string> = {}): ContainerDefinition["logConfiguration"] {
    return {
        logDriver: "awslogs",
        options: { "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app", ...extra },
    };
}

/** True when a process with that pid exists and is not a zombie (Linux: read from /proc). */
export function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
        return true;
    }
}

/** The task id (last ARN segment). */
export const taskIdOf = (arn: string): string => arn.slice(arn.lastIndexOf("/") + 1);
