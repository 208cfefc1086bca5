import type * as pulumi from "@pulumi/pulumi";
import { PLACEHOLDER, type CheckedInputs, type TaskRunInputs, type TaskRunOutputs } from "./types";
import { checkInputs } from "./lifecycle/checkInputs";
import { diffRun } from "./plan/diff";
import { createRun } from "./lifecycle/createRun";
import { deleteRun } from "./lifecycle/deleteRun";
import { readRun } from "./lifecycle/readRun";
import { updateRun } from "./lifecycle/updateRun";
import { makeAwsPorts } from "./lifecycle/runPortsOnAws";
import { regionOfState, rememberConfiguredRegion } from "./lifecycle/region";
import { toOutputs, fromOutputs } from "./lifecycle/outputs";
import { configureProcessLogHub } from "./run/logHub";
import { logLimits, rememberLogLimitsConfig } from "./run/logLimits";
import { withRedactedErrors } from "./lifecycle/redactedErrors";

/**
 * The implementation of `EcsTaskRun`'s dynamic provider: thin, it validates and plans with the
 * pure `plan/` functions and acts through the ports of `lifecycle/`.
 *
 * This module is the package's stable entry point for Pulumi state
 * (`pulumi-ecs-task-run/dynamic-provider` in `package.json` `exports`): the provider serialized
 * into a stack's state (`provider.ts`) names only this module and calls only these methods, so
 * `refresh` and `destroy` of a stack written by an older version run the installed version's code,
 * and internal files can move freely. The methods keep the `ResourceProvider` contract, and read
 * every state version this package ever wrote (`stateVersion`; none is version 0).
 *
 * Errors thrown to the engine have the values of secret inputs redacted from their messages.
 */
export const implementation: pulumi.dynamic.ResourceProvider = {
    /** Records the stack's `aws:region`, the default region of every run, and the log read budget. */
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        rememberConfiguredRegion(req.config.get("aws:region"));
        rememberLogLimitsConfig(req.config);
        configureProcessLogHub(logLimits());
    },

    /** Validates every input (failures name the property) and adds the planned run that preview shows. */
    async check(_olds: TaskRunInputs, news: TaskRunInputs): Promise<pulumi.dynamic.CheckResult> {
        return checkInputs(news);
    },

    /** A change in what runs replaces (reruns); a change in how we watch is an in-place update. */
    async diff(_id: string, olds: TaskRunOutputs, news: CheckedInputs): Promise<pulumi.dynamic.DiffResult> {
        const planned = news.plan?.region;
        const diff = diffRun(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, {
            regionBefore: regionOfState(olds),
            regionAfter: typeof planned === "string" && planned !== PLACEHOLDER.region ? planned : undefined,
        });
        return { changes: diff.changes, replaces: diff.replaces };
    },

    /** Runs the task and records its result. */
    async create(inputs: CheckedInputs): Promise<pulumi.dynamic.CreateResult> {
        return withRedactedErrors(inputs, async () => {
            const ports = await makeAwsPorts(inputs);
            const result = await createRun(inputs, ports);
            return { id: result.taskArn, outs: toOutputs(inputs, result) };
        });
    },

    /** Refreshes the task's status and exit code. */
    async read(id: string, props: TaskRunOutputs): Promise<pulumi.dynamic.ReadResult> {
        return withRedactedErrors(props, async () => {
            const ports = await makeAwsPorts(fromOutputs(props), regionOfState(props));
            return { id, props: await readRun(props, ports) };
        });
    },

    /** Takes the new watching settings; runs nothing. */
    async update(_id: string, olds: TaskRunOutputs, news: CheckedInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: updateRun(olds, news) };
    },

    /** Stops the task if it still runs and deregisters the definition this resource registered. */
    async delete(_id: string, props: TaskRunOutputs): Promise<void> {
        await withRedactedErrors(props, async () => {
            const ports = await makeAwsPorts(fromOutputs(props), regionOfState(props));
            await deleteRun(props, ports);
        });
    },
};
