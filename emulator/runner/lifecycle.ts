/**
 * Moves tasks through PROVISIONING → PENDING → RUNNING → DEPROVISIONING → STOPPED,
 * runs their containers as local processes, and stops them (StopTask, essential
 * container exit, failure to start, emulator close).
 */
import { statSync } from "node:fs";
import type { EmulatorContext } from "../context";
import { randomHex } from "../ids";
import { normalizeImage, SPOT_INTERRUPTION_REASON } from "../faults";
import type { ContainerRecord, TaskRecord } from "../services/ecs/model";
import type { TaskLauncher } from "../services/ecs/state";
import { LogSink } from "./logSink";
import { ContainerProcess, type ContainerExit } from "./taskProcess";
import type { SecretRef } from "../secretStore";

/** A container definition's `secrets` (`[{ name, valueFrom }]`); entries without both are ignored. */
function secretRefsOf(c: ContainerRecord): SecretRef[] {
    const raw = c.definition.secrets;
    if (!Array.isArray(raw)) return [];
    return raw.filter(
        (s): s is SecretRef =>
            typeof s === "object" &&
            s !== null &&
            typeof (s as SecretRef).name === "string" &&
            typeof (s as SecretRef).valueFrom === "string",
    );
}

/** Default container `stopTimeout` in seconds (ECS default). */
export const DEFAULT_STOP_TIMEOUT_S = 30;

interface TaskRuntime {
    task: TaskRecord;
    /** Cancels the pending lifecycle step. */
    cancel?: () => void;
    /** Live container processes by container name. */
    processes: Map<string, ContainerProcess>;
    /** Waiting in PENDING for the `stuckInPending` fault to be cleared. */
    stuck: boolean;
}

/** A task as `GET /_emulator/tasks` lists it. */
export interface TaskSummary {
    taskArn: string;
    taskId: string;
    cluster: string;
    family: string;
    revision: number;
    lastStatus: string;
    desiredStatus: string;
    stopCode?: string;
    stoppedReason?: string;
    startedBy?: string;
    containers: Array<{
        name: string;
        image: string;
        lastStatus: string;
        exitCode?: number;
        reason?: string;
        pid?: number;
        running: boolean;
    }>;
}

export class TaskRunner implements TaskLauncher {
    private readonly runtimes = new Map<string, TaskRuntime>();

    constructor(private readonly ctx: EmulatorContext) {
        ctx.faults.onChange(() => this.releaseStuck());
    }

    launch(task: TaskRecord): void {
        const rt: TaskRuntime = { task, processes: new Map(), stuck: false };
        this.runtimes.set(task.taskId, rt);
        rt.cancel = this.ctx.timers.after(this.ctx.delays.provisioningMs, () => this.toPending(rt));
    }

    stop(task: TaskRecord, reason: string): void {
        if (task.desiredStatus === "STOPPED") return;
        this.markStopping(task, "UserInitiated", reason);
        const rt = this.runtimes.get(task.taskId);
        if (!rt) return;
        if (task.lastStatus === "PROVISIONING" || task.lastStatus === "PENDING") {
            rt.cancel?.();
            rt.stuck = false;
        }
        this.terminateAll(rt);
        this.finishIfIdle(rt);
    }

    /** Tasks with their containers' pids. */
    summaries(): TaskSummary[] {
        return [...this.ctx.ecs.tasks.values()].map((t) => {
            const rt = this.runtimes.get(t.taskId);
            return {
                taskArn: t.taskArn,
                taskId: t.taskId,
                cluster: t.clusterName,
                family: t.definition.family,
                revision: t.definition.revision,
                lastStatus: t.lastStatus,
                desiredStatus: t.desiredStatus,
                stopCode: t.stopCode,
                stoppedReason: t.stoppedReason,
                startedBy: t.startedBy,
                containers: t.containers.map((c) => ({
                    name: c.name,
                    image: c.image,
                    lastStatus: c.lastStatus,
                    exitCode: c.exitCode,
                    reason: c.reason,
                    pid: c.pid,
                    running: rt?.processes.get(c.name)?.running ?? false,
                })),
            };
        });
    }

    /** Pids of every live container process. */
    livePids(): number[] {
        const pids: number[] = [];
        for (const rt of this.runtimes.values()) {
            for (const p of rt.processes.values()) if (p.running && p.pid !== undefined) pids.push(p.pid);
        }
        return pids;
    }

    /** Kills every container process (SIGKILL) and waits until they are gone (at most `timeoutMs`). */
    async killAll(timeoutMs = 5000): Promise<void> {
        const waits: Array<Promise<void>> = [];
        for (const rt of this.runtimes.values()) {
            rt.cancel?.();
            for (const p of rt.processes.values()) {
                p.kill();
                waits.push(p.whenDone());
            }
        }
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        await Promise.race([Promise.all(waits).then(() => undefined), timeout]);
        if (timer) clearTimeout(timer);
    }

    /** Synchronous kill for a process `exit` handler. */
    killAllSync(): void {
        for (const rt of this.runtimes.values()) for (const p of rt.processes.values()) p.kill();
    }

    private bump(task: TaskRecord): void {
        task.version += 1;
    }

    private toPending(rt: TaskRuntime): void {
        const { task } = rt;
        rt.cancel = undefined;
        if (task.desiredStatus !== "RUNNING") return;
        const now = Date.now();
        task.lastStatus = "PENDING";
        task.pullStartedAt = now;
        task.connectivityAt = now;
        if (task.attachment) task.attachment.status = "ATTACHED";
        this.bump(task);
        const missing = task.containers.find((c) => this.ctx.faults.isImageMissing(c.image));
        if (missing) {
            const ref = normalizeImage(missing.image);
            const reason = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ref}: ${ref}: not found`;
            missing.reason = reason;
            this.failToStart(rt, reason);
            return;
        }
        const failed = task.containers.length > 0 ? this.ctx.faults.takeFailedStart(task.containers[0].image) : undefined;
        if (failed !== undefined) {
            task.containers[0].reason = failed;
            this.failToStart(rt, failed);
            return;
        }
        const logError = this.prepareLogGroups(task);
        if (logError) {
            this.failToStart(rt, logError);
            return;
        }
        const secretError = this.resolveSecrets(task);
        if (secretError) {
            this.failToStart(rt, secretError);
            return;
        }
        rt.cancel = this.ctx.timers.after(this.ctx.delays.pendingMs + this.ctx.faults.startDelayMs, () => this.toRunning(rt));
    }

    private toRunning(rt: TaskRuntime): void {
        const { task } = rt;
        rt.cancel = undefined;
        if (task.desiredStatus !== "RUNNING") return;
        if (this.ctx.faults.stuckInPending) {
            rt.stuck = true;
            return;
        }
        rt.stuck = false;
        const now = Date.now();
        task.pullStoppedAt = now;
        task.startedAt = now;
        task.lastStatus = "RUNNING";
        this.bump(task);
        for (const c of task.containers) {
            if (task.desiredStatus !== "RUNNING") break;
            this.startContainer(rt, c);
        }
        const interruptAfter = task.desiredStatus === "RUNNING" ? this.ctx.faults.takeInterruption() : undefined;
        if (interruptAfter !== undefined) this.ctx.timers.after(interruptAfter, () => this.interrupt(rt));
        this.finishIfIdle(rt);
    }

    /** Stops a running task as Fargate Spot does when it takes the capacity back. */
    private interrupt(rt: TaskRuntime): void {
        if (rt.task.desiredStatus !== "RUNNING") return;
        this.markStopping(rt.task, "SpotInterruption", SPOT_INTERRUPTION_REASON);
        this.terminateAll(rt);
        this.finishIfIdle(rt);
    }

    private releaseStuck(): void {
        if (this.ctx.faults.stuckInPending) return;
        for (const rt of this.runtimes.values()) {
            if (rt.stuck) {
                rt.stuck = false;
                this.toRunning(rt);
            }
        }
    }

    /** Checks (and creates, with `awslogs-create-group`) the log groups; returns a stop reason on failure. */
    private prepareLogGroups(task: TaskRecord): string | undefined {
        for (const c of task.containers) {
            const lc = c.definition.logConfiguration;
            if (lc?.logDriver !== "awslogs") continue;
            const options = lc.options ?? {};
            const group = options["awslogs-group"];
            if (!group)
                return "ResourceInitializationError: failed to initialize logging driver: must specify a value for log opt 'awslogs-group'";
            if (options["awslogs-create-group"] === "true") this.ctx.logs.ensureGroup(group);
            else if (!this.ctx.logs.getGroup(group)) {
                return (
                    "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: " +
                    "failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1"
                );
            }
        }
        return undefined;
    }

    /** Reads every container's `secrets` (as ECS does with the execution role, before the
     * containers start); returns a stop reason when one cannot be read. */
    private resolveSecrets(task: TaskRecord): string | undefined {
        for (const c of task.containers) {
            const resolved = this.ctx.secrets.resolve(secretRefsOf(c));
            if ("error" in resolved) return resolved.error;
        }
        return undefined;
    }

    private environmentOf(task: TaskRecord, c: ContainerRecord): Record<string, string> {
        const env: Record<string, string> = {};
        if (process.env.PATH !== undefined) env.PATH = process.env.PATH;
        if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
        for (const kv of c.definition.environment) env[kv.name] = kv.value ?? "";
        for (const kv of c.override?.environment ?? []) env[kv.name] = kv.value ?? "";
        const secrets = this.ctx.secrets.resolve(secretRefsOf(c));
        if ("env" in secrets) Object.assign(env, secrets.env);
        env.AWS_EXECUTION_ENV = task.launchType === "FARGATE" ? "AWS_ECS_FARGATE" : "AWS_ECS_EC2";
        return env;
    }

    private sinkOf(task: TaskRecord, c: ContainerRecord): LogSink | undefined {
        const lc = c.definition.logConfiguration;
        if (lc?.logDriver !== "awslogs") return undefined;
        const options = lc.options ?? {};
        const prefix = options["awslogs-stream-prefix"];
        const streamName = prefix ? `${prefix}/${c.name}/${task.taskId}` : (c.runtimeId ?? task.taskId);
        return new LogSink(this.ctx.logs, options["awslogs-group"], streamName, this.ctx.faults.logStreamDelayMs, this.ctx.timers);
    }

    private startContainer(rt: TaskRuntime, c: ContainerRecord): void {
        const { task } = rt;
        const command = c.override?.command ?? c.definition.command;
        const argv = [...(c.definition.entryPoint ?? []), ...(command ?? [])];
        if (argv.length === 0) {
            c.lastStatus = "STOPPED";
            c.reason = "no command";
            this.bump(task);
            if (c.essential && task.desiredStatus === "RUNNING") {
                this.markStopping(task, "TaskFailedToStart", `CannotStartContainerError: container ${c.name}: no command`);
                this.terminateAll(rt);
            }
            return;
        }
        c.runtimeId = `${task.taskId}-${randomHex(10)}`;
        const sink = this.sinkOf(task, c);
        const wd = c.definition.workingDirectory;
        let cwd = process.cwd();
        try {
            if (wd && statSync(wd).isDirectory()) cwd = wd;
        } catch {
            // not on this machine: stay in the emulator's directory
        }
        const proc = new ContainerProcess({
            argv,
            env: this.environmentOf(task, c),
            cwd,
            marker: `http://169.254.170.2/v4/${c.runtimeId}`,
            onLine: (line, timestamp) => sink?.write(timestamp, line),
            onExit: (exit) => this.onContainerExit(rt, c, argv[0], exit),
        });
        c.lastStatus = "RUNNING";
        rt.processes.set(c.name, proc);
        proc.start();
        c.pid = proc.pid;
    }

    private onContainerExit(rt: TaskRuntime, c: ContainerRecord, file: string, exit: ContainerExit): void {
        const { task } = rt;
        rt.processes.delete(c.name);
        c.lastStatus = "STOPPED";
        this.bump(task);
        if (exit.startError) {
            const code = (exit.startError as NodeJS.ErrnoException).code;
            const why = code === "ENOENT" ? "executable file not found in $PATH" : exit.startError.message;
            c.reason = `CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: exec: "${file}": ${why}: unknown`;
            if (c.essential && task.desiredStatus === "RUNNING") {
                this.markStopping(task, "TaskFailedToStart", c.reason);
                this.terminateAll(rt);
            }
        } else {
            c.exitCode = exit.exitCode;
            if (c.essential && task.desiredStatus === "RUNNING") {
                this.markStopping(task, "EssentialContainerExited", "Essential container in task exited");
                this.terminateAll(rt);
            }
        }
        this.finishIfIdle(rt);
    }

    private markStopping(task: TaskRecord, stopCode: string, reason: string): void {
        task.desiredStatus = "STOPPED";
        task.stopCode = stopCode;
        task.stoppedReason = reason;
        task.stoppingAt = Date.now();
        this.bump(task);
    }

    private failToStart(rt: TaskRuntime, reason: string): void {
        this.markStopping(rt.task, "TaskFailedToStart", reason);
        this.finishIfIdle(rt);
    }

    private terminateAll(rt: TaskRuntime): void {
        for (const [name, proc] of rt.processes) {
            const c = rt.task.containers.find((x) => x.name === name);
            const seconds = c?.definition.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
            proc.terminate(seconds * 1000 * this.ctx.stopTimeoutScale);
        }
    }

    /** Once a stopping task has no live process: DEPROVISIONING, then STOPPED. */
    private finishIfIdle(rt: TaskRuntime): void {
        const { task } = rt;
        if (task.desiredStatus !== "STOPPED" || rt.processes.size > 0) return;
        if (task.lastStatus === "DEPROVISIONING" || task.lastStatus === "STOPPED") return;
        const now = Date.now();
        for (const c of task.containers) c.lastStatus = "STOPPED";
        task.executionStoppedAt = now;
        task.lastStatus = "DEPROVISIONING";
        this.bump(task);
        rt.cancel = this.ctx.timers.after(this.ctx.delays.deprovisioningMs, () => {
            rt.cancel = undefined;
            task.lastStatus = "STOPPED";
            task.stoppedAt = Date.now();
            if (task.attachment) task.attachment.status = "DELETED";
            this.bump(task);
            this.runtimes.delete(task.taskId);
        });
    }
}
