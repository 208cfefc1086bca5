/** The containers of a described task: the `containers` output, and the sidecars that failed the run. */
import type { Task } from "@aws-sdk/client-ecs";
import type { ContainerStatus, TaskDefinition } from "../types";

/** Exit codes of a process ended by SIGKILL (137) or SIGTERM (143): what a container stopped by ECS
 * (because another essential container exited) usually reports. */
const STOPPED_WITH_TASK_EXIT_CODES: readonly number[] = [137, 143];

/** Whether an exit code is what a container stopped by ECS with its task reports (137 or 143). */
export function stoppedWithTask(exitCode: number | null): boolean {
    return exitCode !== null && STOPPED_WITH_TASK_EXIT_CODES.includes(exitCode);
}

/** Every container of the task as ECS described it, in ECS's order. */
export function containerStatuses(task: Task): ContainerStatus[] {
    return (task.containers ?? []).map((c) => ({
        name: c.name ?? "",
        lastStatus: c.lastStatus ?? null,
        exitCode: c.exitCode ?? null,
        reason: c.reason ?? null,
    }));
}

/**
 * The essential containers other than the run's that make the run fail: those that exited with a
 * non-zero code. Not counted: a container the definition marks `essential: false`, one that never
 * reported an exit code, and one that exited with 137 or 143 and no reason after the run's own
 * container had exited: ECS stopped it because the task was stopping (SIGTERM, then SIGKILL), it
 * did not fail. A container the definition does not list (or when the definition is not known)
 * counts as essential, AWS's default.
 */
export function failedEssentialSidecars(task: Task, runContainer: string, taskDefinition: TaskDefinition | null): ContainerStatus[] {
    const essential = (name: string): boolean => {
        const defined = (taskDefinition?.containerDefinitions ?? []).find((c) => c.name === name);
        return defined?.essential !== false;
    };
    const statuses = containerStatuses(task);
    const runExited = statuses.some((c) => c.name === runContainer && c.exitCode !== null);
    return statuses.filter((c) => {
        if (c.name === runContainer || !essential(c.name) || c.exitCode === null || c.exitCode === 0) return false;
        return !(runExited && stoppedWithTask(c.exitCode) && !c.reason);
    });
}

/** How a failed sidecar is named in a message: `log-router (exit code 1, "reason")`. */
export function describeContainer(c: ContainerStatus): string {
    const bits = [c.exitCode === null ? "no exit code" : `exit code ${c.exitCode}`];
    if (c.reason) bits.push(JSON.stringify(c.reason));
    return `${c.name} (${bits.join(", ")})`;
}
