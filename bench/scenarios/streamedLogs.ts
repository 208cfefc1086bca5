/**
 * N concurrent streamed runs through the real provider host, with CloudWatch Logs' quotas
 * enforced by the emulator (`logQuotas`: 25 GetLogEvents, 5 FilterLogEvents per second): each
 * run prints 41 lines over about 8 s (`bench/hostPrograms.ts`). The same program runs with the
 * provider's shared, budgeted log reader and with the former per-stream reading
 * (`ECS_TASK_RUN_LOG_READER=per-stream`), in the same bench run.
 *
 * Measured: log API calls (all, throttled, peak per second, from the emulator's journal); lines
 * lost and duplicated (the host's output against the 41 lines each run printed, and `logTail`);
 * first-line latency (a run's first line shown in the host's output minus that event's timestamp
 * in the emulator); STOPPED to `create` returning (the gRPC Create answer minus the task's
 * `stoppedAt`).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTasksCommand, ECSClient } from "@aws-sdk/client-ecs";
import type { JournalEntry } from "../../emulator";
import { captureInChildProcess, REPO_ROOT, startProviderHost, type Props } from "../../test/support/providerHost";
import type { BenchEmulator } from "../emulatorProcess";
import type { InstalledPackage } from "../installedPackage";
import { STREAMED_LINES } from "../streamedProgram";
import { countBy, peakInWindow, summarize, type Summary } from "../stats";

/** The drain's quiet time after the containers stopped (`executionStoppedAt`; the provider's default): no streamed run completes sooner. */
const DRAIN_QUIET_MS = 1000;

/** How logs are read: the shared budgeted reader, or each stream on its own (the former way). */
export type LogReading = "shared" | "per-stream";

export interface StreamedLogsResult {
    n: number;
    reading: LogReading;
    /** The emulator's DEPROVISIONING → STOPPED delay (ms): how long before STOPPED the containers stopped. */
    deprovisioningMs: number;
    /** How the host got the provider: the installed package's (by reference) or this repository's source (by value). */
    providerForm: "installed" | "by-value";
    /** Bytes of `__provider` in each resource's inputs. */
    providerBytes: number;
    /** The machine's 1-minute load average before and after the run. */
    load: [number, number];
    quotas: boolean;
    completed: number;
    failed: number;
    errors: Record<string, number>;
    wallMs: number;
    calls: Record<string, number>;
    throttled: Record<string, number>;
    /** Peak calls in a sliding second as the emulator's journal has them (when it handled them). */
    peakGetPerSecond: number;
    peakFilterPerSecond: number;
    /** Peak calls in a sliding second as the host sent them (bench/hostCallTrace.ts): what the budget controls. */
    sentPeakGetPerSecond: number;
    sentPeakFilterPerSecond: number;
    /** Throttled log reads / log reads. */
    throttledShare: number;
    linesExpected: number;
    linesLost: number;
    linesDuplicated: number;
    /** `logTail`s that differ from the stream's last lines. */
    tailsWrong: number;
    /** Lines the tasks printed that the local endpoint did not store (a fidelity limit under load, not the reader's). */
    droppedByEndpoint: number;
    /** A few runs with lines lost: the run, the lines missing from the output and from `logTail`. */
    lostSample: string[];
    firstLine: Summary;
    stopToDone: Summary;
    /** Where STOPPED-to-done goes, from the host's output: stoppedAt to "is STOPPED." shown
     * (the watcher), to "exited with code" shown (end of streaming, drain, result), to the Create answer;
     * `afterQuiet`: from the containers' stop (`executionStoppedAt`) + the drain's quiet time (1 s,
     * before which no drain can end) to "exited with code" shown; `exitToStopped`: from
     * `executionStoppedAt` to `stoppedAt` (DescribeTasks, after the runs). */
    phases: { detect: Summary; drain: Summary; answer: Summary; afterQuiet: Summary; exitToStopped: Summary };
}

interface Shown {
    at: number;
    text: string;
}

/** Runs the scenario once; see the module comment. */
export async function runStreamedLogs(
    emulator: BenchEmulator,
    n: number,
    reading: LogReading,
    installed: InstalledPackage | undefined,
    deprovisioningMs: number,
    quotas = true,
): Promise<StreamedLogsResult> {
    const resources = await captureInChildProcess(installed?.program ?? path.join(__dirname, "..", "hostPrograms.ts"), "streamedRuns", {
        BENCH_STREAMED_N: String(n),
    });
    const providerBytes = Buffer.byteLength(String(resources[0]?.inputs.__provider ?? ""));
    const loadBefore = os.loadavg()[0];
    await emulator.resetFaults();
    if (quotas) await emulator.setFaults({ logQuotas: true });
    const trace = path.join(os.tmpdir(), `bench-call-trace-${process.pid}-${n}-${reading}.txt`);
    fs.rmSync(trace, { force: true });
    const preload = `-r ts-node/register/transpile-only -r ${path.join(__dirname, "..", "hostCallTrace.ts")}`;
    const host = await startProviderHost({
        cwd: installed?.dir ?? REPO_ROOT,
        env: {
            AWS_ENDPOINT_URL: emulator.url,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "bench",
            AWS_SECRET_ACCESS_KEY: "bench",
            AWS_PROFILE: undefined,
            AWS_SESSION_TOKEN: undefined,
            AWS_EC2_METADATA_DISABLED: "true",
            ECS_TASK_RUN_LOG_READER: reading === "per-stream" ? "per-stream" : undefined,
            // For profiling the host: `-r ts-node/register/transpile-only -r <repo>/bench/hostProfile.ts` (see that file).
            NODE_OPTIONS: `${preload} ${process.env.BENCH_HOST_NODE_OPTIONS ?? ""}`.trim(),
            BENCH_CALL_TRACE: trace,
        },
    });
    const shown: Shown[] = [];
    let seen = 0;
    let partial = "";
    const collect = (): void => {
        const out = host.output();
        if (out.length === seen) return;
        const at = Date.now();
        const text = partial + out.slice(seen);
        seen = out.length;
        const lines = text.split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) shown.push({ at, text: line });
    };
    const stopCollecting = host.onOutput(collect);
    try {
        await host.configure({ "aws:region": "us-east-1" });
        const checked = await Promise.all(resources.map((r) => host.check({}, r.inputs).then((c) => ({ name: r.name, inputs: c.inputs }))));
        await emulator.clearJournal();
        const t0 = Date.now();
        const outcomes = await Promise.all(
            checked.map(async ({ name, inputs }) => {
                try {
                    const { properties, receivedAt } = await host.create(inputs, { timeoutSeconds: 600 });
                    return { name, ok: true, doneAt: receivedAt, properties, error: "" };
                } catch (err) {
                    return {
                        name,
                        ok: false,
                        doneAt: Date.now(),
                        properties: {} as Props,
                        error: err instanceof Error ? err.message : String(err),
                    };
                }
            }),
        );
        const wallMs = Math.max(...outcomes.map((o) => o.doneAt)) - t0;
        await new Promise((r) => setTimeout(r, 300));
        collect();
        const journal: JournalEntry[] = await emulator.journal();
        const sent = fs.existsSync(trace)
            ? fs
                  .readFileSync(trace, "utf8")
                  .split("\n")
                  .filter((l) => l)
                  .map((l) => l.split(" "))
            : [];
        fs.rmSync(trace, { force: true });
        const sentTimes = (op: string): number[] => sent.filter(([, o]) => o === op).map(([t]) => Number(t));
        await emulator.resetFaults();

        const logOps = ["GetLogEvents", "FilterLogEvents"];
        const logCalls = journal.filter((e) => logOps.includes(e.operation));
        const timesOf = (op: string): number[] => journal.filter((e) => e.operation === op).map((e) => Date.parse(e.time));
        const throttled = countBy(journal, (e) => (e.errorCode === "ThrottlingException" ? e.operation : undefined));

        // The lines each run showed, in order, with when.
        const byRun: Record<string, Shown[]> = {};
        for (const s of shown) {
            const m = /^(s\d{3}) \| (.*)$/.exec(s.text);
            if (m) (byRun[m[1]] ??= []).push({ at: s.at, text: m[2] });
        }
        const expected = Array.from({ length: STREAMED_LINES }, (_, i) => `line-${i}`);
        let lost = 0;
        let duplicated = 0;
        let tailsWrong = 0;
        let droppedByEndpoint = 0;
        const lostSample: string[] = [];
        const firstLine: number[] = [];
        const stopToDone: number[] = [];
        const phases = {
            detect: [] as number[],
            drain: [] as number[],
            answer: [] as number[],
            afterQuiet: [] as number[],
            exitToStopped: [] as number[],
        };
        const messageAt = (name: string, pattern: RegExp): number | undefined =>
            shown.find((s) => s.text.startsWith(`[${name}] `) && pattern.test(s.text))?.at;
        const clientConfig = {
            endpoint: emulator.url,
            region: "us-east-1",
            credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
        };
        const logs = new CloudWatchLogsClient(clientConfig);
        const containersStoppedAt = await executionStoppedAt(
            new ECSClient(clientConfig),
            outcomes.map((o) => o.properties),
        );
        try {
            for (const o of outcomes) {
                const lines = (byRun[o.name] ?? []).map((s) => s.text);
                const set = new Set(lines);
                // What the stream holds (the reference: under a heavy load the local endpoint can
                // drop a task's last lines itself; those are counted apart, not as lost by the reader).
                const stored = o.ok ? await storedLines(logs, o.properties) : expected;
                droppedByEndpoint += expected.length - stored.length;
                const missing = stored.filter((l) => !set.has(l));
                lost += missing.length;
                duplicated += lines.length - set.size;
                if (!o.ok) continue;
                const tail = (o.properties.logTail as string[] | undefined) ?? [];
                const storedText = JSON.stringify(await storedLines(logs, o.properties));
                if (JSON.stringify(tail) !== storedText) tailsWrong++;
                if ((missing.length > 0 || JSON.stringify(tail) !== storedText) && lostSample.length < 5) {
                    lostSample.push(
                        `${o.name}: output lacks ${missing.join(",")}; logTail ${JSON.stringify(tail.slice(-3))}, stream ends ${storedText.slice(-40)}`,
                    );
                }
                const stoppedAt = Date.parse(String(o.properties.stoppedAt));
                const containersStopped = containersStoppedAt[String(o.properties.taskArn)];
                if (Number.isFinite(stoppedAt)) {
                    stopToDone.push(o.doneAt - stoppedAt);
                    if (containersStopped !== undefined) phases.exitToStopped.push(stoppedAt - containersStopped);
                    const seenAt = messageAt(o.name, /is STOPPED\.$/);
                    const exitedAt = messageAt(o.name, /exited with code/);
                    if (seenAt !== undefined && exitedAt !== undefined) {
                        phases.detect.push(seenAt - stoppedAt);
                        phases.drain.push(exitedAt - seenAt);
                        phases.answer.push(o.doneAt - exitedAt);
                        if (containersStopped !== undefined) phases.afterQuiet.push(exitedAt - containersStopped - DRAIN_QUIET_MS);
                    }
                }
                const first = byRun[o.name]?.[0];
                if (first && typeof o.properties.logStreamName === "string" && typeof o.properties.logGroupName === "string") {
                    const page = await logs.send(
                        new GetLogEventsCommand({
                            logGroupName: o.properties.logGroupName,
                            logStreamName: o.properties.logStreamName,
                            startFromHead: true,
                            limit: 1,
                        }),
                    );
                    const written = page.events?.[0]?.timestamp;
                    if (written !== undefined) firstLine.push(first.at - written);
                }
            }
        } finally {
            logs.destroy();
        }
        const failed = outcomes.filter((o) => !o.ok);
        return {
            n,
            reading,
            deprovisioningMs,
            providerForm: installed ? "installed" : "by-value",
            providerBytes,
            load: [loadBefore, os.loadavg()[0]],
            quotas,
            completed: outcomes.length - failed.length,
            failed: failed.length,
            errors: countBy(failed, (o) => o.error.slice(0, 160)),
            wallMs,
            calls: countBy(logCalls, (e) => e.operation),
            throttled,
            peakGetPerSecond: peakInWindow(timesOf("GetLogEvents")),
            peakFilterPerSecond: peakInWindow(timesOf("FilterLogEvents")),
            sentPeakGetPerSecond: peakInWindow(sentTimes("GetLogEvents")),
            sentPeakFilterPerSecond: peakInWindow(sentTimes("FilterLogEvents")),
            throttledShare: logCalls.length ? logCalls.filter((e) => e.errorCode === "ThrottlingException").length / logCalls.length : 0,
            linesExpected: outcomes.length * STREAMED_LINES,
            linesLost: lost,
            linesDuplicated: duplicated,
            tailsWrong,
            droppedByEndpoint,
            lostSample,
            firstLine: summarize(firstLine),
            stopToDone: summarize(stopToDone),
            phases: {
                detect: summarize(phases.detect),
                drain: summarize(phases.drain),
                answer: summarize(phases.answer),
                afterQuiet: summarize(phases.afterQuiet),
                exitToStopped: summarize(phases.exitToStopped),
            },
        };
    } finally {
        stopCollecting();
        await host.close();
    }
}

/** Each run's task's `executionStoppedAt` (epoch ms) by task ARN, as DescribeTasks answers after the runs. */
async function executionStoppedAt(ecs: ECSClient, runs: Props[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const byCluster: Record<string, string[]> = {};
    for (const p of runs) if (typeof p.taskArn === "string") (byCluster[String(p.clusterArn)] ??= []).push(p.taskArn);
    try {
        for (const [cluster, arns] of Object.entries(byCluster)) {
            for (let i = 0; i < arns.length; i += 100) {
                const page = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }));
                for (const t of page.tasks ?? []) if (t.taskArn && t.executionStoppedAt) out[t.taskArn] = t.executionStoppedAt.getTime();
            }
        }
    } finally {
        ecs.destroy();
    }
    return out;
}

/** The messages of the run's stream, as the endpoint holds them (every page). */
async function storedLines(logs: CloudWatchLogsClient, properties: Props): Promise<string[]> {
    const group = properties.logGroupName;
    const stream = properties.logStreamName;
    if (typeof group !== "string" || typeof stream !== "string") return [];
    const out: string[] = [];
    let token: string | undefined;
    for (;;) {
        const page = await logs.send(
            new GetLogEventsCommand({
                logGroupName: group,
                logStreamName: stream,
                startFromHead: true,
                ...(token ? { nextToken: token } : {}),
            }),
        );
        for (const e of page.events ?? []) out.push(e.message ?? "");
        if (!page.nextForwardToken || page.nextForwardToken === token) return out;
        token = page.nextForwardToken;
    }
}
