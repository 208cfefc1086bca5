import { PLACEHOLDER, type TaskRunOutputs } from "../types";
import type { RunPorts } from "./runPorts";
import { containerOf } from "./taskStatus";
import { refreshAttempts } from "./attempts";
import { containerStatuses } from "./containers";
import { isoDate } from "../aws/ecs";
import { errorCode } from "../aws/errors";

/**
 * `pulumi refresh`: describes the task and updates its status, stop code and exit code. ECS
 * forgets a stopped task after about an hour; a task it no longer knows keeps its recorded state,
 * as does one whose cluster is gone.
 */
export async function readRun(state: TaskRunOutputs, ports: RunPorts): Promise<TaskRunOutputs> {
    if (!state.taskArn || !state.clusterArn) return state;
    let described;
    try {
        described = await ports.describeTasks(state.clusterArn, [state.taskArn]);
    } catch (err) {
        if (errorCode(err) === "ClusterNotFoundException") return state;
        throw err;
    }
    const task = described.tasks.find((t) => t.taskArn === state.taskArn);
    if (!task) return state;
    const containerName = runContainerName(state, task);
    const container = containerOf(task, containerName);
    return {
        ...state,
        lastStatus: task.lastStatus ?? state.lastStatus,
        exitCode: container?.exitCode ?? state.exitCode ?? null,
        stopCode: task.stopCode ?? state.stopCode ?? null,
        stoppedReason: task.stoppedReason ?? state.stoppedReason ?? null,
        startedAt: isoDate(task.startedAt) ?? state.startedAt ?? null,
        stoppedAt: isoDate(task.stoppedAt) ?? state.stoppedAt ?? null,
        ...(state.attempts ? { attempts: refreshAttempts(state.attempts, task, containerName) } : {}),
        containers: task.containers ? containerStatuses(task) : (state.containers ?? []),
    };
}

/**
 * The container whose exit code is the run's. The plan names it, except for a definition given by
 * `taskDefinitionArn` without `containerName`: preview could not know its one container's name
 * (the plan holds a placeholder), and create ran it because it had exactly one: the task's.
 */
function runContainerName(state: TaskRunOutputs, task: { containers?: { name?: string }[] }): string {
    const planned = state.plan.containerName;
    if (planned !== PLACEHOLDER.containerName) return planned;
    return task.containers?.length === 1 ? (task.containers[0].name ?? planned) : planned;
}
