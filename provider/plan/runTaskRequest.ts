/** The RunTask request of a run. */
import { CLUSTER_DEFAULT, FARGATE_SPOT_STRATEGY, INPUTS_HASH_TAG } from "./constants";
import { applyCustomizations } from "./customizations";
import { deepClone } from "./json";
import type { RunSettings } from "./settings";

/** What the RunTask request needs besides the settings. */
export interface RunTaskRequestArgs {
    /** The definition to run: an ARN, `family[:revision]`, or the preview placeholder. */
    taskDefinitionArn: string;
    /** The container the overrides apply to. */
    containerName: string;
    /** The `awsvpc` configuration, when the definition's network mode needs one. */
    networkConfiguration?: Record<string, unknown>;
    /** The resource's `startedBy` (see `startedByFor`). */
    startedBy: string;
    /** The inputs hash, put on the task as the `ecs-task-run:inputs-hash` tag. */
    inputsHash: string;
}

/**
 * The RunTask request, with the customizations applied last:
 * `taskDefinition`; `cluster` when given; `capacityProviderStrategy` when given, else
 * `[{ capacityProvider: "FARGATE_SPOT", weight: 1 }]` for `FARGATE_SPOT`, else nothing for
 * `CLUSTER_DEFAULT` (the cluster's default capacity provider strategy applies), else `launchType`;
 * `networkConfiguration` when given; `overrides` = the container's override (`name`, `command`
 * when given, `environment` = the non-null `env` sorted by name when any, and the container
 * `cpu`/`memory` when given, on every launch type, as Prefect sends them) and task-level
 * `cpu`/`memory` (strings), `executionRoleArn`, `taskRoleArn` when given; `startedBy`; `tags` =
 * the user's tags sorted by key, then the inputs hash tag; `propagateTags`, `platformVersion` when
 * given; `enableExecuteCommand` only when true; `count: 1`.
 *
 * `secrets` are not here: RunTask overrides cannot carry them (they are in the task definition).
 * Throws when a customization does not apply (validation reports that earlier).
 */
export function prepareRunTaskRequest(settings: RunSettings, args: RunTaskRequestArgs): Record<string, unknown> {
    const request: Record<string, unknown> = { taskDefinition: args.taskDefinitionArn };
    if (settings.cluster !== undefined) request.cluster = settings.cluster;

    if (settings.capacityProviderStrategy !== undefined) {
        request.capacityProviderStrategy = deepClone(settings.capacityProviderStrategy);
    } else if (settings.launchType === "FARGATE_SPOT") {
        request.capacityProviderStrategy = deepClone(FARGATE_SPOT_STRATEGY);
    } else if (settings.launchType !== CLUSTER_DEFAULT) {
        request.launchType = settings.launchType;
    }

    if (args.networkConfiguration !== undefined) request.networkConfiguration = deepClone(args.networkConfiguration);

    request.overrides = overrides(settings, args.containerName);
    request.startedBy = args.startedBy;
    request.tags = [
        ...Object.keys(settings.tags)
            .sort()
            .map((key) => ({ key, value: settings.tags[key] })),
        { key: INPUTS_HASH_TAG, value: args.inputsHash },
    ];
    if (settings.propagateTags !== undefined) request.propagateTags = settings.propagateTags;
    if (settings.platformVersion !== undefined) request.platformVersion = settings.platformVersion;
    if (settings.enableExecuteCommand) request.enableExecuteCommand = true;
    request.count = 1;

    return applyCustomizations(request, settings.taskCustomizations);
}

function overrides(settings: RunSettings, containerName: string): Record<string, unknown> {
    const container: Record<string, unknown> = { name: containerName };
    if (settings.command !== undefined) container.command = deepClone(settings.command);
    const environment = Object.keys(settings.env)
        .sort()
        .filter((name) => settings.env[name] !== null)
        .map((name) => ({ name, value: settings.env[name] }));
    if (environment.length > 0) container.environment = environment;
    if (settings.cpu !== undefined) container.cpu = settings.cpu;
    if (settings.memory !== undefined) container.memory = settings.memory;

    const result: Record<string, unknown> = { containerOverrides: [container] };
    if (settings.cpu !== undefined) result.cpu = String(settings.cpu);
    if (settings.memory !== undefined) result.memory = String(settings.memory);
    if (settings.executionRoleArn !== undefined) result.executionRoleArn = settings.executionRoleArn;
    if (settings.taskRoleArn !== undefined) result.taskRoleArn = settings.taskRoleArn;
    return result;
}
