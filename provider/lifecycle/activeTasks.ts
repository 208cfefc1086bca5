/**
 * The tasks this provider process has started and not yet seen stop, so that a host told to stop
 * (SIGINT/SIGTERM, as the engine does on cancel) stops them instead of leaving them running.
 *
 * The registry lives on `globalThis` (created on first use), never in a captured module-level
 * variable, because the provider is serialized into Pulumi state by closure serialization.
 */

/** A task to stop if the process is told to stop. */
export interface ActiveTask {
    cluster: string;
    taskArn: string;
    /** The resource's name, used in the stop reason. */
    resourceName: string;
    /** Stops the task. */
    stop(reason: string): Promise<unknown>;
}

interface Registry {
    tasks: Record<string, ActiveTask>;
    handlersInstalled: boolean;
    stopping: boolean;
}

const REGISTRY_KEY = "__ecsTaskRun.activeTasks";

function registry(): Registry {
    const g = globalThis as unknown as Record<string, Registry | undefined>;
    let r = g[REGISTRY_KEY];
    if (!r) {
        r = { tasks: {}, handlersInstalled: false, stopping: false };
        g[REGISTRY_KEY] = r;
    }
    return r;
}

/** Records a task as started by this process; installs the signal handlers on first use. */
export function trackTask(task: ActiveTask): void {
    const r = registry();
    r.tasks[task.taskArn] = task;
    if (!r.handlersInstalled) {
        r.handlersInstalled = true;
        for (const signal of ["SIGINT", "SIGTERM"] as const) {
            process.once(signal, () => {
                void stopAllTracked(`the Pulumi provider host received ${signal}`).finally(() =>
                    process.exit(signal === "SIGINT" ? 130 : 143),
                );
            });
        }
    }
}

/** Forgets a task (it stopped, or the run no longer owns it). */
export function untrackTask(taskArn: string): void {
    delete registry().tasks[taskArn];
}

/** The tasks currently tracked. Exported only for the tests. @internal */
export function trackedTasks(): ActiveTask[] {
    return Object.values(registry().tasks);
}

/** Stops every tracked task, with a reason that names its resource. Never throws. */
export async function stopAllTracked(why: string): Promise<number> {
    const r = registry();
    r.stopping = true;
    const tasks = Object.values(r.tasks);
    await Promise.all(
        tasks.map(async (t) => {
            try {
                await t.stop(stopReason(t.resourceName, why));
            } catch (err) {
                process.stderr.write(`EcsTaskRun ${t.resourceName}: could not stop task ${t.taskArn}: ${String(err)}\n`);
            }
            delete r.tasks[t.taskArn];
        }),
    );
    return tasks.length;
}

/** The stop reason ECS records (at most 255 characters). */
export function stopReason(resourceName: string, why: string): string {
    return `Stopped by Pulumi EcsTaskRun "${resourceName}": ${why}`.slice(0, 255);
}
