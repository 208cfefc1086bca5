/** Shared values of the planning tests. */
import type { ResourceContext, TaskRunInputs, TaskRunSpec } from "../../../provider/types";
import { inputsHash, startedByFor } from "../../../provider/plan/runIdentity";
import { resolveSettings, type RunSettings } from "../../../provider/plan/settings";

/** The resource every test plans for. */
export const CTX: ResourceContext = { project: "shop", stack: "dev", name: "hello" };

/** The family derived from {@link CTX}. */
export const FAMILY = "shop-dev-hello";

/** The `startedBy` of {@link CTX}. */
export const STARTED_BY = startedByFor(CTX);

/** A spec with the resource context. */
export function inputs(spec: TaskRunSpec): TaskRunInputs {
    return { ...spec, __context: CTX };
}

/** Settings of a spec. */
export function settingsOf(spec: TaskRunSpec): RunSettings {
    return resolveSettings(inputs(spec));
}

/** The inputs hash tag of a spec. */
export function hashTag(spec: TaskRunSpec): { key: string; value: string } {
    return { key: "ecs-task-run:inputs-hash", value: inputsHash(settingsOf(spec), CTX) };
}
