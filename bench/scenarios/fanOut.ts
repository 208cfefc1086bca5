/**
 * N concurrent runs of one short task, all of the same task definition (a migration fan-out):
 * each run its own resource name, one family per repetition. Watched by the provider's process
 * watcher (batched) or by the reference's per-task polling (baseline), optionally with the
 * emulator's AWS-like throttling on. A scenario can be repeated; figures are then pooled.
 */
import type { JournalEntry } from "../../emulator";
import type { BenchEmulator } from "../emulatorProcess";
import { MemorySampler, type MemoryReport } from "../memory";
import {
    benchInputs,
    checked,
    newPerTaskPoller,
    processWatcherCounters,
    resetProcessState,
    runOne,
    type RunRecord,
    type WatchMode,
} from "../runs";
import { installCountingSink } from "../sink";
import { countBy, peakInWindow, percentile, summarize, type Summary } from "../stats";

/** The short task: about a second of work, two log lines. */
export const SHORT_COMMAND = ["sh", "-c", "echo start; sleep 1; echo done"];

export interface FanOutOptions {
    n: number;
    mode: WatchMode;
    /** `taskWatchPollInterval`, seconds. */
    pollIntervalSeconds: number;
    /** The emulator's default token buckets on. */
    throttled?: boolean;
    /** `streamOutput: true` (so each run also reads and drains its log stream). */
    streamOutput?: boolean;
    /** Names the family (with the repetition), so that each repetition has one distinct definition of its own. */
    label: string;
}

/** One repetition of a scenario. */
export interface FanOutRep {
    records: RunRecord[];
    /** First createRun call to last completion. */
    wallMs: number;
    ops: Record<string, number>;
    throttledByOp: Record<string, number>;
    otherErrors: Record<string, number>;
    describeJournal: number;
    watcherCalls: number;
    rounds: number;
    peakDescribePerSecond: number;
    peakRequestsPerSecond: number;
    /** When the last RunTask request arrived, after the first createRun call. */
    lastRunTaskMs: number;
    memory: MemoryReport;
    outputLines: number;
}

/** A scenario's repetitions, pooled. */
export interface FanOutResult {
    options: FanOutOptions;
    reps: FanOutRep[];
    /** Runs over all repetitions (n × reps). */
    runs: number;
    completed: number;
    failed: number;
    /** Distinct failure messages (first 160 characters) with counts. */
    errors: Record<string, number>;
    /** The median repetition's wall time. */
    wallMs: number;
    taskDuration: Summary;
    runDuration: Summary;
    stopToDone: Summary;
    /** Requests per operation, summed over repetitions (every answer, errors included). */
    ops: Record<string, number>;
    throttledByOp: Record<string, number>;
    otherErrors: Record<string, number>;
    describeTasks: { journal: number; watcherCalls: number; rounds: number; perRep: number[]; peakPerSecond: number };
    peakRequestsPerSecond: number;
    lastRunTaskMs: number;
    /** The largest growth of any repetition. */
    memory: { rssGrowth: number; heapGrowth: number };
    outputLines: number;
}

async function runOnce(emulator: BenchEmulator, options: FanOutOptions, rep: number): Promise<FanOutRep> {
    resetProcessState();
    await emulator.resetFaults();
    if (options.throttled) await emulator.setFaults({ throttle: { enabled: true } });
    await emulator.clearJournal();

    const label = `${options.label}-r${rep}`;
    const all = await Promise.all(
        Array.from({ length: options.n }, (_, i) =>
            checked(
                benchInputs(`${label}-${i + 1}`, {
                    image: "alpine:3.20",
                    command: SHORT_COMMAND,
                    family: `bench-${label}`,
                    executionRoleArn: "arn:aws:iam::123456789012:role/bench-exec",
                    taskWatchPollInterval: options.pollIntervalSeconds,
                    ...(options.streamOutput ? { streamOutput: true } : {}),
                }),
            ),
        ),
    );
    const poller = options.mode === "per-task" ? newPerTaskPoller() : undefined;

    const sampler = new MemorySampler();
    sampler.start();
    const sink = installCountingSink();
    const t0 = Date.now();
    let records: RunRecord[];
    try {
        records = await Promise.all(all.map((inputs) => runOne(inputs, poller)));
    } finally {
        sink.restore();
    }
    const wallMs = Math.max(...records.map((r) => r.doneAt)) - t0;
    const memory = sampler.stop();
    const counters = poller ? { describeCalls: poller.describeCalls, rounds: poller.rounds } : processWatcherCounters();
    const journal: JournalEntry[] = await emulator.journal();
    if (options.throttled) await emulator.resetFaults();

    const describeTimes = journal.filter((e) => e.operation === "DescribeTasks").map((e) => Date.parse(e.time));
    const runTaskTimes = journal.filter((e) => e.operation === "RunTask" && e.status === 200).map((e) => Date.parse(e.time));
    return {
        records,
        wallMs,
        ops: countBy(journal, (e) => e.operation),
        throttledByOp: countBy(journal, (e) => (e.errorCode === "ThrottlingException" ? e.operation : undefined)),
        otherErrors: countBy(journal, (e) =>
            e.errorCode && e.errorCode !== "ThrottlingException" ? `${e.operation}:${e.errorCode}` : undefined,
        ),
        describeJournal: describeTimes.length,
        watcherCalls: counters.describeCalls,
        rounds: counters.rounds,
        peakDescribePerSecond: peakInWindow(describeTimes),
        peakRequestsPerSecond: peakInWindow(journal.map((e) => Date.parse(e.time))),
        lastRunTaskMs: runTaskTimes.length ? Math.max(...runTaskTimes) - t0 : Number.NaN,
        memory,
        outputLines: sink.counts.lines,
    };
}

function sumInto(target: Record<string, number>, add: Record<string, number>): Record<string, number> {
    for (const [k, v] of Object.entries(add)) target[k] = (target[k] ?? 0) + v;
    return target;
}

/** Pools repetitions of one scenario. */
export function pool(options: FanOutOptions, reps: FanOutRep[]): FanOutResult {
    const records = reps.flatMap((r) => r.records);
    const ok = records.filter((r) => r.ok && r.exitCode === 0);
    const errors: Record<string, number> = {};
    for (const r of records) {
        if (r.ok && r.exitCode === 0) continue;
        const key = (r.error ?? `exit code ${String(r.exitCode)}`).slice(0, 160);
        errors[key] = (errors[key] ?? 0) + 1;
    }
    const sum = (f: (r: FanOutRep) => number): number => reps.reduce((a, r) => a + f(r), 0);
    return {
        options,
        reps,
        runs: records.length,
        completed: ok.length,
        failed: records.length - ok.length,
        errors,
        wallMs: percentile(
            reps.map((r) => r.wallMs),
            50,
        ),
        taskDuration: summarize(ok.filter((r) => r.startedAt && r.stoppedAt).map((r) => r.stoppedAt! - r.startedAt!)),
        runDuration: summarize(ok.map((r) => r.doneAt - r.calledAt)),
        stopToDone: summarize(ok.filter((r) => r.stoppedAt).map((r) => r.doneAt - r.stoppedAt!)),
        ops: reps.reduce((acc, r) => sumInto(acc, r.ops), {} as Record<string, number>),
        throttledByOp: reps.reduce((acc, r) => sumInto(acc, r.throttledByOp), {} as Record<string, number>),
        otherErrors: reps.reduce((acc, r) => sumInto(acc, r.otherErrors), {} as Record<string, number>),
        describeTasks: {
            journal: sum((r) => r.describeJournal),
            watcherCalls: sum((r) => r.watcherCalls),
            rounds: sum((r) => r.rounds),
            perRep: reps.map((r) => r.describeJournal),
            peakPerSecond: Math.max(...reps.map((r) => r.peakDescribePerSecond)),
        },
        peakRequestsPerSecond: Math.max(...reps.map((r) => r.peakRequestsPerSecond)),
        lastRunTaskMs: percentile(
            reps.map((r) => r.lastRunTaskMs),
            50,
        ),
        memory: {
            rssGrowth: Math.max(...reps.map((r) => r.memory.rssGrowth)),
            heapGrowth: Math.max(...reps.map((r) => r.memory.heapGrowth)),
        },
        outputLines: sum((r) => r.outputLines),
    };
}

/** Runs one repetition of the scenario; see the module comment. */
export function runFanOutRep(emulator: BenchEmulator, options: FanOutOptions, rep = 1): Promise<FanOutRep> {
    return runOnce(emulator, options, rep);
}

/** Runs the scenario `reps` times in a row and pools the figures. */
export async function runFanOut(emulator: BenchEmulator, options: FanOutOptions, reps = 1): Promise<FanOutResult> {
    const done: FanOutRep[] = [];
    for (let i = 1; i <= reps; i++) done.push(await runOnce(emulator, options, i));
    return pool(options, done);
}
