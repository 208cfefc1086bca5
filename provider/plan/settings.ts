/** The inputs of a run with every default applied. */
import type {
    CapacityProviderStrategyItem,
    ContainerDefinition,
    JsonPatchOperation,
    LaunchType,
    NetworkSettings,
    ResourceContext,
    TaskDefinition,
    TaskRunInputs,
    TaskRunSpec,
} from "../types";
import { DEFAULT_ASSIGN_PUBLIC_IP, DEFAULT_LAUNCH_TYPE, DEFAULT_POLL_INTERVAL_SECONDS, DEFAULT_START_TIMEOUT_SECONDS } from "./constants";
import { logsWithAwslogs, selectContainer } from "./container";
import { parseCustomizations } from "./customizations";
import { resolveRetryStrategy, type ResolvedRetryStrategy } from "./retryStrategy";
import { deepClone, isPlainObject } from "./json";
import { isUnknown } from "./unknowns";

/** Every input of {@link TaskRunSpec}, each `true`: the compiler checks that the list is complete. */
const SPEC_KEY_SET: Record<keyof TaskRunSpec, true> = {
    command: true,
    image: true,
    taskDefinitionArn: true,
    taskDefinition: true,
    family: true,
    containerName: true,
    cpu: true,
    memory: true,
    executionRoleArn: true,
    taskRoleArn: true,
    configureCloudwatchLogs: true,
    cloudwatchLogsOptions: true,
    streamOutput: true,
    launchType: true,
    capacityProviderStrategy: true,
    vpcId: true,
    networkConfiguration: true,
    cluster: true,
    env: true,
    secrets: true,
    tags: true,
    propagateTags: true,
    platformVersion: true,
    enableExecuteCommand: true,
    taskCustomizations: true,
    taskStartTimeoutSeconds: true,
    taskWatchPollInterval: true,
    autoDeregisterTaskDefinition: true,
    waitForCompletion: true,
    failOnNonZeroExit: true,
    triggers: true,
    region: true,
    retryStrategy: true,
};

/** The names of the user's inputs, in the order of {@link TaskRunSpec}. */
export const SPEC_KEYS = Object.keys(SPEC_KEY_SET) as (keyof TaskRunSpec)[];

/** The inputs that only change how a run is watched: a change to them runs nothing again. */
export const WATCH_KEYS: readonly (keyof TaskRunSpec)[] = [
    "streamOutput",
    "taskStartTimeoutSeconds",
    "taskWatchPollInterval",
    "autoDeregisterTaskDefinition",
    "waitForCompletion",
    "failOnNonZeroExit",
    "retryStrategy",
];

/** The inputs that define what runs: a change to their meaning runs the task again. */
export const RUN_KEYS: readonly (keyof TaskRunSpec)[] = SPEC_KEYS.filter((k) => !WATCH_KEYS.includes(k));

/** The spec of a run with every default applied and every value normalized. */
export interface RunSettings {
    /** The command override. Default: none (the container's own). An empty list counts as none. */
    command?: string[];
    /** The container's image. Default: the definition's. */
    image?: string;
    /** The existing definition to run or base a revision on. */
    taskDefinitionArn?: string;
    /** The inline definition to base the run on. */
    taskDefinition?: TaskDefinition;
    /** The family as given (slugified when the definition is prepared). Default: the definition's, else derived. */
    family?: string;
    /** The container name as given. Default: the definition's only container, else `main`. */
    containerName?: string;
    /** Task CPU units as given. Default (applied when the definition is prepared): the definition's, else 1024. */
    cpu?: number;
    /** Task memory (MiB) as given. Default (applied when the definition is prepared): the definition's, else 2048. */
    memory?: number;
    /** The execution role. Default: the definition's. */
    executionRoleArn?: string;
    /** The task role (sent as a run-time override). Default: the definition's. */
    taskRoleArn?: string;
    /** Whether to write the container's `awslogs` configuration. Default: `streamOutput`, except when
     * the inline definition's container already logs with `awslogs` (then that configuration is kept). */
    configureCloudwatchLogs: boolean;
    /** Options merged over the `awslogs` defaults. Default: `{}`. */
    cloudwatchLogsOptions: Record<string, string>;
    /** Whether to stream the container's log lines. Default: false. */
    streamOutput: boolean;
    /** Default: `FARGATE`. */
    launchType: LaunchType;
    /** The strategy sent instead of a launch type. Default: none; an empty list counts as none. */
    capacityProviderStrategy?: CapacityProviderStrategyItem[];
    /** The VPC whose subnets are used. Default: the default VPC. */
    vpcId?: string;
    /** `awsvpc` settings: `assignPublicIp` defaults to `ENABLED`; empty `securityGroups` are dropped. */
    networkConfiguration: NetworkSettings & { assignPublicIp: "ENABLED" | "DISABLED" };
    /** The cluster. Default: AWS's `default`. */
    cluster?: string;
    /** Environment of the run; `null` removes a variable from the definition. Default: `{}`. */
    env: Record<string, string | null>;
    /** Secret environment variables: name → `valueFrom` (Secrets Manager or SSM). Default: `{}`. */
    secrets: Record<string, string>;
    /** Tags of the task. Default: `{}`. */
    tags: Record<string, string>;
    /** Default: none (AWS's: no propagation). */
    propagateTags?: "TASK_DEFINITION" | "NONE";
    /** Default: none (AWS's `LATEST`). */
    platformVersion?: string;
    /** Default: false. */
    enableExecuteCommand: boolean;
    /** The customizations, parsed. Default: `[]`. */
    taskCustomizations: JsonPatchOperation[];
    /** Default: 300. */
    taskStartTimeoutSeconds: number;
    /** Default: 5. */
    taskWatchPollInterval: number;
    /** Default: true. */
    autoDeregisterTaskDefinition: boolean;
    /** Default: true. */
    waitForCompletion: boolean;
    /** Default: true. */
    failOnNonZeroExit: boolean;
    /** Default: `[]`. */
    triggers: unknown[];
    /** The region as given. Default: none (the provider's, resolved by the I/O layer). */
    region?: string;
    /** Default: one attempt, no rules, backoff 10 s (see `plan/retryStrategy.ts`). */
    retryStrategy: ResolvedRetryStrategy;
    /** Where the resource lives. */
    context: ResourceContext;
}

/**
 * Applies every default to validated inputs (see `validateInputs`) and normalizes them, so that
 * two inputs that mean the same run give equal settings: `null` is "not given", empty `command`
 * and `capacityProviderStrategy` lists are "none", empty `securityGroups` are left out.
 * Inputs Pulumi does not know yet (preview) are planned as described at `DEFAULTED_WHEN_UNKNOWN`.
 * Does not mutate `inputs`.
 */
export function resolveSettings(inputs: TaskRunInputs): RunSettings {
    // The engine's inputs carry the serialized provider (`__provider`, about 240 KB of source):
    // copying it (JSON) at every call cost seconds of CPU across 100 concurrent creates in one host.
    const { __provider: _provider, ...rest } = inputs as TaskRunInputs & { __provider?: unknown };
    const i = withoutUnknownStructures(withoutNulls(deepClone(rest as TaskRunInputs)));
    const streamOutput = i.streamOutput ?? false;
    const network = withoutNulls(i.networkConfiguration ?? {});
    const settings: RunSettings = {
        command: i.command !== undefined && i.command.length > 0 ? i.command : undefined,
        image: i.image,
        taskDefinitionArn: i.taskDefinitionArn,
        taskDefinition: i.taskDefinition,
        family: i.family,
        containerName: i.containerName,
        cpu: i.cpu,
        memory: i.memory,
        executionRoleArn: i.executionRoleArn,
        taskRoleArn: i.taskRoleArn,
        configureCloudwatchLogs:
            i.configureCloudwatchLogs ?? (streamOutput && !inlineContainerLogsWithAwslogs(i.taskDefinition, i.containerName)),
        cloudwatchLogsOptions: i.cloudwatchLogsOptions ?? {},
        streamOutput,
        launchType: i.launchType ?? DEFAULT_LAUNCH_TYPE,
        capacityProviderStrategy:
            i.capacityProviderStrategy !== undefined && i.capacityProviderStrategy.length > 0 ? i.capacityProviderStrategy : undefined,
        vpcId: i.vpcId,
        networkConfiguration: {
            ...(network.subnets !== undefined ? { subnets: network.subnets } : {}),
            ...(network.securityGroups !== undefined && network.securityGroups.length > 0
                ? { securityGroups: network.securityGroups }
                : {}),
            assignPublicIp: network.assignPublicIp ?? DEFAULT_ASSIGN_PUBLIC_IP,
        },
        cluster: i.cluster,
        env: i.env ?? {},
        secrets: i.secrets ?? {},
        tags: i.tags ?? {},
        propagateTags: i.propagateTags,
        platformVersion: i.platformVersion,
        enableExecuteCommand: i.enableExecuteCommand ?? false,
        taskCustomizations: parseCustomizations(i.taskCustomizations),
        taskStartTimeoutSeconds: i.taskStartTimeoutSeconds ?? DEFAULT_START_TIMEOUT_SECONDS,
        taskWatchPollInterval: i.taskWatchPollInterval ?? DEFAULT_POLL_INTERVAL_SECONDS,
        autoDeregisterTaskDefinition: i.autoDeregisterTaskDefinition ?? true,
        waitForCompletion: i.waitForCompletion ?? true,
        failOnNonZeroExit: i.failOnNonZeroExit ?? true,
        triggers: i.triggers ?? [],
        region: i.region,
        retryStrategy: resolveRetryStrategy(i.retryStrategy),
        context: i.__context,
    };
    return dropUndefined(settings);
}

function inlineContainerLogsWithAwslogs(definition: TaskDefinition | undefined, containerName: string | undefined): boolean {
    const containers: ContainerDefinition[] = definition?.containerDefinitions ?? [];
    return logsWithAwslogs(selectContainer(containers, containerName));
}

/** The inputs that are planned with their default while Pulumi does not know them (preview):
 * lists, objects, numbers and flags, which the plan cannot show as an unknown string. Unknown
 * strings stay (the plan shows them as they are); an unknown `taskDefinition` stays and is planned
 * as a definition not known yet. `diffRun` counts an unknown input as a change. */
const DEFAULTED_WHEN_UNKNOWN: readonly (keyof TaskRunSpec)[] = [
    "command",
    "cpu",
    "memory",
    "configureCloudwatchLogs",
    "cloudwatchLogsOptions",
    "streamOutput",
    "launchType",
    "capacityProviderStrategy",
    "networkConfiguration",
    "env",
    "secrets",
    "tags",
    "enableExecuteCommand",
    "taskCustomizations",
    "taskStartTimeoutSeconds",
    "taskWatchPollInterval",
    "autoDeregisterTaskDefinition",
    "waitForCompletion",
    "failOnNonZeroExit",
    "triggers",
    "retryStrategy",
];

function withoutUnknownStructures<T extends TaskRunSpec>(value: T): T {
    for (const key of DEFAULTED_WHEN_UNKNOWN) {
        if (isUnknown(value[key])) delete value[key];
    }
    if (isPlainObject(value.networkConfiguration)) {
        const network: Record<string, unknown> = value.networkConfiguration;
        for (const key of ["securityGroups", "assignPublicIp"]) {
            if (isUnknown(network[key])) delete network[key];
        }
    }
    return value;
}

/** Removes members whose value is `null` (an input set to `null` is an input left out). */
function withoutNulls<T extends object>(value: T): T {
    const copy = { ...value };
    for (const key of Object.keys(copy) as (keyof T)[]) {
        if (copy[key] === null) delete copy[key];
    }
    return copy;
}

/** Removes members whose value is `undefined`, so that settings compare equal structurally. */
function dropUndefined<T extends object>(value: T): T {
    for (const key of Object.keys(value) as (keyof T)[]) {
        if (value[key] === undefined) delete value[key];
    }
    return value;
}
