/**
 * The local ECS endpoint for the benchmark, behind one small interface, either:
 * - in a child process (the default): `bench/emulatorChild.ts` is forked and driven over IPC, so
 *   that the provider's process (this one) is measured alone: the emulator keeps every log line
 *   in memory (about 100 MB per million lines) and answers every request on its own event loop;
 * - in this process (`--in-process`): `startEmulator` from `emulator/`.
 */
import { fork, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { startEmulator, type EmulatorOptions, type FaultSettings, type JournalEntry } from "../emulator";

/** What the benchmark asks of the emulator. */
export interface BenchEmulator {
    readonly url: string;
    /** "child process (pid N)" or "in process". */
    readonly where: string;
    journal(): Promise<JournalEntry[]>;
    clearJournal(): Promise<void>;
    setFaults(settings: FaultSettings): Promise<void>;
    resetFaults(): Promise<void>;
    /** The emulator process's `process.memoryUsage()` (the same as this process's when in process). */
    memory(): Promise<NodeJS.MemoryUsage>;
    close(): Promise<void>;
}

/** A request to the child, and its answer. */
export interface ChildRequest {
    id: number;
    op: "start" | "journal" | "clearJournal" | "setFaults" | "resetFaults" | "memory" | "close";
    arg?: unknown;
}
export interface ChildAnswer {
    id: number;
    ok: boolean;
    value?: unknown;
    error?: string;
}

/** Starts the emulator where asked. */
export async function startBenchEmulator(options: EmulatorOptions, where: "child" | "in-process"): Promise<BenchEmulator> {
    return where === "child" ? startChild(options) : startInProcess(options);
}

async function startInProcess(options: EmulatorOptions): Promise<BenchEmulator> {
    const emulator = await startEmulator(options);
    return {
        url: emulator.url,
        where: "in process",
        journal: async () => emulator.journal(),
        clearJournal: async () => emulator.clearJournal(),
        setFaults: async (s) => void emulator.setFaults(s),
        resetFaults: async () => void emulator.resetFaults(),
        memory: async () => process.memoryUsage(),
        close: () => emulator.close(),
    };
}

async function startChild(options: EmulatorOptions): Promise<BenchEmulator> {
    const child: ChildProcess = fork(path.join(__dirname, "emulatorChild.ts"), [], {
        execArgv: ["-r", "ts-node/register/transpile-only"],
        cwd: path.join(__dirname, ".."),
        stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let next = 1;
    const pending: Record<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }> = {};
    child.on("message", (m: ChildAnswer) => {
        const p = pending[m.id];
        if (!p) return;
        delete pending[m.id];
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error ?? "emulator child failed"));
    });
    child.on("exit", (code, signal) => {
        for (const id of Object.keys(pending)) {
            pending[Number(id)].reject(new Error(`emulator child exited (${code ?? signal})`));
            delete pending[Number(id)];
        }
    });
    const call = <T>(op: ChildRequest["op"], arg?: unknown): Promise<T> =>
        new Promise<T>((resolve, reject) => {
            const id = next++;
            pending[id] = { resolve: resolve as (v: unknown) => void, reject };
            child.send({ id, op, arg } satisfies ChildRequest);
        });
    const { url } = await call<{ url: string }>("start", options);
    let closed: Promise<void> | undefined;
    return {
        url,
        where: `child process (pid ${child.pid})`,
        journal: () => call<JournalEntry[]>("journal"),
        clearJournal: () => call<void>("clearJournal"),
        setFaults: (s) => call<void>("setFaults", s),
        resetFaults: () => call<void>("resetFaults"),
        memory: () => call<NodeJS.MemoryUsage>("memory"),
        close: () =>
            (closed ??= (async () => {
                const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
                await call<void>("close").catch(() => undefined);
                child.disconnect();
                await exited;
            })()),
    };
}
