/** What a change of inputs means for a run: run again (replace), update in place, or nothing. */
import type { ResourceContext, TaskRunInputs, TaskRunSpec } from "../types";
import { taskDefinitionsEqual } from "./equality";
import { slugifyFamily } from "./family";
import { isPlainObject, jsonEqual } from "./json";
import { resolveSettings, RUN_KEYS, SPEC_KEYS, WATCH_KEYS, type RunSettings } from "./settings";
import { prepareTaskDefinition } from "./taskDefinition";
import { containsUnknown } from "./unknowns";

/** The result of {@link diffRun}, in the shape of a dynamic provider's `DiffResult`. */
export interface RunDiff {
    /** Whether anything changed. */
    changes: boolean;
    /** Inputs whose change runs the task again (Pulumi replaces the resource). */
    replaces: string[];
    /** Inputs whose change is recorded without running anything. */
    updates: string[];
}

/**
 * Compares the previous state with the new checked inputs. `olds` is the state: the checked
 * inputs plus the run's result, with the user's `taskDefinitionArn` kept as
 * `requestedTaskDefinitionArn` (`taskDefinitionArn` there is the ARN that ran). Old inputs
 * (without `taskArn` or `requestedTaskDefinitionArn`) are accepted too.
 *
 * Values are compared after normalization (`resolveSettings`): `env: {}` equals no `env`, a JSON
 * string of customizations equals the same list, a default given explicitly equals the default,
 * object key order does not matter. The inline `taskDefinition`s are compared by preparing both
 * with the new settings and context (`prepareTaskDefinition`) and comparing the results with
 * `taskDefinitionsEqual`, so a change that does not change what is registered is no change.
 *
 * Replaces: a change of any input that defines the run (all but the ones below), or of the
 * resource's project, stack or name. Updates: `streamOutput`, `taskStartTimeoutSeconds`,
 * `taskWatchPollInterval`, `autoDeregisterTaskDefinition`, `waitForCompletion`,
 * `failOnNonZeroExit`. An input Pulumi does not know yet (preview) counts as changed. `plan` and
 * the result fields are ignored.
 */
export function diffRun(olds: Record<string, unknown>, news: Record<string, unknown>): RunDiff {
    const before = resolveSettings(inputsOf(olds, true));
    const after = resolveSettings(inputsOf(news, false));

    const unknown = (key: keyof TaskRunSpec): boolean => containsUnknown(news[key]);
    const replaces: string[] = RUN_KEYS.filter((key) => unknown(key) || !sameMeaning(key, before, after));
    for (const key of ["project", "stack", "name"] as const) {
        if (before.context[key] !== after.context[key]) replaces.push("__context");
    }
    const updates = WATCH_KEYS.filter((key) => unknown(key) || !jsonEqual(before[key], after[key]));
    const uniqueReplaces = [...new Set(replaces)];
    return { changes: uniqueReplaces.length + updates.length > 0, replaces: uniqueReplaces, updates: [...updates] };
}

/** The spec inputs of a state or of checked inputs. */
function inputsOf(props: Record<string, unknown>, isState: boolean): TaskRunInputs {
    const inputs: Record<string, unknown> = {};
    for (const key of SPEC_KEYS) {
        if (props[key] !== undefined) inputs[key] = props[key];
    }
    if (isState && ("requestedTaskDefinitionArn" in props || "taskArn" in props)) {
        delete inputs.taskDefinitionArn;
        if (props.requestedTaskDefinitionArn !== undefined && props.requestedTaskDefinitionArn !== null) {
            inputs.taskDefinitionArn = props.requestedTaskDefinitionArn;
        }
    }
    inputs.__context = contextOf(props.__context);
    return inputs as unknown as TaskRunInputs;
}

function contextOf(value: unknown): ResourceContext {
    const ctx = isPlainObject(value) ? value : {};
    const text = (v: unknown): string => (typeof v === "string" ? v : "");
    return { project: text(ctx.project), stack: text(ctx.stack), name: text(ctx.name) };
}

function sameMeaning(key: keyof TaskRunSpec, before: RunSettings, after: RunSettings): boolean {
    switch (key) {
        case "taskDefinition":
            return sameDefinition(before, after);
        case "family":
            return slugifyFamily(before.family ?? "") === slugifyFamily(after.family ?? "");
        case "networkConfiguration":
            return jsonEqual(sortedNetwork(before), sortedNetwork(after));
        case "capacityProviderStrategy":
            return jsonEqual(withStrategyDefaults(before), withStrategyDefaults(after));
        default:
            return jsonEqual(before[key as keyof RunSettings], after[key as keyof RunSettings]);
    }
}

/** Both inline definitions prepared with the new settings and context, compared by meaning. */
function sameDefinition(before: RunSettings, after: RunSettings): boolean {
    if (before.taskDefinition === undefined && after.taskDefinition === undefined) return true;
    const region = after.region ?? "<region>";
    try {
        const prepare = (s: RunSettings) =>
            prepareTaskDefinition(s.taskDefinition ?? {}, after, region, after.context).taskDefinition;
        return taskDefinitionsEqual(prepare(before), prepare(after));
    } catch {
        return jsonEqual(before.taskDefinition, after.taskDefinition);
    }
}

function sortedNetwork(s: RunSettings): unknown {
    const n = s.networkConfiguration;
    return {
        ...n,
        subnets: n.subnets === undefined ? undefined : [...n.subnets].sort(),
        securityGroups: n.securityGroups === undefined ? undefined : [...n.securityGroups].sort(),
    };
}

function withStrategyDefaults(s: RunSettings): unknown {
    return s.capacityProviderStrategy?.map((item) => ({ base: 0, weight: 0, ...item }));
}
