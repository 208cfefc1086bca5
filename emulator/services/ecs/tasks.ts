/**
 * DescribeTasks, StopTask, ListTasks (RunTask is in runTask.ts).
 */
import type { EmulatorContext, JsonHandler } from "../../context";
import { invalidParameter } from "../../errors";
import { parseTaskRef } from "./arns";
import type { ClusterRecord, TaskRecord } from "./model";
import { runTask } from "./runTask";
import { pageOf } from "./taskDefinitions";
import { taskToWire } from "./taskWire";

/** DescribeTasks takes up to this many tasks a call. */
export const MAX_DESCRIBE_TASKS = 100;

/** Finds a task of the cluster by id or ARN. */
export function findTask(ctx: EmulatorContext, cluster: ClusterRecord, ref: string): TaskRecord | undefined {
    const parsed = parseTaskRef(ref);
    if (parsed.cluster !== undefined && parsed.cluster !== cluster.clusterName) return undefined;
    const task = ctx.ecs.tasks.get(parsed.taskId);
    return task && task.clusterName === cluster.clusterName ? task : undefined;
}

const describeTasks: JsonHandler = (input, ctx) => {
    const cluster = ctx.ecs.activeCluster(input.optString("cluster"));
    const refs = input.optStringList("tasks") ?? [];
    if (refs.length === 0) throw invalidParameter("Tasks cannot be empty.");
    if (refs.length > MAX_DESCRIBE_TASKS) throw invalidParameter(`Tasks cannot have more than ${MAX_DESCRIBE_TASKS} elements.`);
    const includeTags = (input.optStringList("include") ?? []).includes("TAGS");
    const now = Date.now();
    const tasks: Array<Record<string, unknown>> = [];
    const failures: Array<{ arn: string; reason: string }> = [];
    for (const ref of refs) {
        const task = findTask(ctx, cluster, ref);
        if (!task || now < task.visibleAfter) {
            const arn = ref.startsWith("arn:") ? ref : ctx.ecs.arns.task(cluster.clusterName, ref);
            failures.push({ arn, reason: "MISSING" });
        } else {
            tasks.push(taskToWire(task, includeTags));
        }
    }
    return { tasks, failures };
};

const stopTask: JsonHandler = (input, ctx) => {
    const cluster = ctx.ecs.activeCluster(input.optString("cluster"));
    const ref = input.string("task", () => invalidParameter("Task cannot be empty."));
    const task = findTask(ctx, cluster, ref);
    if (!task) throw invalidParameter("The referenced task was not found.");
    const reason = input.optString("reason");
    if (reason !== undefined && reason.length > 255) throw invalidParameter("reason can be at most 255 characters.");
    ctx.ecs.launcher?.stop(task, reason === undefined || reason === "" ? "Task stopped by user" : reason);
    return { task: taskToWire(task, false) };
};

/** `desiredStatus` defaults to RUNNING, as in ECS (stopped tasks are listed only when asked). */
const listTasks: JsonHandler = (input, ctx) => {
    const cluster = ctx.ecs.activeCluster(input.optString("cluster"));
    const family = input.optString("family");
    const startedBy = input.optString("startedBy");
    const desiredStatus = input.optString("desiredStatus") ?? "RUNNING";
    if (!["RUNNING", "PENDING", "STOPPED"].includes(desiredStatus)) throw invalidParameter(`Invalid desiredStatus '${desiredStatus}'.`);
    const launchType = input.optString("launchType");
    if (input.has("serviceName") && family !== undefined) throw invalidParameter("Family and serviceName cannot both be specified.");
    const none = input.has("serviceName") || input.has("containerInstance");
    const tasks = none
        ? []
        : ctx.ecs
              .tasksOf(cluster.clusterName)
              .filter(
                  (t) =>
                      (family === undefined || t.definition.family === family) &&
                      (startedBy === undefined || t.startedBy === startedBy) &&
                      (launchType === undefined || t.launchType === launchType) &&
                      (desiredStatus === "PENDING"
                          ? t.desiredStatus === "RUNNING" && (t.lastStatus === "PROVISIONING" || t.lastStatus === "PENDING")
                          : t.desiredStatus === desiredStatus),
              )
              .sort((a, b) => a.createdAt - b.createdAt);
    const { page, nextToken } = pageOf(
        tasks.map((t) => t.taskArn),
        input,
    );
    return { taskArns: page, nextToken };
};

/** Task operations by name. */
export const taskOperations: Readonly<Record<string, JsonHandler>> = {
    RunTask: runTask,
    DescribeTasks: describeTasks,
    StopTask: stopTask,
    ListTasks: listTasks,
};
