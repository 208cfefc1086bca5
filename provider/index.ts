/**
 * pulumi-ecs-task-run: run a one-off command as an AWS ECS task during `pulumi up`.
 *
 * ```ts
 * import { EcsTaskRun } from "pulumi-ecs-task-run";
 * ```
 *
 * The public API: the resource, its arguments and the types they use, the types of its outputs,
 * and the dry run {@link previewRun}. Everything else (the dynamic provider, the planning, the run
 * layer) is internal and may change in any release.
 */
export { EcsTaskRun } from "./resource";
export type { EcsTaskRunArgs, DeepInput } from "./resource";
export { previewRun } from "./preview";
export type { PreviewOptions } from "./preview";
export type {
    CapacityProviderStrategyItem,
    ContainerDefinition,
    JsonPatchOperation,
    LaunchType,
    NetworkSettings,
    PlannedRun,
    TaskDefinition,
    TaskRunResult,
    TaskRunSpec,
} from "./types";
