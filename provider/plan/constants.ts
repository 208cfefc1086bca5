/**
 * Fixed values of the planning layer: defaults, AWS limits and names. Every figure says where it
 * comes from; AWS figures were checked against `@aws-sdk/client-ecs`'s model documentation.
 */
import type { LaunchType } from "../types";

/** Task CPU units used when neither the inputs nor the base task definition give any. */
export const DEFAULT_CPU = 1024;

/** Task memory (MiB) used when neither the inputs nor the base task definition give any. */
export const DEFAULT_MEMORY = 2048;

/** The name of the container added when the base task definition has none. */
export const DEFAULT_CONTAINER_NAME = "main";

/** The CloudWatch log group of the `awslogs` configuration this resource writes. */
export const DEFAULT_LOG_GROUP = "ecs-task-run";

/** Seconds a task may take to reach RUNNING (the reference's 120 s is short for large images). */
export const DEFAULT_START_TIMEOUT_SECONDS = 300;

/** Seconds between two DescribeTasks calls while a task is watched. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;

/** The family used when nothing else gives one (and a derived family slugs to nothing). */
export const FALLBACK_FAMILY = "ecs-task-run";

/** Fields that AWS adds to a task definition on registration (the reference's list). */
export const POST_REGISTRATION_FIELDS: readonly string[] = [
    "compatibilities",
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
];

/** Every field DescribeTaskDefinition returns that RegisterTaskDefinition does not take:
 * {@link POST_REGISTRATION_FIELDS} plus `deleteRequestedAt` (newer SDK models). */
export const READ_ONLY_TASK_DEFINITION_FIELDS: readonly string[] = [...POST_REGISTRATION_FIELDS, "deleteRequestedAt"];

/** Valid Fargate task sizes: CPU units → the memory sizes (MiB) allowed with them
 * (AWS documentation, "Task size"; see ecs-facts.md). */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: range(1024, 4096, 1024),
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

/** The valid Fargate CPU values, ascending. */
export const FARGATE_CPUS: readonly number[] = Object.keys(FARGATE_SIZES)
    .map(Number)
    .sort((a, b) => a - b);

/** The launch types that run on Fargate (and so need task-level sizes and `awsvpc`). */
export const FARGATE_LAUNCH_TYPES: readonly LaunchType[] = ["FARGATE", "FARGATE_SPOT"];

/** The `launchType` value that sends neither a launch type nor a capacity provider strategy, so
 * that the cluster's default capacity provider strategy applies. */
export const CLUSTER_DEFAULT = "CLUSTER_DEFAULT" satisfies LaunchType;

/** The launch type used when none is given. */
export const DEFAULT_LAUNCH_TYPE: LaunchType = "FARGATE";

/** The capacity provider strategy that `FARGATE_SPOT` stands for (the reference's). */
export const FARGATE_SPOT_STRATEGY = [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] as const;

/** The tag put on every task: the hash of the inputs that define the run, so that a task
 * started by an interrupted deployment can be recognised. */
export const INPUTS_HASH_TAG = "ecs-task-run:inputs-hash";

/** Tags per task, ours included (RunTask documentation). */
export const MAX_TAGS = 50;

/** Maximum tag key length (RunTask documentation). */
export const MAX_TAG_KEY_LENGTH = 128;

/** Maximum tag value length (RunTask documentation). */
export const MAX_TAG_VALUE_LENGTH = 256;

/** The tag prefix AWS reserves, in any letter case (RunTask documentation). */
export const RESERVED_TAG_PREFIX = "aws:";

/** Maximum length (characters of JSON) of RunTask's `overrides` (RunTask documentation). */
export const MAX_OVERRIDES_LENGTH = 8192;

/** Maximum length of a task definition family (RegisterTaskDefinition documentation). */
export const MAX_FAMILY_LENGTH = 255;

/** Prefix of the `startedBy` value of the tasks this resource starts. */
export const STARTED_BY_PREFIX = "etr-";

/** Hex digits of the SHA-256 used in `startedBy` (prefix + 32 = 36 characters, within the
 * older documented limit of 36 and the current one of 128). */
export const STARTED_BY_HASH_LENGTH = 32;

/** Hex digits of the SHA-256 kept as the inputs hash. */
export const INPUTS_HASH_LENGTH = 32;

/** The `assignPublicIp` used when none is given, so that a task in a public subnet can pull its image. */
export const DEFAULT_ASSIGN_PUBLIC_IP = "ENABLED";

/** The values RunTask accepts for `assignPublicIp`. */
export const ASSIGN_PUBLIC_IP_VALUES: readonly string[] = ["ENABLED", "DISABLED"];

/** The values RunTask accepts for `propagateTags` (`SERVICE` is refused for RunTask). */
export const PROPAGATE_TAGS_VALUES: readonly string[] = ["TASK_DEFINITION", "NONE"];

/** Capacity provider strategy limits (SDK model documentation of CapacityProviderStrategyItem). */
export const MAX_CAPACITY_PROVIDER_WEIGHT = 1000;
/** See {@link MAX_CAPACITY_PROVIDER_WEIGHT}. */
export const MAX_CAPACITY_PROVIDER_BASE = 100000;

/** How VPC lookups are named in messages and placeholders when no `vpcId` is given. */
export const DEFAULT_VPC_LABEL = "the default VPC";

/** The value Pulumi sends for an input that is not known yet (during preview), from
 * `@pulumi/pulumi/runtime/rpc.js` (`unknownValue`). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Keys of the provider's inputs that are not user inputs and that validation ignores (besides
 * these, every key starting with `__` is internal: `__context`, `__provider`, `__secretKeys`...). */
export const INTERNAL_INPUT_KEYS: readonly string[] = ["__context", "__provider", "__secretKeys", "plan"];

/** Whether an input key is internal (not a user input): see {@link INTERNAL_INPUT_KEYS}. */
export function isInternalKey(key: string): boolean {
    return INTERNAL_INPUT_KEYS.includes(key) || key.startsWith("__");
}

function range(from: number, to: number, step: number): number[] {
    const values: number[] = [];
    for (let v = from; v <= to; v += step) values.push(v);
    return values;
}
