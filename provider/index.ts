/**
 * pulumi-ecs-task-run: run a one-off command as an AWS ECS task during `pulumi up`.
 *
 * ```ts
 * import { EcsTaskRun } from "pulumi-ecs-task-run";
 * ```
 */
export { EcsTaskRun, ALWAYS_SECRET_OUTPUTS } from "./resource";
export type { EcsTaskRunArgs, DeepInput } from "./resource";
export { ecsTaskRunProvider } from "./provider";
export { previewRun } from "./preview";
export type { PreviewOptions } from "./preview";
export * from "./types";
