import type * as pulumi from "@pulumi/pulumi";
import * as entry from "./dynamicProvider";

/**
 * The dynamic provider of `EcsTaskRun`, as Pulumi serializes it into each resource's state
 * (`__provider`). It names one module only, the package's stable entry point
 * `pulumi-ecs-task-run/dynamic-provider` (`dynamicProvider.ts`): installed from npm, the state says
 * `require("pulumi-ecs-task-run/dynamic-provider")` and nothing else of the package, so later
 * versions (whatever their internal layout, under npm or pnpm) refresh and destroy it. In this
 * repository (not under `node_modules`) the code is serialized by value, as for any local module.
 * It captures no SDK client, no Map and no credential: clients are made inside each method.
 */
export const ecsTaskRunProvider: pulumi.dynamic.ResourceProvider = {
    /** Records the stack's `aws:region`, the default region of every run. */
    async configure(req) {
        await entry.implementation.configure?.(req);
    },
    /** Validates every input and adds the planned run that preview shows. */
    async check(olds, news) {
        return entry.implementation.check!(olds, news);
    },
    /** Replaces when what runs changes; updates in place when only how it is watched does. */
    async diff(id, olds, news) {
        return entry.implementation.diff!(id, olds, news);
    },
    /** Runs the task and records its result. */
    async create(inputs) {
        return entry.implementation.create(inputs);
    },
    /** Refreshes the task's status and exit code, in the region the run used. */
    async read(id, props) {
        return entry.implementation.read!(id, props);
    },
    /** Takes the new watching settings; runs nothing. */
    async update(id, olds, news) {
        return entry.implementation.update!(id, olds, news);
    },
    /** Stops the task if it still runs and lets go of its task definition. */
    async delete(id, props) {
        await entry.implementation.delete!(id, props);
    },
};
