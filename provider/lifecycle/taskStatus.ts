import type { Task, Failure } from "@aws-sdk/client-ecs";
import { isStopped } from "../run/waiting";

/** The container of that name in a described task. */
export function containerOf(task: Task, name: string): NonNullable<Task["containers"]>[number] | undefined {
    return (task.containers ?? []).find((c) => c.name === name);
}

/** True when a task that stopped never ran its container (it failed to start). */
export function failedToStart(task: Task, containerName: string): boolean {
    if (!isStopped(task)) return false;
    if (task.stopCode === "TaskFailedToStart") return true;
    const container = containerOf(task, containerName);
    return task.startedAt === undefined && (container?.exitCode === undefined || container?.exitCode === null);
}

/** A one-paragraph account of why a task stopped: stop code, reason, and each container's exit code and reason. */
export function describeStop(task: Task): string {
    const parts: string[] = [];
    if (task.stopCode) parts.push(`stop code ${task.stopCode}`);
    if (task.stoppedReason) parts.push(`reason "${task.stoppedReason}"`);
    for (const c of task.containers ?? []) {
        const bits: string[] = [];
        if (c.exitCode !== undefined && c.exitCode !== null) bits.push(`exit code ${c.exitCode}`);
        if (c.reason) bits.push(`"${c.reason}"`);
        if (bits.length > 0) parts.push(`container ${c.name}: ${bits.join(", ")}`);
    }
    return parts.length > 0 ? parts.join("; ") : "no reason given by ECS";
}

/** RunTask failure reasons that retrying can fix: capacity and agent trouble (ecs-facts.md). */
export function isRetryableRunFailure(failure: Failure): boolean {
    const reason = failure.reason ?? "";
    return (
        reason.startsWith("RESOURCE:") ||
        reason === "AGENT" ||
        /capacity is unavailable/i.test(reason) ||
        /capacity is unavailable/i.test(failure.detail ?? "")
    );
}

/** What a person can do about a RunTask failure reason. */
export function adviceForRunFailure(reason: string): string {
    if (reason.startsWith("RESOURCE:")) return "the cluster lacks capacity: add container instances or capacity, or lower cpu/memory";
    if (reason === "AGENT") return "the ECS agent on the container instance is not connected: check the instance";
    if (reason === "ATTRIBUTE")
        return "no container instance has the attributes the task definition requires: check `requiresAttributes` and placement constraints";
    if (reason === "MISSING") return "ECS could not find a resource the request names: check the cluster and task definition";
    if (reason === "INACTIVE") return "the task definition is INACTIVE: register it again or remove `taskDefinitionArn`";
    return "see the ECS RunTask failures documentation";
}
