import type { TaskRunOutputs } from "../types";
import type { RunPorts } from "./ports";
import { stopReason } from "./activeTasks";

/**
 * `pulumi destroy` (and the old half of a replacement): stops the task if it still runs and
 * deregisters the task definition when this resource registered it and
 * `autoDeregisterTaskDefinition` is on. What is already gone (the task, its cluster, an INACTIVE
 * definition) is not an error.
 */
export async function deleteRun(state: TaskRunOutputs, ports: RunPorts): Promise<void> {
    const name = state.__context?.name ?? "task run";
    const say = (line: string): void => ports.log(`[${name}] ${line}`);
    if (state.taskArn && state.clusterArn && state.lastStatus !== "STOPPED") {
        const outcome = await ports.stopTask(state.clusterArn, state.taskArn, stopReason(name, "the resource was deleted"));
        if (outcome === "stopped") say(`Stopped task ${state.taskArn}.`);
    }
    const autoDeregister = state.autoDeregisterTaskDefinition ?? true;
    if (state.taskDefinitionRegistered && autoDeregister && state.taskDefinitionArn) {
        const outcome = await ports.deregisterTaskDefinition(state.taskDefinitionArn);
        if (outcome === "deregistered") say(`Deregistered task definition ${state.taskDefinitionArn}.`);
    }
}
