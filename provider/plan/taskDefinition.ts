/** The task definition a run registers (or reuses): the base definition with the inputs applied. */
import type { ContainerDefinition, ResourceContext, TaskDefinition } from "../types";
import { DEFAULT_CONTAINER_NAME, DEFAULT_CPU, DEFAULT_LOG_GROUP, DEFAULT_MEMORY, FARGATE_LAUNCH_TYPES } from "./constants";
import { ambiguousContainerMessage, ambiguousContainers, selectContainer } from "./container";
import { applySecrets, SECRETS_NEED_EXECUTION_ROLE_MESSAGE } from "./secrets";
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
 *   name; without a name, the only container, else a new `main` container. Without a name and with
 *   several containers it throws {@link ambiguousContainerMessage} (validation reports that earlier
 *   for inline definitions; for one given by ARN it is known once described, before RunTask).
 * - `image` replaces the container's image when given.
 * - Variables set to `null` in `env` are removed from the container's `environment` (the others
 *   are run-time overrides, not part of the definition).
 * - With `configureCloudwatchLogs`, the container's `logConfiguration` becomes `awslogs` with group
 *   `ecs-task-run`, the region, stream prefix = the family (stable, so that an unchanged run reuses
 *   its revision; the reference's per-run prefix registered a new one every run), group creation,
 *   then `cloudwatchLogsOptions` over those.
 * - `family` = slug of `settings.family`, else of the base's family, else {@link defaultFamily}.
 * - `secrets` are written into the container's `secrets` (see `applySecrets`).
 * - Sizes: `settings.cpu`/`memory`, else the base's, else 1024/2048. Fargate (`FARGATE`,
 *   `FARGATE_SPOT`): task-level `cpu`/`memory` as strings, `FARGATE` added to
 *   `requiresCompatibilities`, `networkMode` defaults to `awsvpc` (another mode is an error). EC2: the container's
 *   `cpu`/`memory` are set (numbers) when absent; task-level sizes are updated only when the base has them.
 *   EXTERNAL and CLUSTER_DEFAULT (as Prefect, which sets sizes only for Fargate and EC2): no default
 *   size anywhere; task-level sizes are set when given, or updated when the base has them.
 * - `executionRoleArn` is set when given, unless `options.executionRoleAsOverride` (a base given by
 *   ARN: the role then travels in RunTask's overrides, and `planRun` writes it into the definition
 *   only when the definition changes for another reason). `taskRoleArn` is not written here: it is a
 *   run-time override.
 *
 * Throws {@link EXECUTION_ROLE_REQUIRED_MESSAGE} when logs are configured, and
 * {@link SECRETS_NEED_EXECUTION_ROLE_MESSAGE} when secrets are given, with no execution role in the
 * result nor the settings; {@link fargateNetworkModeMessage} when a Fargate definition's network
 * mode is not `awsvpc` (validation reports these earlier for inline definitions).
 */
export function prepareTaskDefinition(
    base: TaskDefinition,
    settings: RunSettings,
    region: string,
    ctx: ResourceContext,
    options: { executionRoleAsOverride?: boolean } = {},
): { taskDefinition: TaskDefinition; containerName: string } {
    const td = deepClone(base);
    const containers: ContainerDefinition[] = Array.isArray(td.containerDefinitions) ? td.containerDefinitions : [];
    td.containerDefinitions = containers;

    const ambiguous = ambiguousContainers(containers, settings.containerName);
    if (ambiguous !== null) {
        const where = typeof td.taskDefinitionArn === "string" ? `Task definition ${td.taskDefinitionArn}` : "The task definition";
        throw new Error(ambiguousContainerMessage(ambiguous, where));
    }
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
    applySecrets(container, settings.secrets);

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
    } else if (settings.launchType === "EC2") {
        container.cpu ??= parseCpu(cpu) ?? DEFAULT_CPU;
        container.memory ??= parseMemory(memory) ?? DEFAULT_MEMORY;
        if (td.cpu !== undefined) td.cpu = String(cpu);
        if (td.memory !== undefined) td.memory = String(memory);
    } else {
        const taskCpu = settings.cpu ?? td.cpu;
        const taskMemory = settings.memory ?? td.memory;
        if (taskCpu !== undefined) td.cpu = String(taskCpu);
        if (taskMemory !== undefined) td.memory = String(taskMemory);
    }

    if (settings.executionRoleArn !== undefined && options.executionRoleAsOverride !== true)
        td.executionRoleArn = settings.executionRoleArn;

    const executionRole = settings.executionRoleArn ?? td.executionRoleArn;
    if (settings.configureCloudwatchLogs && !executionRole) throw new Error(EXECUTION_ROLE_REQUIRED_MESSAGE);
    if (Object.keys(settings.secrets).length > 0 && !executionRole) throw new Error(SECRETS_NEED_EXECUTION_ROLE_MESSAGE);

    return { taskDefinition: td, containerName };
}
