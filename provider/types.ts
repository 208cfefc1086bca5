/**
 * Plain JSON types of the provider layer: what the dynamic provider receives once Pulumi has
 * resolved every `Input<>`, and what it writes to state. The resource layer (`args.ts`) derives
 * its `Input<>` types from {@link TaskRunSpec}, so every field is documented once, here.
 */

/** A launch type as this resource accepts it. `FARGATE_SPOT` is not an ECS launch type: it
 * becomes a capacity provider strategy `[{ capacityProvider: "FARGATE_SPOT", weight: 1 }]`.
 * `CLUSTER_DEFAULT` is not one either: the request then has neither a launch type nor a strategy,
 * so that the cluster's default capacity provider strategy applies (Prefect's unset `launch_type`). */
export type LaunchType = "FARGATE" | "FARGATE_SPOT" | "EC2" | "EXTERNAL" | "CLUSTER_DEFAULT";

/** The launch types this resource accepts, in the order error messages list them. */
export const LAUNCH_TYPES: readonly LaunchType[] = ["FARGATE", "FARGATE_SPOT", "EC2", "EXTERNAL", "CLUSTER_DEFAULT"];

/** One RFC 6902 operation, applied to the RunTask request. */
export interface JsonPatchOperation {
    op: "add" | "remove" | "replace" | "move" | "copy" | "test";
    path: string;
    value?: unknown;
    from?: string;
}

/** One entry of a capacity provider strategy, as RunTask takes it. */
export interface CapacityProviderStrategyItem {
    capacityProvider: string;
    /** Default: 0 (AWS's).
     * @default 0 (AWS's) */
    weight?: number;
    /** Default: 0 (AWS's).
     * @default 0 (AWS's) */
    base?: number;
}

/** The `awsvpc` network settings of the run. */
export interface NetworkSettings {
    /** Subnet IDs. Default: the subnets of `vpcId`, else of the default VPC.
     * @default the subnets of `vpcId`, else of the default VPC */
    subnets?: string[];
    /** Security group IDs. Default: none (the VPC's default group is then used by AWS).
     * @default none (the VPC's default group is then used by AWS) */
    securityGroups?: string[];
    /** Default: `ENABLED`, so that a task in a public subnet can pull its image.
     * @default `ENABLED` */
    assignPublicIp?: "ENABLED" | "DISABLED";
}

/** A RegisterTaskDefinition input object (camelCase, as the ECS API and the SDK take it). */
export type TaskDefinition = Record<string, unknown> & {
    family?: string;
    containerDefinitions?: ContainerDefinition[];
    cpu?: string;
    memory?: string;
    networkMode?: string;
    requiresCompatibilities?: string[];
    executionRoleArn?: string;
    taskRoleArn?: string;
};

/** A container definition (camelCase). */
export type ContainerDefinition = Record<string, unknown> & {
    name?: string;
    image?: string;
    command?: string[];
    entryPoint?: string[];
    environment?: { name: string; value: string }[];
    essential?: boolean;
    cpu?: number;
    memory?: number;
    logConfiguration?: { logDriver: string; options?: Record<string, string>; secretOptions?: { name: string; valueFrom: string }[] };
};

/** What a user declares: the arguments of `EcsTaskRun`, resolved to plain values. */
export interface TaskRunSpec {
    /** The command to run in the container, overriding the definition's. Default: the container's own command.
     * @default the container's own command */
    command?: string[];
    /** The image of the container. Required unless the given definition gives the container one.
     * @default the given definition's image of the container */
    image?: string;
    /** An existing task definition (ARN, `family` or `family:revision`) to run or to base a new revision on.
     * It is never deregistered by this resource. Cannot be used with `taskDefinition`.
     * @default none */
    taskDefinitionArn?: string;
    /** A RegisterTaskDefinition input to base the run on. Cannot be used with `taskDefinitionArn`.
     * @default none */
    taskDefinition?: TaskDefinition;
    /** The task definition family. Default: the given definition's family, else
     * `<project>-<stack>-<resource name>`. Characters ECS refuses are replaced with `-`; case is kept.
     * @default the given definition's family, else `<project>-<stack>-<resource name>` */
    family?: string;
    /** The container that runs `command`. Default: the given definition's only container, else `main`
     * when there is no definition; a definition with several containers needs it (refused at `check`
     * for `taskDefinition`, before RunTask for `taskDefinitionArn`). A name the given definition
     * lacks is added as a new container (with `image`).
     * @default the given definition's only container, else `main` when there is no definition */
    containerName?: string;
    /** Task CPU units; when given, also the run container's `cpu` override (as Prefect sends it).
     * Default: the definition's, else 1024 (task-level on Fargate, the container's on EC2); EXTERNAL and
     * CLUSTER_DEFAULT get no default size. For Fargate, one of 256, 512, 1024, 2048, 4096, 8192, 16384.
     * @default the definition's, else 1024 (none for EXTERNAL and CLUSTER_DEFAULT) */
    cpu?: number;
    /** Task memory (MiB); when given, also the run container's `memory` override (as Prefect sends it).
     * Default: the definition's, else 2048 (as `cpu`); EXTERNAL and CLUSTER_DEFAULT get no default size.
     * For Fargate, a size valid for `cpu`.
     * @default the definition's, else 2048 (none for EXTERNAL and CLUSTER_DEFAULT) */
    memory?: number;
    /** The execution role (pulls the image, writes logs, reads `secrets`). Default: the definition's. Required
     * for CloudWatch logs and `secrets`. With `taskDefinitionArn` it is sent as RunTask's
     * `overrides.executionRoleArn` (no new revision), and written into a new revision only when
     * the definition changes for another reason.
     * @default the definition's */
    executionRoleArn?: string;
    /** The role the task's code runs as. Default: the definition's, else none.
     * @default the definition's, else none */
    taskRoleArn?: string;
    /** Configure the container's `awslogs` driver. Default: the value of `streamOutput`.
     * @default the value of `streamOutput` */
    configureCloudwatchLogs?: boolean;
    /** Options merged over the `awslogs` defaults (`awslogs-group: ecs-task-run`, `awslogs-region`,
     * `awslogs-stream-prefix: <family>`, `awslogs-create-group: true`). Needs `configureCloudwatchLogs`. Default: `{}`.
     * @default `{}` */
    cloudwatchLogsOptions?: Record<string, string>;
    /** Stream the container's log lines to the deployment's output while the task runs (needs an
     * `awslogs` configuration: set `configureCloudwatchLogs`, or give one in the definition). Default: false.
     * @default false */
    streamOutput?: boolean;
    /** Where the task runs. `CLUSTER_DEFAULT` sends neither a launch type nor a strategy: the cluster's
     * default capacity provider strategy applies. Default: `FARGATE`.
     * @default `FARGATE` */
    launchType?: LaunchType;
    /** A capacity provider strategy, sent instead of `launchType`. Default: none (`FARGATE_SPOT` sets one).
     * @default none (`FARGATE_SPOT` sets one) */
    capacityProviderStrategy?: CapacityProviderStrategyItem[];
    /** The VPC whose subnets the task uses when `networkConfiguration.subnets` is not given. Default: the default VPC.
     * @default the default VPC */
    vpcId?: string;
    /** `awsvpc` network settings. Default: the subnets of `vpcId` or the default VPC, public IP enabled.
     * @default the subnets of `vpcId` or the default VPC, public IP enabled */
    networkConfiguration?: NetworkSettings;
    /** The cluster name or ARN. Default: the account's `default` cluster.
     * @default the account's `default` cluster */
    cluster?: string;
    /** Environment variables set on the container for this run; `null` removes a variable from the definition. Default: `{}`.
     * @default `{}` */
    env?: Record<string, string | null>;
    /** Environment variables whose values ECS reads at start, with the execution role, from AWS
     * Secrets Manager (a secret ARN, optionally with `:json-key:version-stage:version-id`) or SSM
     * Parameter Store (a parameter ARN or name): name → `valueFrom`. They go into the run's container
     * definition as `secrets` (RunTask overrides cannot carry secrets), so the values never appear
     * in the request, the state or DescribeTasks. A name may not also be in `env`. Default: `{}`.
     * @default `{}` */
    secrets?: Record<string, string>;
    /** Tags put on the task. Default: `{}`.
     * @default `{}` */
    tags?: Record<string, string>;
    /** Copy the task definition's tags to the task (`TASK_DEFINITION`) or not (`NONE`). Default: AWS's (none).
     * @default AWS's (none) */
    propagateTags?: "TASK_DEFINITION" | "NONE";
    /** The Fargate platform version. Default: `LATEST` (AWS's).
     * @default `LATEST` (AWS's) */
    platformVersion?: string;
    /** Enable ECS Exec into the task (needs a task role with ssmmessages permissions). Default: false.
     * @default false */
    enableExecuteCommand?: boolean;
    /** RFC 6902 operations (or a JSON string of them) applied last to the RunTask request. Default: `[]`.
     * @default `[]` */
    taskCustomizations?: JsonPatchOperation[] | string;
    /** How long the task may take to reach RUNNING before it is stopped and the run fails. Default: 300.
     * @default 300 */
    taskStartTimeoutSeconds?: number;
    /** Seconds between two looks at the task's status. Default: 5.
     * @default 5 */
    taskWatchPollInterval?: number;
    /** Deregister, on delete, a task definition this resource registered. Default: true.
     * @default true */
    autoDeregisterTaskDefinition?: boolean;
    /** Wait for the task to stop (and record its exit code). When false, `pulumi up` returns once the task runs. Default: true.
     * @default true */
    waitForCompletion?: boolean;
    /** Fail the deployment when the container exits with a non-zero or missing exit code, or another
     * essential container exits non-zero (other than being stopped with the task). Default: true.
     * @default true */
    failOnNonZeroExit?: boolean;
    /** Any values; a change to them runs the task again. Default: none.
     * @default none */
    triggers?: unknown[];
    /** The AWS region. Default: the provider's `aws:region` config, else the SDK's region chain (`AWS_REGION`, profile).
     * @default the provider's `aws:region` config, else the SDK's region chain (`AWS_REGION`, profile) */
    region?: string;
    /** How many attempts a run may make, and which stopped attempts are tried again (AWS Batch's
     * model; see `plan/retryStrategy.ts`). Only changes how a run is watched: a change to it reruns
     * nothing. Default: one attempt.
     * @default one attempt */
    retryStrategy?: RetryStrategy;
}

/** When a stopped attempt of a run is tried again, as a new task. */
export interface RetryStrategy {
    /** The most attempts of the run, the first included: 1 to 10. Default: 1 (no retry). */
    attempts?: number;
    /** Up to 5 rules, tried in order on an attempt that failed; the first that matches decides.
     * When none matches (or none is given), an attempt is retried only when its failure is not the
     * task's own doing: a Spot interruption or termination notice, or a start that failed while
     * the image, the network interface, the secrets or the log stream were set up. Default: `[]`. */
    evaluateOnExit?: RetryRule[];
    /** Seconds to wait before the second attempt; doubled before each later one until 300 (a
     * larger value is kept as it is). 0 to 3600. Default: 10. */
    backoffSeconds?: number;
}

/** A rule of a {@link RetryStrategy}: it matches when every condition it gives matches (a rule
 * without conditions matches every failed attempt). Each pattern matches the whole value, or,
 * ending with `*`, its start; a value the task does not have (no exit code, no reason) matches no
 * pattern. */
export interface RetryRule {
    /** A pattern of the task's stop code (e.g. `SpotInterruption`). */
    onStopCode?: string;
    /** A pattern of the task's stop reason (`stoppedReason`). */
    onStatusReason?: string;
    /** A pattern of the container's reason (e.g. `CannotPullContainerError*`): the run's container,
     * else the first container that has one. */
    onReason?: string;
    /** A pattern of the run's container's exit code in decimal: digits, optionally ending with `*`. */
    onExitCode?: string;
    /** `RETRY` or `EXIT` (any letter case). */
    action: "RETRY" | "EXIT";
}

/** One attempt of a run: the task it ran and how it ended. */
export interface AttemptRecord {
    /** The attempt's number, from 1. */
    attempt: number;
    /** The attempt's task. */
    taskArn: string;
    /** The task's stop code; null while it runs. */
    stopCode: string | null;
    /** The task's stop reason; null while it runs. */
    stoppedReason: string | null;
    /** The run's container's exit code; null when it reported none. */
    exitCode: number | null;
    /** When the task started running (ISO 8601), when it did. */
    startedAt: string | null;
    /** When the task stopped (ISO 8601), when it did. */
    stoppedAt: string | null;
}

/** What the resource adds to the user's inputs: where the resource lives. Not set by users. */
export interface ResourceContext {
    /** The Pulumi project. */
    project: string;
    /** The Pulumi stack. */
    stack: string;
    /** The resource's name. */
    name: string;
}

/** The inputs the provider receives: the user's spec plus the resource context. */
export interface TaskRunInputs extends TaskRunSpec {
    __context: ResourceContext;
    /** The names of the arguments the program gave as Pulumi secrets: their values are redacted
     * from the plan shown by `pulumi preview`. Default: none. */
    __secretKeys?: string[];
}

/** Placeholders for values known only when the run happens (shown by `pulumi preview`). */
export const PLACEHOLDER = {
    taskDefinitionArn: "<registered at run time>",
    region: "<region at run time>",
    subnets: (vpc: string): string => `<loaded from ${vpc} at run time>`,
    /** The container of a definition given by ARN, known once the definition is described. */
    containerName: "<the task definition's only container>",
} as const;

/** The planned run: what will be registered and sent, computed in one place (`plan/planRun.ts`)
 * and shared by preview (`check`), `diff` and `create`. */
export interface PlannedRun {
    /** The region the run uses (or a placeholder in a preview where it is not known). */
    region: string;
    /** The task definition that will be registered (or reused when equal), or null when an existing
     * definition given by ARN is run as it is (known only once it is described). */
    taskDefinition: TaskDefinition | null;
    /** Whether a definition must be registered (or an equal latest revision reused). */
    needsRegistration: boolean;
    /** The RunTask request, exactly as it will be sent (placeholders only where noted). */
    runTaskRequest: Record<string, unknown>;
    /** The container whose command, logs and exit code this run is about. */
    containerName: string;
}

/** The checked inputs: the spec with defaults applied, and the plan for preview. */
export interface CheckedInputs extends TaskRunInputs {
    /** The dry run that `pulumi preview` shows: the task definition and RunTask request that would be sent. */
    plan: PlannedRun;
}

/** One container of the task as ECS last described it. */
export interface ContainerStatus {
    /** The container's name. */
    name: string;
    /** Its last status (`PENDING`, `RUNNING`, `STOPPED`), when ECS gave one. */
    lastStatus: string | null;
    /** Its exit code; null when it never reported one. */
    exitCode: number | null;
    /** Why it stopped (for example `CannotPullContainerError: ...`), when ECS says. */
    reason: string | null;
}

/** What the resource records after a run. */
export interface TaskRunResult {
    /** The task's ARN. */
    taskArn: string;
    /** The cluster's ARN. */
    clusterArn: string;
    /** The task definition the task ran (registered, reused or given). */
    taskDefinitionArn: string;
    /** Whether that definition is managed by this package: registered by it, and deregistered when
     * the last resource using it is deleted (with `autoDeregisterTaskDefinition`). False for a
     * definition given by `taskDefinitionArn` and run as it is. */
    taskDefinitionRegistered: boolean;
    /** This resource's use tag on a managed definition (`ecs-task-run:use:...`); null when not managed.
     * State version 0 has none. */
    taskDefinitionUse?: string | null;
    /** The region the run used: read and delete act there, whatever region is configured later.
     * State version 0 has none (its ARNs say it). */
    runRegion?: string;
    /** The task's last known status. */
    lastStatus: string;
    /** The container's exit code; null when it never reported one. */
    exitCode: number | null;
    /** The task's stop code, when it stopped. */
    stopCode: string | null;
    /** The task's stop reason, when it stopped. */
    stoppedReason: string | null;
    /** When the task started running (ISO 8601), when known. */
    startedAt: string | null;
    /** When the task stopped (ISO 8601), when known. */
    stoppedAt: string | null;
    /** The container's log group, when it logs to CloudWatch. */
    logGroupName: string | null;
    /** The container's log stream, when it logs to CloudWatch. */
    logStreamName: string | null;
    /** The last lines of the container's log, when logs are available. */
    logTail: string[];
    /** Every container of the task (the run's and its sidecars), in the order ECS lists them. */
    containers: ContainerStatus[];
    /** The task definition as prepared (what was registered, reused or run). */
    preparedTaskDefinition: TaskDefinition | null;
    /** The RunTask request exactly as it was sent. */
    runTaskRequest: Record<string, unknown>;
    /** Every attempt of the run, in order; the fields above describe the last one. */
    attempts: AttemptRecord[];
}

/** The resource's state: every checked input (the user's `taskDefinitionArn` input is kept as
 * `requestedTaskDefinitionArn`) plus the run's result. */
export type TaskRunOutputs = Omit<CheckedInputs, "taskDefinitionArn"> &
    TaskRunResult & {
        /** The user's `taskDefinitionArn` input, if any. */
        requestedTaskDefinitionArn?: string;
        /** The version of this state's shape ({@link STATE_VERSION} when written now; absent: 0).
         * Every later version of the package reads, refreshes, updates and deletes every earlier one. */
        stateVersion?: number;
    };

/** The version of the state this package writes. 0: no `stateVersion`, no ownership tags, no
 * `runRegion`. 1: `runRegion`, `taskDefinitionUse` (ownership tags on managed revisions). */
export const STATE_VERSION = 1;
