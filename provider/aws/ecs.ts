/**
 * Thin ECS calls: one SDK command each (a paginated list repeats its command), the client passed
 * in, plain data out. The SDK module is loaded inside each function (closure serialization).
 * "Already gone" answers are mapped to values, not errors, where the caller needs to survive them.
 */
import type {
    DescribeTasksCommandInput,
    ECSClient,
    Failure,
    ListTasksCommandInput,
    RegisterTaskDefinitionCommandInput,
    RunTaskCommandInput,
    Task,
} from "@aws-sdk/client-ecs";
import type { TaskDefinition } from "../types";
import { errorCode, errorMessage } from "./errors";
import { READ_ONLY_TASK_DEFINITION_FIELDS } from "../plan/constants";

type EcsModule = typeof import("@aws-sdk/client-ecs");

function sdk(): EcsModule {
    return require("@aws-sdk/client-ecs") as EcsModule;
}

/** `undefined`/`null` to `null`, a `Date` to its ISO 8601 string (for outputs). */
export function isoDate(d: Date | string | undefined | null): string | null {
    if (d === undefined || d === null) return null;
    return d instanceof Date ? d.toISOString() : d;
}

/** A deep copy as plain JSON data: `Date`s become ISO strings, `undefined` members are dropped. */
export function toPlain<T>(value: T): unknown {
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map((v) => toPlain(v));
    if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (v !== undefined) out[k] = toPlain(v);
        }
        return out;
    }
    return value;
}

function isTaskDefinitionNotFound(err: unknown): boolean {
    const code = errorCode(err);
    return (
        (code === "ClientException" || code === "InvalidParameterException") &&
        /unable to describe task definition|does not exist|not found|could not be found/i.test(errorMessage(err))
    );
}

/**
 * DescribeTaskDefinition. `id` is an ARN, `family:revision`, or a family (then AWS answers the
 * latest ACTIVE revision). Returns the definition as plain data (dates as ISO strings), or `null`
 * when there is none (AWS: `ClientException` "Unable to describe task definition.").
 */
export async function describeTaskDefinition(ecs: ECSClient, id: string): Promise<TaskDefinition | null> {
    const found = await describeTaskDefinitionWithTags(ecs, id, false);
    return found ? found.taskDefinition : null;
}

/**
 * DescribeTaskDefinition with `include: ["TAGS"]` (unless `withTags` is false). Returns the
 * definition (plain data) and its tags as a record, or `null` when there is none.
 */
export async function describeTaskDefinitionWithTags(
    ecs: ECSClient,
    id: string,
    withTags = true,
): Promise<{ taskDefinition: TaskDefinition; tags: Record<string, string> } | null> {
    const { DescribeTaskDefinitionCommand } = sdk();
    try {
        const out = await ecs.send(
            new DescribeTaskDefinitionCommand(withTags ? { taskDefinition: id, include: ["TAGS"] } : { taskDefinition: id }),
        );
        if (!out.taskDefinition) return null;
        const tags: Record<string, string> = {};
        for (const t of out.tags ?? []) if (t.key !== undefined) tags[t.key] = t.value ?? "";
        return { taskDefinition: toPlain(out.taskDefinition) as TaskDefinition, tags };
    } catch (err) {
        if (isTaskDefinitionNotFound(err)) return null;
        throw err;
    }
}

/**
 * RegisterTaskDefinition. The fields AWS adds to registered definitions
 * ({@link READ_ONLY_TASK_DEFINITION_FIELDS}) are left out of the request, so a described definition can be
 * registered again. `tags` (default: none) are put on the new revision.
 */
export async function registerTaskDefinition(
    ecs: ECSClient,
    td: TaskDefinition,
    tags?: Record<string, string>,
): Promise<{ arn: string; taskDefinition: TaskDefinition }> {
    const { RegisterTaskDefinitionCommand } = sdk();
    const input: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(td)) {
        if (!READ_ONLY_TASK_DEFINITION_FIELDS.includes(k) && v !== undefined) input[k] = v;
    }
    const tagList = Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
    if (tagList.length > 0) input.tags = tagList;
    const out = await ecs.send(new RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput));
    const arn = out.taskDefinition?.taskDefinitionArn;
    if (!arn) throw new Error("RegisterTaskDefinition answered without a taskDefinitionArn");
    return { arn, taskDefinition: toPlain(out.taskDefinition) as TaskDefinition };
}

/**
 * DeregisterTaskDefinition of `arn` (an ARN or `family:revision`). Survives what is already gone:
 * `"already-inactive"` when ECS says the revision is inactive, `"not-found"` when it does not exist.
 */
export async function deregisterTaskDefinition(ecs: ECSClient, arn: string): Promise<"deregistered" | "already-inactive" | "not-found"> {
    const { DeregisterTaskDefinitionCommand } = sdk();
    try {
        await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
        return "deregistered";
    } catch (err) {
        const code = errorCode(err);
        const msg = errorMessage(err);
        if ((code === "ClientException" || code === "InvalidParameterException") && /inactive/i.test(msg)) return "already-inactive";
        if (isTaskDefinitionNotFound(err)) return "not-found";
        throw err;
    }
}

/**
 * RunTask with `request` exactly as given (the plan layer builds it). Returns the started tasks and
 * the failures; AWS can answer HTTP 200 with `tasks: []` and only failures, which the caller must check.
 */
export async function runTask(
    ecs: ECSClient,
    request: RunTaskCommandInput | Record<string, unknown>,
): Promise<{ tasks: Task[]; failures: Failure[] }> {
    const { RunTaskCommand } = sdk();
    const out = await ecs.send(new RunTaskCommand(request as RunTaskCommandInput));
    return { tasks: out.tasks ?? [], failures: out.failures ?? [] };
}

/** The most tasks one DescribeTasks call takes (ECS API reference). */
export const DESCRIBE_TASKS_MAX = 100;

/**
 * DescribeTasks of up to {@link DESCRIBE_TASKS_MAX} tasks of one cluster (the caller batches; more
 * throws). Tasks ECS does not (yet) know come back as failures with reason `MISSING`. No call is
 * made for an empty list.
 *
 * @param cluster - name or ARN; `undefined` for the account's default cluster.
 * @param opts.includeTags - ask for the tasks' tags too (`include: ["TAGS"]`). Default: false.
 */
export async function describeTasks(
    ecs: ECSClient,
    cluster: string | undefined,
    arns: string[],
    opts: { includeTags?: boolean } = {},
): Promise<{ tasks: Task[]; failures: Failure[] }> {
    if (arns.length === 0) return { tasks: [], failures: [] };
    if (arns.length > DESCRIBE_TASKS_MAX) {
        throw new RangeError(`DescribeTasks takes at most ${DESCRIBE_TASKS_MAX} tasks per call; got ${arns.length}`);
    }
    const { DescribeTasksCommand } = sdk();
    const input: DescribeTasksCommandInput = { tasks: arns };
    if (cluster !== undefined) input.cluster = cluster;
    if (opts.includeTags) input.include = ["TAGS"];
    const out = await ecs.send(new DescribeTasksCommand(input));
    return { tasks: out.tasks ?? [], failures: out.failures ?? [] };
}

/**
 * StopTask. Survives what is already gone: `"already-stopped"` when the task had stopped,
 * `"not-found"` when ECS does not know the task (any more), `"cluster-not-found"` when the cluster
 * does not exist. `reason` (up to 255 characters) shows in the task's `stoppedReason`.
 */
export async function stopTask(
    ecs: ECSClient,
    cluster: string,
    taskArn: string,
    reason: string,
): Promise<"stopped" | "already-stopped" | "not-found" | "cluster-not-found"> {
    const { StopTaskCommand } = sdk();
    try {
        const out = await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) }));
        return out.task?.lastStatus === "STOPPED" ? "already-stopped" : "stopped";
    } catch (err) {
        const code = errorCode(err);
        if (code === "ClusterNotFoundException") return "cluster-not-found";
        const msg = errorMessage(err);
        // Messages the reference's `_stop_task` matches: "not find task", "referenced task was not found", "no registered tasks".
        if (
            (code === "InvalidParameterException" || code === "ClientException") &&
            /not find task|task was not found|no registered tasks|task not found/i.test(msg)
        ) {
            return "not-found";
        }
        throw err;
    }
}

/**
 * ListTasks of a cluster, following `nextToken` through every page. Filters: `startedBy`,
 * `desiredStatus` (AWS's default: `RUNNING`), `family`.
 */
export async function listTasks(
    ecs: ECSClient,
    query: { cluster?: string; startedBy?: string; desiredStatus?: "RUNNING" | "PENDING" | "STOPPED"; family?: string },
): Promise<string[]> {
    const { ListTasksCommand } = sdk();
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
        const input: ListTasksCommandInput = {};
        if (query.cluster !== undefined) input.cluster = query.cluster;
        if (query.startedBy !== undefined) input.startedBy = query.startedBy;
        if (query.desiredStatus !== undefined) input.desiredStatus = query.desiredStatus;
        if (query.family !== undefined) input.family = query.family;
        if (nextToken !== undefined) input.nextToken = nextToken;
        const out = await ecs.send(new ListTasksCommand(input));
        arns.push(...(out.taskArns ?? []));
        nextToken = out.nextToken;
    } while (nextToken);
    return arns;
}

/** ListTaskDefinitionFamilies: the families with an ACTIVE revision whose name starts with `prefix`, every page (the SDK's paginator). */
export async function listTaskDefinitionFamilies(ecs: ECSClient, prefix: string): Promise<string[]> {
    const families: string[] = [];
    for await (const page of sdk().paginateListTaskDefinitionFamilies({ client: ecs }, { familyPrefix: prefix, status: "ACTIVE" })) {
        families.push(...(page.families ?? []));
    }
    return families;
}

/** ListTaskDefinitions: the ACTIVE revisions of `family` (ECS matches `familyPrefix` as the full family name), every page (the SDK's paginator). */
export async function listActiveRevisions(ecs: ECSClient, family: string): Promise<string[]> {
    const arns: string[] = [];
    for await (const page of sdk().paginateListTaskDefinitions({ client: ecs }, { familyPrefix: family, status: "ACTIVE" })) {
        arns.push(...(page.taskDefinitionArns ?? []));
    }
    return arns;
}

/**
 * TagResource: adds (or overwrites) `tags` on a task definition revision, a task or a cluster.
 * ECS refuses more than 50 tags a resource (`InvalidParameterException`; see `isTagLimitError`).
 */
export async function tagResource(ecs: ECSClient, resourceArn: string, tags: Record<string, string>): Promise<void> {
    const { TagResourceCommand } = sdk();
    await ecs.send(new TagResourceCommand({ resourceArn, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) }));
}

/**
 * UntagResource: removes the tags `tagKeys` (absent keys are no error). Survives what is already
 * gone: `"not-found"` when ECS does not know the resource (any more).
 */
export async function untagResource(ecs: ECSClient, resourceArn: string, tagKeys: string[]): Promise<"untagged" | "not-found"> {
    const { UntagResourceCommand } = sdk();
    try {
        await ecs.send(new UntagResourceCommand({ resourceArn, tagKeys }));
        return "untagged";
    } catch (err) {
        if (isTaskDefinitionNotFound(err) || /could not be found|not found/i.test(errorMessage(err))) return "not-found";
        throw err;
    }
}
