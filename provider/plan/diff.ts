/** What a change of inputs means for a run: run again (replace), update in place, or nothing. */
import {
    PLACEHOLDER,
    type ContainerDefinition,
    type PlannedRun,
    type ResourceContext,
    type TaskDefinition,
    type TaskRunInputs,
    type TaskRunSpec,
} from "../types";
import { ambiguousContainers } from "./container";
import { INPUTS_HASH_TAG } from "./constants";
import { planRun } from "./planRun";
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

/** What {@link diffRun} knows besides the two property bags. */
export interface DiffContext {
    /** The region the recorded run used (`regionOfState`); undefined when the state names none. */
    regionBefore?: string;
    /** The region a new run would use (the checked plan's); undefined when none is known. */
    regionAfter?: string;
}

/**
 * Compares the previous state with the new checked inputs by what would run. `olds` is the state:
 * the checked inputs plus the run's result, with the user's `taskDefinitionArn` kept as
 * `requestedTaskDefinitionArn` (`taskDefinitionArn` there is the ARN that ran). Old inputs
 * (without `taskArn` or `requestedTaskDefinitionArn`) are accepted too.
 *
 * Both sides are planned (`planRun`) with the recorded run's resource context and region, and the
 * plans compared: the task definitions with `taskDefinitionsEqual`,
 * the RunTask requests as canonical JSON (subnet and security group order, and the run-identity
 * fields `startedBy` and the inputs-hash tag, left out), plus `triggers`. So a default spelled out,
 * a reordering, a JSON string of customizations for the same list, or a rename (aliases,
 * `pulumi stack rename`: a new `__context`) runs nothing; any change to what the task runs or
 * where replaces, named by the inputs whose normalized values changed (`region` when the
 * effective region changed; `plan` when only the planned result tells). An input Pulumi does not
 * know yet (preview) counts as changed. When a side cannot be planned (an old state of another
 * shape), the normalized inputs are compared instead.
 *
 * Updates (run nothing): `streamOutput`, `taskStartTimeoutSeconds`, `taskWatchPollInterval`,
 * `autoDeregisterTaskDefinition`, `waitForCompletion`, `failOnNonZeroExit`, `retryStrategy`, and `__secretKeys`
 * (an input made secret later: the recorded plan and log tail are redacted again). `plan` and the
 * result fields are ignored.
 */
export function diffRun(olds: Record<string, unknown>, news: Record<string, unknown>, ctx: DiffContext = {}): RunDiff {
    const oldInputs = inputsOf(olds, true);
    const newInputs = inputsOf(news, false);
    const before = resolveSettings(oldInputs);
    const after = resolveSettings(newInputs);

    const unknown = (key: keyof TaskRunSpec): boolean => containsUnknown(news[key]);
    const changedKeys: string[] = RUN_KEYS.filter((key) => unknown(key) || !sameMeaning(key, before, after));
    const regionBefore = ctx.regionBefore ?? knownRegion(olds.runRegion) ?? knownRegion(planOf(olds)?.region);
    const regionAfter = ctx.regionAfter ?? knownRegion(planOf(news)?.region);
    const regionChanged =
        regionBefore !== undefined && regionAfter !== undefined ? regionBefore !== regionAfter : !jsonEqual(before.region, after.region);
    if (regionChanged && !changedKeys.includes("region")) changedKeys.push("region");

    let replaces: string[];
    if (regionChanged || RUN_KEYS.some(unknown)) {
        replaces = changedKeys;
    } else {
        const same = sameMeaning("triggers", before, after) ? samePlannedRun(oldInputs, newInputs, regionBefore ?? regionAfter) : false;
        replaces = same === undefined ? changedKeys : same ? [] : changedKeys.length > 0 ? changedKeys : ["plan"];
    }
    const updates: string[] = WATCH_KEYS.filter((key) => unknown(key) || !jsonEqual(before[key], after[key]));
    if (!jsonEqual([...secretKeysOf(olds)].sort(), [...secretKeysOf(news)].sort())) updates.push("__secretKeys");
    return { changes: replaces.length + updates.length > 0, replaces, updates };
}

/** A region name, or undefined for anything else (a placeholder, nothing). */
function knownRegion(value: unknown): string | undefined {
    return typeof value === "string" && value !== PLACEHOLDER.region && value !== "" ? value : undefined;
}

/** The `plan` of a property bag, if it has one. */
function planOf(props: Record<string, unknown>): { region?: unknown } | undefined {
    return isPlainObject(props.plan) ? props.plan : undefined;
}

/** The `__secretKeys` of a property bag. */
function secretKeysOf(props: Record<string, unknown>): string[] {
    return Array.isArray(props.__secretKeys) ? props.__secretKeys.filter((k): k is string => typeof k === "string") : [];
}

/**
 * Whether the two inputs plan the same run, both planned with the old resource context and one
 * `region`. (`streamOutput` shapes the definition when `configureCloudwatchLogs` is not given:
 * turning it on adds the log configuration it needs, which is a new run.) Undefined when a side
 * cannot be planned.
 */
function samePlannedRun(oldInputs: TaskRunInputs, newInputs: TaskRunInputs, region: string | undefined): boolean | undefined {
    const context = oldInputs.__context;
    let planBefore: PlannedRun;
    let planAfter: PlannedRun;
    try {
        // The region is judged above, by the effective region: both sides are planned in one.
        planBefore = planRun({ ...oldInputs, region: undefined, __context: context }, { region });
        planAfter = planRun({ ...newInputs, region: undefined, __context: context }, { region });
    } catch {
        return undefined;
    }
    if (planBefore.containerName !== planAfter.containerName) return false;
    const definitionsSame =
        planBefore.taskDefinition && planAfter.taskDefinition
            ? taskDefinitionsEqual(planBefore.taskDefinition, planAfter.taskDefinition)
            : jsonEqual(planBefore.taskDefinition, planAfter.taskDefinition);
    return definitionsSame && jsonEqual(comparableRequest(planBefore), comparableRequest(planAfter));
}

/** A planned RunTask request without the run-identity fields, with list orders that do not matter
 * sorted, and task-level size overrides equal to the planned definition's own sizes left out. */
function comparableRequest(plan: PlannedRun): unknown {
    const copy = JSON.parse(JSON.stringify(plan.runTaskRequest)) as Record<string, unknown>;
    const overrides = copy.overrides as Record<string, unknown> | undefined;
    if (overrides && plan.taskDefinition) {
        if (overrides.cpu !== undefined && overrides.cpu === plan.taskDefinition.cpu) delete overrides.cpu;
        if (overrides.memory !== undefined && overrides.memory === plan.taskDefinition.memory) delete overrides.memory;
        withoutRedundantContainerSizes(overrides, plan.taskDefinition);
    }
    delete copy.startedBy;
    if (Array.isArray(copy.tags)) copy.tags = (copy.tags as { key?: string }[]).filter((t) => t.key !== INPUTS_HASH_TAG);
    if (Array.isArray(copy.capacityProviderStrategy)) {
        // AWS's defaults: weight 0, base 0.
        copy.capacityProviderStrategy = (copy.capacityProviderStrategy as Record<string, unknown>[]).map((item) => ({
            base: 0,
            weight: 0,
            ...item,
        }));
    }
    const vpc = (copy.networkConfiguration as { awsvpcConfiguration?: Record<string, unknown> } | undefined)?.awsvpcConfiguration;
    if (vpc) {
        for (const key of ["subnets", "securityGroups"]) {
            if (Array.isArray(vpc[key])) vpc[key] = [...(vpc[key] as string[])].sort();
        }
    }
    return copy;
}

/** Removes container-level size overrides (sent, as Prefect sends them, whenever `cpu`/`memory`
 * are given) that change nothing: equal to that container's own size in the planned definition,
 * or, for a definition of one container, to the task-level size. */
function withoutRedundantContainerSizes(overrides: Record<string, unknown>, definition: TaskDefinition): void {
    const containers = Array.isArray(definition.containerDefinitions) ? definition.containerDefinitions : [];
    for (const override of Array.isArray(overrides.containerOverrides) ? (overrides.containerOverrides as Record<string, unknown>[]) : []) {
        const own = containers.find((c) => c.name === override.name);
        for (const key of ["cpu", "memory"] as const) {
            if (override[key] === undefined) continue;
            const taskLevel = containers.length === 1 ? definition[key] : undefined;
            if (own?.[key] === override[key] || (taskLevel !== undefined && String(override[key]) === String(taskLevel)))
                delete override[key];
        }
    }
}

/** The spec inputs of a state or of checked inputs. */
function inputsOf(props: Record<string, unknown>, isState: boolean): TaskRunInputs {
    const inputs: Record<string, unknown> = {};
    for (const key of SPEC_KEYS) {
        if (props[key] !== undefined) inputs[key] = props[key];
    }
    if (isState && inputs.containerName === undefined && isPlainObject(inputs.taskDefinition)) {
        // A state made before a definition of several containers needed `containerName` ran its
        // first container: its recorded plan names it, so that naming it now is no change.
        const containers = inputs.taskDefinition.containerDefinitions;
        const recorded = isPlainObject(props.plan) ? props.plan.containerName : undefined;
        const ambiguous = Array.isArray(containers) && ambiguousContainers(containers as ContainerDefinition[], undefined) !== null;
        if (ambiguous && typeof recorded === "string" && recorded !== "" && !recorded.startsWith("<")) inputs.containerName = recorded;
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
        const prepare = (s: RunSettings) => prepareTaskDefinition(s.taskDefinition ?? {}, after, region, after.context).taskDefinition;
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
