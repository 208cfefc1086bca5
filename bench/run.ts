/**
 * `npm run bench [-- --quick] [-- --in-process] [-- --out FILE | --no-write] [-- --only streamed [--streamed-n N] [--reading shared|per-stream] [--deprovisioning-ms N]] [-- --only fanout|throttled [--fanout-n N]]`
 *
 * Runs the provider's create path against the local ECS endpoint (started by this script, in a
 * child process unless `--in-process`): concurrent short runs watched by the process watcher and
 * by per-task polling (the baseline), a run streaming many log lines, and a throttled fan-out.
 * Prints the figures and writes them to docs/BENCHMARKS.md (quick mode writes nothing unless
 * `--out` is given). Asserts nothing: it measures.
 *
 * Full: N = 1, 10, 100, 200; 1,000,000 log lines; N = 200 throttled; N = 1 and 100 streamed runs
 * through the provider host with log quotas (shared and per-stream reading), and N = 100 shared
 * again with a 2 s DEPROVISIONING (containers stopping well before STOPPED). Quick: N = 1, 10;
 * 100,000 log lines; N = 10 throttled; N = 1 and 20 streamed. `--only streamed` runs the streamed
 * scenario through the provider host alone (N = 1 and 100, or `--streamed-n`; both readings, or
 * `--reading`; the emulator's DEPROVISIONING delay, or `--deprovisioning-ms`), prints its figures
 * and writes nothing (a report needs every scenario). The streamed
 * runs use the package as installed (bench/installedPackage.ts), or with `--provider-by-value`
 * this repository's source serialized by value. `--only fanout` runs the unstreamed fan-out alone
 * (N = 100, or `--fanout-n`), `--only throttled` the throttled one (N = 200, or `--fanout-n`), each
 * printed only.
 */
import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_DELAYS } from "../emulator";
import { startBenchEmulator, type BenchEmulator } from "./emulatorProcess";
import { prepareInstalledPackage } from "./installedPackage";
import { gcFunction } from "./memory";
import { renderReport, type BenchData } from "./report";
import type { WatchMode } from "./runs";
import { pool, runFanOut, runFanOutRep, type FanOutOptions, type FanOutRep, type FanOutResult } from "./scenarios/fanOut";
import { runLogFlood, type LogFloodResult } from "./scenarios/logFlood";
import { runStreamedLogs, type StreamedLogsResult } from "./scenarios/streamedLogs";

/** `taskWatchPollInterval` of every run, seconds. */
const POLL_INTERVAL_SECONDS = 1;
/** Repetitions of each unthrottled fan-out (full mode). */
const REPETITIONS = 3;
/**
 * The DEPROVISIONING → STOPPED delay (ms) of the streamed fan-out's second lifecycle: tasks with
 * awsvpc networking (every Fargate task) stay in DEPROVISIONING while ECS detaches and deletes
 * their network interface, so their containers stop well before STOPPED; the emulator's default
 * (50 ms) is short for the tests' sake.
 */
const SLOW_DEPROVISIONING_MS = 2000;

interface Args {
    quick: boolean;
    inProcess: boolean;
    out: string | undefined;
    /** Run one scenario only (`streamed`, `fanout`, `throttled`): figures printed, nothing written. */
    only: "streamed" | "fanout" | "throttled" | undefined;
    /** N of `--only fanout` and `--only throttled`. */
    fanOutN: number[] | undefined;
    streamedN: number[] | undefined;
    readings: ("shared" | "per-stream")[];
    /** Streamed runs with the provider serialized by value (this repository's source) instead of the installed package's. */
    byValue: boolean;
    /** The emulator's DEPROVISIONING → STOPPED delay (ms). Default: the emulator's (50). */
    deprovisioningMs: number | undefined;
}

function parseArgs(argv: string[]): Args {
    const args: Args = {
        quick: false,
        inProcess: false,
        out: undefined,
        only: undefined,
        fanOutN: undefined,
        streamedN: undefined,
        readings: ["shared", "per-stream"],
        byValue: false,
        deprovisioningMs: undefined,
    };
    let write = true;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--quick") args.quick = true;
        else if (a === "--in-process") args.inProcess = true;
        else if (a === "--no-write") write = false;
        else if (a === "--out") args.out = argv[++i];
        else if (a === "--only" && ["streamed", "fanout", "throttled"].includes(argv[i + 1] ?? ""))
            args.only = argv[++i] as "streamed" | "fanout" | "throttled";
        else if (a === "--fanout-n") args.fanOutN = argv[++i].split(",").map(Number);
        else if (a === "--provider-by-value") args.byValue = true;
        else if (a === "--deprovisioning-ms") args.deprovisioningMs = Number(argv[++i]);
        else if (a === "--streamed-n") args.streamedN = argv[++i].split(",").map(Number);
        else if (a === "--reading" && (argv[i + 1] === "shared" || argv[i + 1] === "per-stream"))
            args.readings = [argv[++i] as "shared" | "per-stream"];
        else
            throw new Error(
                `unknown option ${a}\nUsage: npm run bench [-- --quick] [--in-process] [--out FILE | --no-write] [--only streamed [--streamed-n N,M] [--reading shared|per-stream] [--deprovisioning-ms N]] [--provider-by-value] [--only fanout|throttled [--fanout-n N,M]]`,
            );
    }
    if (args.only) write = false;
    if (args.out === undefined && !args.quick) args.out = path.join(__dirname, "..", "docs", "BENCHMARKS.md");
    if (!write) args.out = undefined;
    return args;
}

function progress(line: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function machine(): string {
    const cpus = os.cpus();
    return `${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB memory, ${os.type()} ${os.release()} ${os.arch()}`;
}

function source(): string {
    try {
        const root = path.join(__dirname, "..");
        const head = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
        const dirty = execSync("git status --porcelain -- provider emulator", { cwd: root, encoding: "utf8" });
        const files = dirty
            .split("\n")
            .filter((l) => l.trim())
            .map((l) => l.slice(3));
        return `git ${head}${files.length ? `, with uncommitted changes (others' work in progress) in ${files.join(", ")}` : ", provider/ and emulator/ as committed"}`;
    } catch {
        return "unknown (no git)";
    }
}

function brief(r: FanOutResult): string {
    return (
        `${r.completed}/${r.runs} ok, DescribeTasks ${r.describeTasks.journal} (${r.describeTasks.rounds} rounds), ` +
        `STOPPED→done p95 ${Math.round(r.stopToDone.p95)} ms, wall ${Math.round(r.wallMs)} ms` +
        (r.failed ? `; failures: ${JSON.stringify(r.errors)}` : "")
    );
}

/** A run not reported: loads the SDK and the provider's modules, creates the clients. */
async function warmUp(emulator: BenchEmulator): Promise<void> {
    await runFanOut(emulator, { n: 1, mode: "batched", pollIntervalSeconds: POLL_INTERVAL_SECONDS, label: "warmup" });
}

/** The streamed scenario for each N and reading, with a progress line each (load average included). */
async function runStreamed(
    emulator: BenchEmulator,
    ns: number[],
    readings: ("shared" | "per-stream")[],
    byValue: boolean,
    deprovisioningMs: number,
): Promise<StreamedLogsResult[]> {
    const out: StreamedLogsResult[] = [];
    progress(
        byValue
            ? "streamed runs with the provider serialized by value (this repository's source)"
            : "compiling the package as installed (bench/installedPackage.ts)...",
    );
    const installed = byValue ? undefined : prepareInstalledPackage();
    for (const n of ns) {
        for (const reading of readings) {
            const lifecycle = deprovisioningMs === DEFAULT_DELAYS.deprovisioningMs ? "" : `, DEPROVISIONING ${deprovisioningMs} ms`;
            progress(`N=${n} streamed through the provider host, log quotas enforced, ${reading} reading${lifecycle}...`);
            const load = os.loadavg()[0];
            const r = await runStreamedLogs(emulator, n, reading, installed, deprovisioningMs);
            const p95 = (s: { p95: number }): number => Math.round(s.p95);
            progress(
                `  ${r.completed}/${r.n} ok, GetLogEvents ${r.calls.GetLogEvents ?? 0} (peak sent ${r.sentPeakGetPerSecond}/s, handled ${r.peakGetPerSecond}/s), ` +
                    `FilterLogEvents ${r.calls.FilterLogEvents ?? 0} (peak sent ${r.sentPeakFilterPerSecond}/s, handled ${r.peakFilterPerSecond}/s), ` +
                    `throttled ${(r.throttledShare * 100).toFixed(1)}%, lost ${r.linesLost}, dup ${r.linesDuplicated}, tails wrong ${r.tailsWrong}, first line p95 ${p95(r.firstLine)} ms, ` +
                    `STOPPED→answered p50 ${Math.round(r.stopToDone.p50)} p95 ${p95(r.stopToDone)} ms (detect ${p95(r.phases.detect)}, drain ${p95(r.phases.drain)}, ` +
                    `containers stopped+1s→exited ${p95(r.phases.afterQuiet)}, answer ${p95(r.phases.answer)}; containers stopped→STOPPED ${p95(r.phases.exitToStopped)}), ` +
                    `wall ${Math.round(r.wallMs)} ms; __provider ${r.providerBytes} bytes (${r.providerForm}); load ${load.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}`,
            );
            out.push(r);
        }
    }
    return out;
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    const started = Date.now();
    const loadStart = os.loadavg();
    gcFunction(); // turn --expose-gc on early, before anything is measured
    const delays = args.deprovisioningMs === undefined ? {} : { delays: { deprovisioningMs: args.deprovisioningMs } };
    const emulator = await startBenchEmulator({ port: 0, ...delays }, args.inProcess ? "in-process" : "child");
    progress(`emulator at ${emulator.url} (${emulator.where})`);
    Object.assign(process.env, {
        AWS_ENDPOINT_URL: emulator.url,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "bench",
        AWS_SECRET_ACCESS_KEY: "bench",
        AWS_EC2_METADATA_DISABLED: "true",
    });
    delete process.env.AWS_PROFILE;

    const ns = args.quick ? [1, 10] : [1, 10, 100, 200];
    const logLines = args.quick ? 100_000 : 1_000_000;
    const throttledN = args.quick ? 10 : 200;
    const streamedN = args.quick ? 10 : 100;
    const repetitions = args.quick ? 1 : REPETITIONS;
    const fanOutOptions = (n: number, mode: WatchMode): FanOutOptions => ({
        n,
        mode,
        pollIntervalSeconds: POLL_INTERVAL_SECONDS,
        label: `n${n}-${mode}`,
    });
    try {
        if (args.only === "streamed") {
            await runStreamed(
                emulator,
                args.streamedN ?? [1, 100],
                args.readings,
                args.byValue,
                args.deprovisioningMs ?? DEFAULT_DELAYS.deprovisioningMs,
            );
            return;
        }
        if (args.only === "fanout" || args.only === "throttled") {
            const throttled = args.only === "throttled";
            await warmUp(emulator);
            for (const n of args.fanOutN ?? [throttled ? 200 : 100]) {
                const load = os.loadavg()[0];
                const r = await runFanOut(emulator, {
                    ...fanOutOptions(n, "batched"),
                    ...(throttled ? { throttled: true, label: `n${n}-throttled` } : {}),
                });
                progress(
                    `N=${n} ${throttled ? "throttled" : "batched"}: ${brief(r)}; p50 ${Math.round(r.stopToDone.p50)} ms; load ${load.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}` +
                        (throttled ? `; ops ${JSON.stringify(r.ops)}; throttled ${JSON.stringify(r.throttledByOp)}` : ""),
                );
            }
            return;
        }
        progress("warm-up run...");
        await warmUp(emulator);
        const fanOuts: FanOutResult[] = [];
        for (const n of ns) {
            const reps: Record<WatchMode, FanOutRep[]> = { batched: [], "per-task": [] };
            for (let rep = 1; rep <= repetitions; rep++) {
                for (const mode of ["batched", "per-task"] as const) {
                    progress(`N=${n} ${mode} (${rep}/${repetitions})...`);
                    const r = await runFanOutRep(emulator, fanOutOptions(n, mode), rep);
                    progress(`  ${brief(pool(fanOutOptions(n, mode), [r]))}`);
                    reps[mode].push(r);
                }
            }
            fanOuts.push(pool(fanOutOptions(n, "batched"), reps.batched), pool(fanOutOptions(n, "per-task"), reps["per-task"]));
        }
        progress(`N=${streamedN} batched with streamOutput...`);
        const streamed = await runFanOut(emulator, {
            n: streamedN,
            mode: "batched",
            pollIntervalSeconds: POLL_INTERVAL_SECONDS,
            streamOutput: true,
            label: `n${streamedN}-streamed`,
        });
        progress(`  ${brief(streamed)}`);
        const logFlood: LogFloodResult[] = [];
        for (let rep = 1; rep <= repetitions; rep++) {
            progress(`${logLines} log lines (${rep}/${repetitions})...`);
            const r = await runLogFlood(emulator, logLines, POLL_INTERVAL_SECONDS, rep);
            progress(
                `  ${r.relayed} lines in ${Math.round(r.wallMs)} ms, rss +${(r.memory.rssGrowth / 2 ** 20).toFixed(1)} MB, ` +
                    `heap +${(r.memory.heapGrowth / 2 ** 20).toFixed(1)} MB${r.record.ok ? "" : `; FAILED: ${r.record.error ?? ""}`}`,
            );
            logFlood.push(r);
        }
        progress(`N=${throttledN} batched with throttling...`);
        const throttled = await runFanOut(emulator, {
            n: throttledN,
            mode: "batched",
            pollIntervalSeconds: POLL_INTERVAL_SECONDS,
            throttled: true,
            label: `n${throttledN}-throttled`,
        });
        progress(`  ${brief(throttled)}`);
        const streamedN2 = args.quick ? 20 : 100;
        const streamedLogs = await runStreamed(emulator, [1, streamedN2], args.readings, args.byValue, DEFAULT_DELAYS.deprovisioningMs);
        // The same fan-out when the containers stop well before STOPPED, as tasks with awsvpc
        // networking do while ECS detaches their network interface (another emulator: its
        // lifecycle delays are set when it starts).
        const slowStop = await startBenchEmulator(
            { port: 0, delays: { deprovisioningMs: SLOW_DEPROVISIONING_MS } },
            args.inProcess ? "in-process" : "child",
        );
        try {
            streamedLogs.push(...(await runStreamed(slowStop, [streamedN2], ["shared"], args.byValue, SLOW_DEPROVISIONING_MS)));
        } finally {
            await slowStop.close();
        }

        const extra = process.argv.slice(2).join(" ");
        const data: BenchData = {
            context: {
                command: `npm run bench${extra ? ` -- ${extra}` : ""}`,
                date: new Date().toISOString(),
                machine: machine(),
                node: `${process.version} (${process.platform})`,
                source: source(),
                emulator: emulator.where.replace(/ \(pid \d+\)$/, ""),
                pollIntervalSeconds: POLL_INTERVAL_SECONDS,
                repetitions,
                quick: args.quick,
                totalMs: Date.now() - started,
                loadStart,
                loadEnd: os.loadavg(),
            },
            fanOuts,
            streamed,
            logFlood,
            throttled,
            streamedLogs,
        };
        const report = renderReport(data);
        process.stdout.write(`${report}\n`);
        if (args.out) {
            fs.writeFileSync(args.out, report);
            progress(`wrote ${path.relative(process.cwd(), args.out)}`);
        }
    } finally {
        await emulator.close();
    }
}

main().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(1);
    },
);
