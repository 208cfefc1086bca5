/**
 * One container of a task, run as a local process.
 *
 * `child_process.spawn` without a shell (`sh -c` only when the command says
 * so), `detached: false` so the process stays in the emulator's process group
 * (a Ctrl-C reaches it too). Output is split into lines and timestamped as it
 * is read. Stopping follows Docker: SIGTERM to the main process, SIGKILL to
 * everything of the container after the stop timeout; when the main process
 * exits, whatever of the container is left is killed, as Docker does when
 * PID 1 of a container exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { LineSplitter } from "./lineSplitter";
import { MARKER_VARIABLE, findContainerProcesses, signal } from "./processSweep";

/** How a container process ended. */
export interface ContainerExit {
    /** Exit code (128 + signal number when killed by a signal); absent when it never started. */
    exitCode?: number;
    /** Set when the process could not be started (e.g. executable not found). */
    startError?: Error;
}

/** What to run and where its output goes. */
export interface ContainerProcessOptions {
    argv: string[];
    env: Record<string, string>;
    cwd: string;
    /** Value of the marker variable (unique per container run). */
    marker: string;
    onLine: (line: string, timestamp: number) => void;
    onExit: (exit: ContainerExit) => void;
}

/** After the main process exits, stdio still held open by a stray process is closed after this long. */
const STDIO_GRACE_MS = 2000;

export class ContainerProcess {
    private child: ChildProcess | undefined;
    private exited = false;
    private finished = false;
    private killTimer: NodeJS.Timeout | undefined;
    private readonly done: Promise<void>;
    private resolveDone!: () => void;

    constructor(private readonly options: ContainerProcessOptions) {
        this.done = new Promise((resolve) => (this.resolveDone = resolve));
    }

    /** The main process id (once started). */
    get pid(): number | undefined {
        return this.child?.pid;
    }

    /** True until the process has exited and its output is drained. */
    get running(): boolean {
        return !this.finished;
    }

    /** Resolves when the process has exited and its output is drained. */
    whenDone(): Promise<void> {
        return this.done;
    }

    start(): void {
        const [file, ...args] = this.options.argv;
        const env = { ...this.options.env, [MARKER_VARIABLE]: this.options.marker };
        let child: ChildProcess;
        try {
            child = spawn(file, args, { env, cwd: this.options.cwd, detached: false, stdio: ["ignore", "pipe", "pipe"], shell: false });
        } catch (err) {
            this.finish({ startError: err instanceof Error ? err : new Error(String(err)) });
            return;
        }
        this.child = child;
        const out = new LineSplitter((line) => this.options.onLine(line, Date.now()));
        const errs = new LineSplitter((line) => this.options.onLine(line, Date.now()));
        child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
        child.stderr?.on("data", (chunk: Buffer) => errs.push(chunk));
        let exitCode: number | undefined;
        child.on("error", (err) => {
            if (child.pid === undefined) this.finish({ startError: err });
        });
        child.on("exit", (code, sig) => {
            this.exited = true;
            if (this.killTimer) clearTimeout(this.killTimer);
            exitCode = code ?? 128 + (sig ? (constants.signals[sig] ?? 0) : 0);
            // Docker kills what is left of a container when its main process exits.
            for (const pid of findContainerProcesses([], new Set([this.options.marker]))) signal(pid, "SIGKILL");
            const grace = setTimeout(() => {
                child.stdout?.destroy();
                child.stderr?.destroy();
            }, STDIO_GRACE_MS);
            grace.unref();
            child.once("close", () => clearTimeout(grace));
        });
        child.on("close", () => {
            if (child.pid === undefined) return;
            out.end();
            errs.end();
            this.finish({ exitCode });
        });
    }

    /** SIGTERM to the main process; SIGKILL to the whole container after `graceMs`. */
    terminate(graceMs: number): void {
        if (!this.child || this.exited) return;
        signal(this.child.pid as number, "SIGTERM");
        if (this.killTimer) return;
        this.killTimer = setTimeout(() => this.kill(), Math.max(0, graceMs));
    }

    /** SIGKILL to the main process, its descendants and anything carrying the marker (synchronous). */
    kill(): void {
        if (this.killTimer) clearTimeout(this.killTimer);
        const roots = this.child?.pid !== undefined && !this.exited ? [this.child.pid] : [];
        const others = findContainerProcesses(roots, new Set([this.options.marker]));
        for (const pid of roots) signal(pid, "SIGKILL");
        for (const pid of others) signal(pid, "SIGKILL");
    }

    private finish(exit: ContainerExit): void {
        if (this.finished) return;
        this.finished = true;
        if (this.killTimer) clearTimeout(this.killTimer);
        this.resolveDone();
        this.options.onExit(exit);
    }
}
