import type * as pulumi from "@pulumi/pulumi";
import type { CheckedInputs, TaskRunInputs, TaskRunOutputs } from "./types";
import { checkInputs } from "./lifecycle/checkInputs";
import { diffRun } from "./plan/diff";
import { createRun } from "./lifecycle/createRun";
import { deleteRun } from "./lifecycle/deleteRun";
import { readRun } from "./lifecycle/readRun";
import { updateRun } from "./lifecycle/updateRun";
import { makeAwsPorts } from "./lifecycle/awsPorts";
import { rememberConfiguredRegion } from "./lifecycle/region";
import { toOutputs, fromOutputs } from "./lifecycle/outputs";

/**
 * The dynamic provider of `EcsTaskRun`: thin, it validates and plans with the pure `plan/`
 * functions and acts through the ports of `lifecycle/`. It is serialized into Pulumi state, so it
 * captures no SDK client, no Map and no credential: clients are made inside each method.
 */
export const ecsTaskRunProvider: pulumi.dynamic.ResourceProvider = {
    /** Records the stack's `aws:region`, the default region of every run. */
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        rememberConfiguredRegion(req.config.get("aws:region"));
    },

    /** Validates every input (failures name the property) and adds the planned run that preview shows. */
    async check(_olds: TaskRunInputs, news: TaskRunInputs): Promise<pulumi.dynamic.CheckResult> {
        return checkInputs(news);
    },

    /** A change in what runs replaces (reruns); a change in how we watch is an in-place update. */
    async diff(_id: string, olds: TaskRunOutputs, news: CheckedInputs): Promise<pulumi.dynamic.DiffResult> {
        const diff = diffRun(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>);
        return { changes: diff.changes, replaces: diff.replaces };
    },

    /** Runs the task and records its result. */
    async create(inputs: CheckedInputs): Promise<pulumi.dynamic.CreateResult> {
        const ports = await makeAwsPorts(inputs);
        const result = await createRun(inputs, ports);
        return { id: result.taskArn, outs: toOutputs(inputs, result) };
    },

    /** Refreshes the task's status and exit code. */
    async read(id: string, props: TaskRunOutputs): Promise<pulumi.dynamic.ReadResult> {
        const ports = await makeAwsPorts(fromOutputs(props));
        return { id, props: await readRun(props, ports) };
    },

    /** Takes the new watching settings; runs nothing. */
    async update(_id: string, olds: TaskRunOutputs, news: CheckedInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: updateRun(olds, news) };
    },

    /** Stops the task if it still runs and deregisters the definition this resource registered. */
    async delete(_id: string, props: TaskRunOutputs): Promise<void> {
        const ports = await makeAwsPorts(fromOutputs(props));
        await deleteRun(props, ports);
    },
};
