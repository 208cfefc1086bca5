/**
 * The process's task watcher bound to the AWS SDK: one {@link TaskWatcher} for every resource and
 * region the process serves. Each DescribeTasks call goes to the region of its cluster ARN (or of
 * the task ARN when the cluster is a name), with the process's clients.
 */
import type { ECSClient } from "@aws-sdk/client-ecs";
import { processClients, regionOfArn } from "../aws/clients";
import { describeTasks } from "../aws/ecs";
import { realClock } from "../aws/retry";
import { getProcessTaskWatcher, TaskWatcher } from "./taskWatcher";
import type { DescribeTasksFn } from "./waiting";

/**
 * A DescribeTasks function that picks the client of the call's region: the region of the cluster
 * ARN, else of the first task ARN, else `defaultRegion`.
 *
 * @param ecsFor - the ECS client of a region; default: the process's clients.
 */
export function describeTasksInTaskRegion(
    ecsFor: (region?: string) => ECSClient = (region) => processClients(region).ecs,
    defaultRegion?: string,
): DescribeTasksFn {
    return (cluster, arns) => describeTasks(ecsFor(regionOfArn(cluster) ?? regionOfArn(arns[0] ?? "") ?? defaultRegion), cluster, arns);
}

/**
 * The process's task watcher, on the real clock and the process's clients (created on first use).
 *
 * @param log - where the watcher reports failed rounds; only the first caller's is used, so pass a
 *   process-wide logger. Default: none.
 */
export function getAwsTaskWatcher(log?: (line: string) => void): TaskWatcher {
    return getProcessTaskWatcher(() => new TaskWatcher({ describeTasks: describeTasksInTaskRegion(), clock: realClock(), log }));
}
