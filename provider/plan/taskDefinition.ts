/** The task definition a run registers (or reuses): the base definition with the inputs applied. */
import type { ContainerDefinition, ResourceContext, TaskDefinition } from "../types";
import { DEFAULT_CONTAINER_NAME, DEFAULT_CPU, DEFAULT_LOG_GROUP, DEFAULT_MEMORY, FARGATE_LAUNCH_TYPES } from "./constants";
import { selectContainer } from "./container";
import { defaultFamily, slugifyFamily } from "./family";
import { deepClone, isPlainObject } from "./json";
import type { RunSettings } from "./settings";
import { parseCpu, parseMemory } from "./units";

/** The message when logs are configured but the definition has no execution role (the reference's). */
export const EXECUTION_ROLE_REQUIRED_MESSAGE =
    "An execution role arn must be set on the task definition to use `configureCloudwatchLogs` or `streamOutput` " +
    "but no execution role was found on the task definition. Set `executionRoleArn`.";

/** The error when a definition's network mode cannot run on Fargate (the reference only warned;
 * AWS refuses to register or run it). */
export function fargateNetworkModeMessage(networkMode: string, launchType: string): string {
    return (
        `The task definition's network mode ${JSON.stringify(networkMode)} cannot be used with launch type ${launchType}, ` +
        'which needs "awsvpc": use a definition with networkMode "awsvpc", or launchType "EC2".'
    );
}

/**
 * Prepares the definition a run uses from a base definition (`{}`, the inline `taskDefinition`,
 * or the described `taskDefinitionArn`). Works on a deep copy; `base` is not changed.
 *
 * - The container: `settings.containerName` if the base has it, else a new container of that
 *   name; without a name, the first container, else a new `main` container.
 * - `image` replaces the container's image when given.
 * - Variables set to `null` in `env` are removed from the container's `environment` (the others
 *   are run-time overrides, not part of the definition).
 * - With `configureCloudwatchLogs`, the container's `logConfiguration` becomes `awslogs` with group
 *   `ecs-task-run`, the region, stream prefix = the family (stable, so that an unchanged run reuses
 *   its revision; the reference's per-run prefix registered a new one every run), group creation,
 *   then `cloudwatchLogsOptions` over those.
 * - `family` = slug of `settings.family`, else of the base's family, else {@link defaultFamily}.
 * - Sizes: `settings.cpu`/`memory`, else the base's, else 1024/2048. Fargate (`FARGATE`,
 *   `FARGATE_SPOT`): task-level `cpu`/`memory` as strings, `FARGATE` added to
 *   `requiresCompatibilities`, `networkMode` defaults to `awsvpc` (another mode is an error). EC2 and EXTERNAL: the container's
 *   `cpu`/`memory` are set (numbers) when absent; task-level sizes are updated only when the base has them.
 * - `executionRoleArn` is set when given (also for a base given by ARN; the reference skipped that
 *   and then failed for lack of a role). `taskRoleArn` is not written here: it is a run-time override.
 *
 * Throws {@link EXECUTION_ROLE_REQUIRED_MESSAGE} when logs are configured and the result has no
 * execution role, and {@link fargateNetworkModeMessage} when a Fargate definition's network mode is
 * not `awsvpc` (validation reports both earlier for inline definitions).
 */
export function prepareTaskDefinition(
    base: TaskDefinition,
    settings: RunSettings,
    region: string,
    ctx: ResourceContext,
): { taskDefinition: TaskDefinition; containerName: string } {
    const td = deepClone(base);
    const containers: ContainerDefinition[] = Array.isArray(td.containerDefinitions) ? td.containerDefinitions : [];
    td.containerDefinitions = containers;

    let container = selectContainer(containers, settings.containerName);
    if (container === undefined) {
        container = { name: settings.containerName ?? DEFAULT_CONTAINER_NAME };
        containers.push(container);
    }
    const containerName = container.name ?? settings.containerName ?? DEFAULT_CONTAINER_NAME;

    if (settings.image !== undefined) container.image = settings.image;

    const unset = new Set(Object.keys(settings.env).filter((name) => settings.env[name] === null));
    if (unset.size > 0 && Array.isArray(container.environment)) {
        container.environment = container.environment.filter((v) => !(isPlainObject(v) && unset.has(v.name)));
    }

    const family = slugifyFamily(settings.family ?? (typeof base.family === "string" ? base.family : "")) || defaultFamily(ctx);
    td.family = family;

    if (settings.configureCloudwatchLogs) {
        container.logConfiguration = {
            logDriver: "awslogs",
            options: {
                "awslogs-create-group": "true",
                "awslogs-group": DEFAULT_LOG_GROUP,
                "awslogs-region": region,
                "awslogs-stream-prefix": family,
                ...settings.cloudwatchLogsOptions,
            },
        };
    }

    const cpu = settings.cpu ?? td.cpu ?? DEFAULT_CPU;
    const memory = settings.memory ?? td.memory ?? DEFAULT_MEMORY;
    if (FARGATE_LAUNCH_TYPES.includes(settings.launchType)) {
        td.cpu = String(cpu);
        td.memory = String(memory);
        const compatibilities = Array.isArray(td.requiresCompatibilities) ? td.requiresCompatibilities : [];
        if (!compatibilities.includes("FARGATE")) compatibilities.push("FARGATE");
        td.requiresCompatibilities = compatibilities;
        td.networkMode ??= "awsvpc";
        if (td.networkMode !== "awsvpc") throw new Error(fargateNetworkModeMessage(td.networkMode, settings.launchType));
    } else {
        container.cpu ??= parseCpu(cpu) ?? DEFAULT_CPU;
        container.memory ??= parseMemory(memory) ?? DEFAULT_MEMORY;
        if (td.cpu !== undefined) td.cpu = String(cpu);
        if (td.memory !== undefined) td.memory = String(memory);
    }

    if (settings.executionRoleArn !== undefined) td.executionRoleArn = settings.executionRoleArn;

    if (settings.configureCloudwatchLogs && !td.executionRoleArn) throw new Error(EXECUTION_ROLE_REQUIRED_MESSAGE);

    return { taskDefinition: td, containerName };
}
