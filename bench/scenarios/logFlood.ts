/**
 * One run whose task writes many log lines, with `streamOutput: true` and the output a counting
 * no-op: how fast lines are relayed, and how much this (the provider's) process's memory grows.
 */
import type { BenchEmulator } from "../emulatorProcess";
import { MemorySampler, type MemoryReport } from "../memory";
import { benchInputs, checked, resetProcessState, runOne, type RunRecord } from "../runs";
import { installCountingSink } from "../sink";

export interface LogFloodResult {
    lines: number;
    command: string[];
    record: RunRecord;
    /** Task log lines that reached the output. */
    relayed: number;
    /** createRun's duration. */
    wallMs: number;
    /** The task's own duration (stoppedAt - startedAt). */
    taskMs: number;
    /** First to last relayed line. */
    relayWindowMs: number;
    /** relayed / relayWindow and relayed / wall, per second. */
    linesPerSecondRelaying: number;
    linesPerSecondOverall: number;
    /** GetLogEvents requests. */
    getLogEvents: number;
    memory: MemoryReport;
    /** The emulator's process RSS and heap after the run (it stores every line). */
    emulatorRss: number;
    emulatorHeapUsed: number;
    emulatorSeparate: boolean;
}

export async function runLogFlood(emulator: BenchEmulator, lines: number, pollIntervalSeconds: number, rep = 1): Promise<LogFloodResult> {
    resetProcessState();
    await emulator.resetFaults();
    await emulator.clearJournal();
    const command = ["seq", "1", String(lines)];
    const inputs = await checked(
        benchInputs(`logs-${lines}-r${rep}`, {
            image: "alpine:3.20",
            command,
            family: `bench-logs-${lines}-r${rep}`,
            executionRoleArn: "arn:aws:iam::123456789012:role/bench-exec",
            taskWatchPollInterval: pollIntervalSeconds,
            streamOutput: true,
        }),
    );
    const sampler = new MemorySampler();
    sampler.start();
    const sink = installCountingSink();
    let record: RunRecord;
    try {
        record = await runOne(inputs);
    } finally {
        sink.restore();
    }
    const memory = sampler.stop();
    const journal = await emulator.journal();
    const em = await emulator.memory();
    const relayed = sink.counts.taskLines;
    const relayWindowMs = Math.max(1, sink.counts.lastTaskLineAt - sink.counts.firstTaskLineAt);
    const wallMs = record.doneAt - record.calledAt;
    return {
        lines,
        command,
        record,
        relayed,
        wallMs,
        taskMs: record.startedAt && record.stoppedAt ? record.stoppedAt - record.startedAt : Number.NaN,
        relayWindowMs,
        linesPerSecondRelaying: (relayed / relayWindowMs) * 1000,
        linesPerSecondOverall: (relayed / wallMs) * 1000,
        getLogEvents: journal.filter((e) => e.operation === "GetLogEvents").length,
        memory,
        emulatorRss: em.rss,
        emulatorHeapUsed: em.heapUsed,
        emulatorSeparate: !emulator.where.startsWith("in process"),
    };
}
