import * as pulumi from "@pulumi/pulumi";
import { ecsTaskRunProvider } from "./provider";
import type { AttemptRecord, ContainerStatus, PlannedRun, TaskRunSpec, TaskDefinition } from "./types";

/** A value that may be given as a Pulumi `Input`, at any depth. */
export type DeepInput<T> = T extends string | number | boolean | null | undefined
    ? pulumi.Input<T>
    : T extends (infer E)[]
      ? pulumi.Input<DeepInput<E>[]>
      : T extends object
        ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
        : pulumi.Input<T>;

/**
 * The arguments of {@link EcsTaskRun}: every field of {@link TaskRunSpec} (documented there, with
 * its default), each accepting a Pulumi `Input`.
 */
export type EcsTaskRunArgs = { [K in keyof TaskRunSpec]?: DeepInput<TaskRunSpec[K]> };

/** The outputs computed by a run, in the order README lists them. */
const RESULT_OUTPUTS = [
    "taskArn",
    "clusterArn",
    "taskDefinitionArn",
    "taskDefinitionRegistered",
    "lastStatus",
    "exitCode",
    "stopCode",
    "stoppedReason",
    "startedAt",
    "stoppedAt",
    "logGroupName",
    "logStreamName",
    "logTail",
    "containers",
    "preparedTaskDefinition",
    "runTaskRequest",
    "runRegion",
    "taskDefinitionUse",
    "requestedTaskDefinitionArn",
    "stateVersion",
    "attempts",
] as const;

/**
 * Outputs that carry every value of the task's environment and command, exactly as sent to AWS:
 * they are always encrypted in state; and `requestedTaskDefinitionArn`, the `taskDefinitionArn`
 * input kept under another name (the engine keeps an output secret only when the input of the
 * same name is, and secretness cannot be known here when the resource is declared). An output
 * named like a secret input, such as `env`, is kept secret by the engine itself.
 */
export const ALWAYS_SECRET_OUTPUTS = ["preparedTaskDefinition", "runTaskRequest", "requestedTaskDefinitionArn"];

/**
 * Runs a command as an ECS task during `pulumi up`: prepares and registers (or reuses) a task
 * definition, runs the task, waits for it to start and to stop, streams its logs, and records
 * its exit code. A failed task fails the deployment. `pulumi preview` shows the task definition and
 * RunTask request that would be sent; `pulumi destroy` stops the task if it still runs and
 * deregisters the definition this resource registered.
 *
 * ```ts
 * const migrate = new EcsTaskRun("migrate", {
 *     image: "my-app:1.2.3",
 *     command: ["npm", "run", "migrate"],
 *     cluster: cluster.arn,
 *     executionRoleArn: executionRole.arn,
 *     streamOutput: true,
 * });
 * ```
 */
export class EcsTaskRun extends pulumi.dynamic.Resource {
    /** The task's ARN. */
    declare public readonly taskArn: pulumi.Output<string>;
    /** The cluster's ARN. */
    declare public readonly clusterArn: pulumi.Output<string>;
    /** The task definition the task ran (registered, reused or given). */
    declare public readonly taskDefinitionArn: pulumi.Output<string>;
    /** Whether this resource registered that task definition. */
    declare public readonly taskDefinitionRegistered: pulumi.Output<boolean>;
    /** The task's last known status (`STOPPED` after a completed run; `RUNNING` when `waitForCompletion` is false). */
    declare public readonly lastStatus: pulumi.Output<string>;
    /** The container's exit code; null when it never reported one. */
    declare public readonly exitCode: pulumi.Output<number | null>;
    /** The task's stop code (for example `EssentialContainerExited`). */
    declare public readonly stopCode: pulumi.Output<string | null>;
    /** The task's stop reason. */
    declare public readonly stoppedReason: pulumi.Output<string | null>;
    /** When the task started running (ISO 8601). */
    declare public readonly startedAt: pulumi.Output<string | null>;
    /** When the task stopped (ISO 8601). */
    declare public readonly stoppedAt: pulumi.Output<string | null>;
    /** The container's CloudWatch log group, when it logs there. */
    declare public readonly logGroupName: pulumi.Output<string | null>;
    /** The container's CloudWatch log stream, when it logs there. */
    declare public readonly logStreamName: pulumi.Output<string | null>;
    /** The last lines of the container's log (up to 50), when logs are available. */
    declare public readonly logTail: pulumi.Output<string[]>;
    /** Every container of the task (the run's and its sidecars): name, last status, exit code and
     * reason, in the order ECS lists them. Default: `[]` until the task is described. */
    declare public readonly containers: pulumi.Output<ContainerStatus[]>;
    /** The task definition as prepared (secret: it holds the environment). */
    declare public readonly preparedTaskDefinition: pulumi.Output<TaskDefinition | null>;
    /** The RunTask request exactly as sent (secret: it holds the environment and command). */
    declare public readonly runTaskRequest: pulumi.Output<Record<string, unknown>>;
    /** The planned run that `pulumi preview` showed: task definition and RunTask request, values of secret inputs redacted. */
    declare public readonly plan: pulumi.Output<PlannedRun>;
    /** The region the run used; refresh and destroy act there, whatever region is configured later. */
    declare public readonly runRegion: pulumi.Output<string>;
    /** This resource's use tag on its managed task definition (`ecs-task-run:use:...`); null when the definition is not managed. */
    declare public readonly taskDefinitionUse: pulumi.Output<string | null>;
    /** The `taskDefinitionArn` argument as given (secret). */
    declare public readonly requestedTaskDefinitionArn: pulumi.Output<string | undefined>;
    /** The version of the state's shape (1). */
    declare public readonly stateVersion: pulumi.Output<number>;
    /** Every attempt of the run, in order (one without a `retryStrategy`): its task, stop code and
     * reason, exit code, start and stop times. The outputs above describe the last attempt. */
    declare public readonly attempts: pulumi.Output<AttemptRecord[]>;

    constructor(name: string, args: EcsTaskRunArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs = Object.fromEntries(RESULT_OUTPUTS.map((key) => [key, undefined]));
        const inputs: Record<string, unknown> = {
            ...args,
            // The user's `taskDefinitionArn` input and the output of the same name (the ARN that
            // ran) share a property; the provider keeps the input as `requestedTaskDefinitionArn`.
            ...outputs,
            taskDefinitionArn: args.taskDefinitionArn,
            __context: { project: pulumi.getProject(), stack: pulumi.getStack(), name },
            __secretKeys: secretKeysOf(args),
        };
        super(
            ecsTaskRunProvider,
            name,
            inputs,
            {
                ...opts,
                additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...ALWAYS_SECRET_OUTPUTS],
            },
            "ecs-task-run",
            "EcsTaskRun",
        );
    }
}

/**
 * The names of the arguments given as (or containing) Pulumi secrets. The provider never sees
 * secretness (dynamic providers receive plain values), so it uses this list to redact those values
 * from the plan it shows in `pulumi preview`.
 */
function secretKeysOf(args: EcsTaskRunArgs): pulumi.Output<string[]> {
    const entries = Object.entries(args).filter(([, value]) => value !== undefined);
    return pulumi.output(
        Promise.all(entries.map(async ([key, value]) => ((await pulumi.isSecret(pulumi.output(value))) ? key : undefined))).then((keys) =>
            keys.filter((key): key is string => key !== undefined).sort(),
        ),
    );
}
