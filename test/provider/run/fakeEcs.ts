/**
 * A fake DescribeTasks over a table of task statuses, recording every call. No SDK involved.
 */
import type { Failure, Task } from "@aws-sdk/client-ecs";
import type { FakeClock } from "../aws/fakeClock";

export const REGION = "us-east-1";
export const clusterArn = (name: string): string => `arn:aws:ecs:${REGION}:123456789012:cluster/${name}`;
export const taskArn = (cluster: string, id: string | number): string =>
    `arn:aws:ecs:${REGION}:123456789012:task/${cluster}/${String(id).padStart(8, "0")}`;

export interface Call {
    cluster: string;
    arns: string[];
    at: number;
}

export class FakeEcs {
    /** lastStatus by task ARN; a task absent from the table is MISSING. */
    status: Record<string, string> = {};
    /** Extra fields by task ARN. */
    extra: Record<string, Partial<Task>> = {};
    /** Clusters that do not exist (by ARN or name). */
    missingClusters: string[] = [];
    calls: Call[] = [];
    /** When set, the next calls throw what it returns (undefined: answer normally). */
    failWith: ((call: Call) => unknown) | undefined;

    constructor(private readonly clock: FakeClock) {}

    describeTasks = async (cluster: string, arns: string[]): Promise<{ tasks: Task[]; failures: Failure[] }> => {
        const call = { cluster, arns: [...arns], at: this.clock.now() };
        this.calls.push(call);
        const err = this.failWith?.(call);
        if (err) throw err;
        if (arns.length > 100) throw new Error("more than 100 tasks in one call");
        const tasks: Task[] = [];
        const failures: Failure[] = [];
        for (const arn of arns) {
            const s = this.status[arn];
            if (s) tasks.push({ taskArn: arn, clusterArn: cluster, lastStatus: s, ...this.extra[arn] });
            else failures.push({ arn, reason: "MISSING" });
        }
        return { tasks, failures };
    };

    callsAt(from: number, to: number): Call[] {
        return this.calls.filter((c) => c.at >= from && c.at < to);
    }
}
