import type { TaskRunOutputs } from "../types";
import type { RunPorts } from "./runPorts";
import { stopReason } from "./activeTasks";
import { sweepInBackground } from "./sweep";

/**
 * `pulumi destroy` (and the old half of a replacement): stops the task if it still runs, then lets
 * go of the task definition.
 *
 * - State version 1: this resource's use tag is removed from its managed revision, and the revision
 *   is deregistered when no other resource uses it (and `autoDeregisterTaskDefinition` is on), so a
 *   replacement that reuses the revision, or another resource of the same family, keeps it.
 * - State version 0 (no use tag): the revision is deregistered when this resource registered it and
 *   `autoDeregisterTaskDefinition` is on, as version 0 did. Version 1 never reuses such an untagged
 *   revision, so no newer state depends on it.
 *
 * What is already gone (the task, its cluster, an INACTIVE definition) is not an error. Like
 * create, delete sweeps the project's families for uses whose lease ran out (`plan/ownership.ts`),
 * so that `pulumi destroy` also removes what a killed host left.
 */
export async function deleteRun(state: TaskRunOutputs, ports: RunPorts): Promise<void> {
    const name = state.__context?.name ?? "task run";
    const printStatus = (line: string): void => ports.log(`[${name}] ${line}`);
    if (state.taskArn && state.clusterArn && state.lastStatus !== "STOPPED") {
        const outcome = await ports.stopTask(state.clusterArn, state.taskArn, stopReason(name, "the resource was deleted"));
        if (outcome === "stopped") printStatus(`Stopped task ${state.taskArn}.`);
    }
    const autoDeregister = state.autoDeregisterTaskDefinition ?? true;
    const sweep = state.__context
        ? sweepInBackground(state.__context.project, familyOfArn(state.taskDefinitionArn), autoDeregister, ports)
        : undefined;
    try {
        await releaseDefinition(state, ports, autoDeregister, printStatus);
    } finally {
        await sweep;
    }
}

/** The family named by a task definition ARN (`...:task-definition/<family>:<revision>`). */
function familyOfArn(arn: string | undefined): string | undefined {
    const m = /:task-definition\/([^:]+):\d+$/.exec(arn ?? "");
    return m ? m[1] : undefined;
}

async function releaseDefinition(
    state: TaskRunOutputs,
    ports: RunPorts,
    autoDeregister: boolean,
    printStatus: (line: string) => void,
): Promise<void> {
    if (!state.taskDefinitionRegistered || !state.taskDefinitionArn) return;
    if (state.taskDefinitionUse) {
        const outcome = await ports.releaseTaskDefinitionUse(state.taskDefinitionArn, state.taskDefinitionUse, {
            deregister: autoDeregister,
        });
        if (outcome === "still-used") printStatus(`Kept task definition ${state.taskDefinitionArn}: another resource still uses it.`);
        return;
    }
    if (autoDeregister) {
        const outcome = await ports.deregisterTaskDefinition(state.taskDefinitionArn);
        if (outcome === "deregistered") printStatus(`Deregistered task definition ${state.taskDefinitionArn}.`);
    }
}
