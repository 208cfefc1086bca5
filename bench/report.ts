/** The benchmark's tables and BENCHMARKS.md, from the scenarios' results. */
import * as os from "node:os";
import type { FanOutResult } from "./scenarios/fanOut";
import type { LogFloodResult } from "./scenarios/logFlood";
import type { StreamedLogsResult } from "./scenarios/streamedLogs";
import { streamedNotes, streamedTable, streamedTargets } from "./streamedReport";
import { mb, ms, num, ratio } from "./stats";

/** Where and how the benchmark ran. */
export interface BenchContext {
    command: string;
    date: string;
    machine: string;
    node: string;
    source: string;
    emulator: string;
    pollIntervalSeconds: number;
    /** Repetitions of each unthrottled fan-out (pooled in the tables). */
    repetitions: number;
    quick: boolean;
    totalMs: number;
    /** `os.loadavg()` (1, 5, 15 min) when the bench started and ended: the machine is shared. */
    loadStart: number[];
    loadEnd: number[];
}

export interface BenchData {
    context: BenchContext;
    /** Fan-outs without throttling, both modes, every N. */
    fanOuts: FanOutResult[];
    /** Extra: batched fan-out with streamOutput on. */
    streamed?: FanOutResult;
    /** Repetitions of the log scenario. */
    logFlood: LogFloodResult[];
    throttled: FanOutResult;
    /** Streamed fan-outs through the provider host, log quotas enforced: shared and per-stream reading. */
    streamedLogs?: StreamedLogsResult[];
}

/** One target, measured. */
export interface TargetCheck {
    target: string;
    measured: string;
    met: boolean;
}

type Row = string[];

function table(header: Row, rows: Row[]): string {
    const line = (r: Row): string => `| ${r.join(" | ")} |`;
    return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Use tags a revision can carry besides the managed tag. */
const USES_PER_REVISION = 49;

function find(data: BenchData, n: number, mode: "batched" | "per-task"): FanOutResult | undefined {
    return data.fanOuts.find((f) => f.options.n === n && f.options.mode === mode);
}

function totalCalls(r: FanOutResult): number {
    return Object.values(r.ops).reduce((a, b) => a + b, 0);
}

function ok200(r: FanOutResult, op: string): number {
    return (
        (r.ops[op] ?? 0) -
        (r.throttledByOp[op] ?? 0) -
        Object.entries(r.otherErrors)
            .filter(([k]) => k.startsWith(`${op}:`))
            .reduce((a, [, v]) => a + v, 0)
    );
}

const OP_ORDER = [
    "DescribeTaskDefinition",
    "RegisterTaskDefinition",
    "DescribeVpcs",
    "DescribeSubnets",
    "ListTasks",
    "RunTask",
    "DescribeTasks",
    "GetLogEvents",
    "StopTask",
    "DeregisterTaskDefinition",
];

function opColumns(results: FanOutResult[]): string[] {
    const seen = new Set<string>();
    for (const r of results) for (const op of Object.keys(r.ops)) seen.add(op);
    return [...OP_ORDER.filter((o) => seen.has(o)), ...[...seen].filter((o) => !OP_ORDER.includes(o)).sort()];
}

function scenarioName(r: FanOutResult): string {
    const extra = [r.options.throttled ? "throttled" : "", r.options.streamOutput ? "streamOutput" : ""].filter(Boolean).join(", ");
    const reps = r.reps.length > 1 ? ` ×${r.reps.length}` : "";
    return `N=${r.options.n} ${r.options.mode}${extra ? ` (${extra})` : ""}${reps}`;
}

/** API calls per run, by operation, from the emulator's journal. */
export function callsTable(results: FanOutResult[]): string {
    const cols = opColumns(results);
    return table(
        ["scenario", ...cols, "all / run"],
        results.map((r) => [scenarioName(r), ...cols.map((c) => num((r.ops[c] ?? 0) / r.runs, 2)), num(totalCalls(r) / r.runs, 2)]),
    );
}

/** Watching and timing of each fan-out. */
export function watchTable(results: FanOutResult[]): string {
    return table(
        [
            "scenario",
            "ok / failed",
            "DescribeTasks (journal; per repetition)",
            "watcher calls / rounds",
            "calls per round",
            "peak DescribeTasks /s",
            "peak requests /s",
            "last RunTask at",
            "STOPPED→done p50",
            "p95",
            "max",
            "task p50",
            "run p50 / p95",
            "wall",
            "wall / task",
        ],
        results.map((r) => [
            scenarioName(r),
            `${r.completed} / ${r.failed}`,
            r.reps.length > 1 ? `${r.describeTasks.journal} (${r.describeTasks.perRep.join(", ")})` : String(r.describeTasks.journal),
            `${r.describeTasks.watcherCalls} / ${r.describeTasks.rounds}`,
            num(r.describeTasks.rounds ? r.describeTasks.watcherCalls / r.describeTasks.rounds : Number.NaN, 2),
            String(r.describeTasks.peakPerSecond),
            String(r.peakRequestsPerSecond),
            ms(r.lastRunTaskMs),
            ms(r.stopToDone.p50),
            ms(r.stopToDone.p95),
            ms(r.stopToDone.max),
            ms(r.taskDuration.p50),
            `${ms(r.runDuration.p50)} / ${ms(r.runDuration.p95)}`,
            ms(r.wallMs),
            ratio(r.wallMs, r.taskDuration.p50),
        ]),
    );
}

/** Baseline (per-task polling) over batched, per N (repetitions pooled; per repetition in brackets). */
export function ratioTable(data: BenchData): string {
    const ns = [...new Set(data.fanOuts.map((f) => f.options.n))].sort((a, b) => a - b);
    const rows: Row[] = [];
    for (const n of ns) {
        const b = find(data, n, "batched");
        const p = find(data, n, "per-task");
        if (!b || !p) continue;
        const perRep =
            b.reps.length > 1 && b.reps.length === p.reps.length
                ? ` (${b.reps.map((rb, i) => ratio(p.reps[i].describeJournal, rb.describeJournal)).join(", ")})`
                : "";
        rows.push([
            String(n),
            `${p.describeTasks.journal} / ${b.describeTasks.journal}`,
            `${ratio(p.describeTasks.journal, b.describeTasks.journal)}${perRep}`,
            `${totalCalls(p)} / ${totalCalls(b)}`,
            ratio(totalCalls(p), totalCalls(b)),
            `${p.describeTasks.peakPerSecond} / ${b.describeTasks.peakPerSecond}`,
            ratio(p.describeTasks.peakPerSecond, b.describeTasks.peakPerSecond),
            `${ms(p.stopToDone.p95)} / ${ms(b.stopToDone.p95)}`,
            ratio(p.stopToDone.p95, b.stopToDone.p95),
            `${ms(p.wallMs)} / ${ms(b.wallMs)}`,
            ratio(p.wallMs, b.wallMs),
        ]);
    }
    return table(
        [
            "N",
            "DescribeTasks baseline / batched",
            "ratio (per repetition)",
            "all requests baseline / batched",
            "ratio",
            "peak DescribeTasks/s baseline / batched",
            "ratio",
            "STOPPED→done p95 baseline / batched",
            "ratio",
            "wall (median) baseline / batched",
            "ratio",
        ],
        rows,
    );
}

export function logTable(runs: LogFloodResult[]): string {
    const r0 = runs[0];
    const row = (name: string, f: (r: LogFloodResult) => string): Row => [name, ...runs.map(f)];
    return table(
        ["measure", ...runs.map((_, i) => `run ${i + 1}`)],
        [
            row("run", (r) =>
                r.record.ok
                    ? `exit ${String(r.record.exitCode)}, last tail line ${r.record.logTailLast ?? "none"}`
                    : `FAILED: ${r.record.error ?? ""}`,
            ),
            row("lines relayed to the output", (r) => `${r.relayed} of ${r.lines}`),
            row("task duration (startedAt→stoppedAt)", (r) => ms(r.taskMs)),
            row("createRun duration", (r) => ms(r.wallMs)),
            row("lines/s while relaying (first→last line)", (r) => `${Math.round(r.linesPerSecondRelaying)} (over ${ms(r.relayWindowMs)})`),
            row("lines/s over the whole run", (r) => String(Math.round(r.linesPerSecondOverall))),
            row("GetLogEvents requests", (r) => String(r.getLogEvents)),
            row("provider process baseline rss / heapUsed", (r) => `${mb(r.memory.baselineRss)} / ${mb(r.memory.baselineHeapUsed)}`),
            row("**provider process peak rss growth**", (r) => mb(r.memory.rssGrowth)),
            row("**provider process peak heapUsed growth**", (r) => mb(r.memory.heapGrowth)),
            row("heapUsed retained after the run (after a full GC)", (r) => mb(r.memory.retainedHeap)),
            row("samples (every 50 ms)", (r) => String(r.memory.samples)),
            row(
                r0.emulatorSeparate ? "emulator process (separate) rss / heapUsed after" : "emulator (same process) rss / heapUsed after",
                (r) => `${mb(r.emulatorRss)} / ${mb(r.emulatorHeapUsed)}`,
            ),
        ],
    );
}

export function throttledTable(r: FanOutResult): string {
    const throttled = Object.values(r.throttledByOp).reduce((a, b) => a + b, 0);
    return table(
        ["measure", "value"],
        [
            ["runs completed / failed", `${r.completed} / ${r.failed}`],
            [
                "failures",
                Object.keys(r.errors).length
                    ? Object.entries(r.errors)
                          .map(([k, v]) => `${v}× ${k}`)
                          .join("; ")
                    : "none",
            ],
            ["ThrottlingException answers (total)", String(throttled)],
            [
                "… by operation",
                Object.entries(r.throttledByOp)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(", ") || "none",
            ],
            [
                "other error answers",
                Object.entries(r.otherErrors)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(", ") || "none",
            ],
            ["requests (all answers) / per run", `${totalCalls(r)} / ${num(totalCalls(r) / r.runs, 2)}`],
            [
                "… by operation",
                opColumns([r])
                    .map((op) => `${op} ${r.ops[op]}`)
                    .join(", "),
            ],
            ["RegisterTaskDefinition accepted / sent", `${ok200(r, "RegisterTaskDefinition")} / ${r.ops.RegisterTaskDefinition ?? 0}`],
            ["DescribeTasks (journal) / watcher rounds", `${r.describeTasks.journal} / ${r.describeTasks.rounds}`],
            ["last RunTask accepted at (after the first call)", ms(r.lastRunTaskMs)],
            ["STOPPED→done p50 / p95 / max", `${ms(r.stopToDone.p50)} / ${ms(r.stopToDone.p95)} / ${ms(r.stopToDone.max)}`],
            ["run p50 / p95", `${ms(r.runDuration.p50)} / ${ms(r.runDuration.p95)}`],
            ["wall time", ms(r.wallMs)],
        ],
    );
}

export function memoryTable(results: FanOutResult[]): string {
    return table(
        ["scenario", "rss growth (peak)", "heapUsed growth (peak)", "output lines"],
        results.map((r) => [scenarioName(r), mb(r.memory.rssGrowth), mb(r.memory.heapGrowth), String(r.outputLines)]),
    );
}

/** The targets of the brief, each measured. */
export function targets(data: BenchData): TargetCheck[] {
    const checks: TargetCheck[] = [];
    const interval = data.context.pollIntervalSeconds * 1000;
    const n100b = find(data, 100, "batched");
    const n100p = find(data, 100, "per-task");
    if (n100b && n100p) {
        const r = n100p.describeTasks.journal / n100b.describeTasks.journal;
        const perRep =
            n100b.reps.length > 1
                ? `; per repetition ${n100b.reps.map((rb, i) => ratio(n100p.reps[i]?.describeJournal ?? NaN, rb.describeJournal)).join(", ")}`
                : "";
        checks.push({
            target: "N=100: at least 50x fewer DescribeTasks calls than per-task polling",
            measured: `${n100p.describeTasks.journal} / ${n100b.describeTasks.journal} = ${r.toFixed(1)}x pooled${perRep}`,
            met: r >= 50,
        });
    }
    const all = [...data.fanOuts, ...(data.streamed ? [data.streamed] : []), data.throttled];
    // A revision carries the managed tag and one use tag per resource using it, 50 tags at most
    // (see provider/plan/ownership.ts): N runs of one definition need ceil(N / 49) revisions.
    const expectedRegistrations = (r: FanOutResult): number => r.reps.length * Math.ceil(r.options.n / USES_PER_REVISION);
    const regs = all.map((r) => `${ok200(r, "RegisterTaskDefinition")}/${expectedRegistrations(r)}`);
    checks.push({
        target: `one RegisterTaskDefinition per distinct definition and ${USES_PER_REVISION} users (ECS's 50 tags: the managed tag and one use tag per run; one definition per repetition of each scenario)`,
        measured: `accepted / expected, per scenario: ${regs.join(", ")}; sent (incl. refused): ${all.map((r) => r.ops.RegisterTaskDefinition ?? 0).join(", ")}`,
        met: all.every((r) => ok200(r, "RegisterTaskDefinition") === expectedRegistrations(r)),
    });
    for (const r of data.fanOuts.filter((f) => f.options.mode === "batched")) {
        checks.push({
            target: `N=${r.options.n} batched: p95 STOPPED→completion ≤ poll interval + 250 ms (${interval + 250} ms)`,
            measured: `${ms(r.stopToDone.p95)} (max ${ms(r.stopToDone.max)}, ${r.stopToDone.n} runs)`,
            met: r.stopToDone.p95 <= interval + 250 && r.failed === 0,
        });
    }
    const lf = data.logFlood;
    const maxRss = Math.max(...lf.map((r) => r.memory.rssGrowth));
    const maxHeap = Math.max(...lf.map((r) => r.memory.heapGrowth));
    checks.push({
        target: `${lf[0].lines.toLocaleString("en-US")} log lines: provider process peak memory growth < 64 MB`,
        measured:
            `largest of ${lf.length} run(s): rss +${mb(maxRss)}, heapUsed +${mb(maxHeap)} (per run: ${lf.map((r) => `+${mb(r.memory.rssGrowth)} / +${mb(r.memory.heapGrowth)}`).join("; ")}); ` +
            `all lines relayed: ${lf.every((r) => r.relayed === r.lines) ? "yes" : "no"}`,
        met: maxRss < 64 * 1024 * 1024 && maxHeap < 64 * 1024 * 1024 && lf.every((r) => r.relayed === r.lines && r.record.ok),
    });
    const t = data.throttled;
    checks.push({
        target: `N=${t.options.n} with throttling: every run completes`,
        measured: `${t.completed} / ${t.runs} completed, ${Object.values(t.throttledByOp).reduce((a, b) => a + b, 0)} ThrottlingException answers, wall ${ms(t.wallMs)}`,
        met: t.failed === 0,
    });
    if (data.streamedLogs?.length) checks.push(...streamedTargets(data.streamedLogs, interval));
    return checks;
}

export function targetTable(checks: TargetCheck[]): string {
    return table(
        ["target", "measured", "met"],
        checks.map((c) => [c.target, c.measured, c.met ? "yes" : "**NO**"]),
    );
}

/** The whole report, as Markdown (also printed to the terminal). */
export function renderReport(data: BenchData): string {
    const c = data.context;
    const fan = [...data.fanOuts, ...(data.streamed ? [data.streamed] : []), data.throttled];
    return [
        "# Benchmarks",
        "",
        `Produced by \`${c.command}\` on ${c.date}${c.quick ? " (quick mode: a smoke test, not the reference figures)" : ""}.`,
        "",
        `- Machine: ${c.machine}`,
        `- Node: ${c.node}`,
        `- Load average (1/5/15 min) at start ${c.loadStart.map((x) => x.toFixed(2)).join(" / ")}, at end ${c.loadEnd.map((x) => x.toFixed(2)).join(" / ")}: the machine is shared with other work running in parallel, so times carry that noise.`,
        `- Source: ${c.source}`,
        `- Endpoint: the local ECS emulator (\`emulator/\`), ${c.emulator}, default lifecycle delays (50 ms per PROVISIONING, PENDING, DEPROVISIONING step); each task is a local process.`,
        `- Each run is the provider's create path: \`checkInputs\` then \`createRun(inputs, makeAwsPorts(inputs))\` with \`AWS_ENDPOINT_URL\` at the emulator; ` +
            "the baseline replaces only `waitForTask`, by `makeAwsRunServices({ watcher: new PerTaskPoller(...) })` (the reference's per-task polling).",
        `- Short task: \`sh -c "echo start; sleep 1; echo done"\`, \`taskWatchPollInterval: ${c.pollIntervalSeconds}\` (seconds), every run of a scenario with its own resource name and the same task definition (one family per scenario).`,
        `- Each unthrottled fan-out ran ${c.repetitions} time(s), batched and baseline alternating per N; the tables pool the repetitions (DescribeTasks also per repetition). The streamed and throttled fan-outs ran once.`,
        "- Before each repetition: registration memory and process task watcher reset (`resetRegistrationMemory`, `resetProcessTaskWatcher`), emulator journal cleared; a warm-up run (not reported) loads the modules first.",
        "- API calls are counted from the emulator's request journal (every answer, throttled ones included). Times are wall-clock; nothing here is asserted.",
        `- Total bench time: ${ms(c.totalMs)}.`,
        "",
        "## Targets",
        "",
        targetTable(targets(data)),
        "",
        "## 1. Concurrent runs: watching and latency",
        "",
        "`STOPPED→done` is the run's completion (createRun resolved) minus the task's `stoppedAt` as the emulator recorded it. " +
            "`task` is the task's own duration (`stoppedAt - startedAt`); `wall` is first call to last completion. " +
            "`calls per round`: DescribeTasks calls per polling round (per-task polling: one call per task per look).",
        "",
        watchTable(fan),
        "",
        "## 2. Baseline (per-task polling) / batched watcher",
        "",
        ratioTable(data),
        "",
        "## API calls per run, by operation",
        "",
        callsTable(fan),
        "",
        `## 3. ${data.logFlood[0].lines.toLocaleString("en-US")} log lines streamed`,
        "",
        `\`${data.logFlood[0].command.join(" ")}\` with \`streamOutput: true\`; the output is a counting no-op (stdout replaced for the run). ` +
            "Memory is this (the provider's) process alone: baseline after a full GC, peak of samples every 50 ms. " +
            (data.logFlood[0].emulatorSeparate
                ? "The emulator, which stores every line, runs in its own process."
                : "The emulator ran in this process: its memory is included."),
        "",
        logTable(data.logFlood),
        "",
        `## 4. N = ${data.throttled.options.n} with the emulator's AWS-like throttling (default token buckets)`,
        "",
        throttledTable(data.throttled),
        "",
        ...(data.streamedLogs?.length
            ? [
                  "## 5. Streamed runs through the provider host, CloudWatch Logs' quotas enforced",
                  "",
                  "Each run prints 41 lines over about 8 s (`bench/streamedProgram.ts`) with `streamOutput: true`; all runs are created at once in one real provider host " +
                      "(`@pulumi/pulumi`'s dynamic provider host, driven over gRPC as the engine does), the emulator enforcing AWS's log read quotas (`logQuotas`: 25 GetLogEvents, 5 FilterLogEvents per second). " +
                      `The host runs ${data.streamedLogs[0].providerForm === "installed" ? "this package as a user installs it (`bench/installedPackage.ts`: compiled, under `node_modules`, so that `__provider` is a require of `pulumi-ecs-task-run/dynamic-provider`" : "this repository's source (serialized by value"}, ${data.streamedLogs[0].providerBytes} bytes in every call and answer). ` +
                      "The shared reader (`provider/run/logHub.ts`) and the former per-stream reading (`ECS_TASK_RUN_LOG_READER=per-stream`) ran in the same bench run. " +
                      "A line is shown when the host's output reaches the bench (each write, as it arrives); a run's first-line latency is when its first line was shown minus that event's timestamp. " +
                      "A Create is answered when the answer's bytes reach the bench's gRPC client, before it decodes them (the engine decodes in Go). " +
                      "Lost and duplicated lines are counted against what the stream holds. Log calls per second are counted twice, in a sliding second: as the host sent them " +
                      "(`bench/hostCallTrace.ts`, Node's `http.client.request.start`: what the reader's budget controls) and as the emulator handled them (its journal).",
                  "",
                  streamedTable(data.streamedLogs),
                  "",
              ]
            : []),
        "## Provider process memory during the fan-outs",
        "",
        "Peak growth of this process's rss and heapUsed over a baseline taken after a full GC, sampled every 50 ms (largest repetition).",
        "",
        memoryTable(fan),
        "",
        ...notes(data),
    ].join("\n");
}

/** Explanations of the figures that missed a target or stand out, with the figures. */
export function notes(data: BenchData): string[] {
    const out: string[] = [];
    const interval = data.context.pollIntervalSeconds * 1000;
    const b = find(data, 100, "batched");
    const p = find(data, 100, "per-task");
    if (b && p) {
        const pooled = p.describeTasks.journal / b.describeTasks.journal;
        const perRep = b.reps.map((rb, i) => (p.reps[i] ? p.reps[i].describeJournal / rb.describeJournal : NaN));
        const batched = data.fanOuts.filter((f) => f.options.mode === "batched");
        const batchedPerRep = batched.map((f) => `N=${f.options.n}: ${num(f.describeTasks.journal / f.reps.length, 1)}`);
        const rounds = batched.flatMap((f) => f.reps.map((r) => r.rounds));
        out.push(
            `- **The DescribeTasks ratio at N=100 is ${pooled.toFixed(1)}x pooled` +
                (perRep.length > 1 ? ` (${Math.min(...perRep).toFixed(1)}x to ${Math.max(...perRep).toFixed(1)}x per repetition)` : "") +
                `.** Per-task polling costs only ${num(p.describeTasks.journal / p.runs, 2)} DescribeTasks per run here ` +
                `(a ~${ms(p.taskDuration.p50)} task at a ${interval} ms interval: one look when each of the run's two waits begins, then one per interval), ` +
                `so 50x at N=100 means the batched watcher may spend at most ${num(p.describeTasks.journal / p.reps.length / 50, 1)} calls on all 100 runs. ` +
                `It makes one call per round whatever N is (mean calls per repetition: ${batchedPerRep.join(", ")}): ` +
                "a run registers its wait for STOPPED together with its wait for RUNNING, so a task has one watch schedule (first looks 250, 500 and 1000 ms " +
                `after it is added, then one per interval) and a 1 s task costs ${Math.min(...rounds)} to ${Math.max(...rounds)} rounds here ` +
                "(more when the runs' starts spread over more time: larger N, machine load). The ratio grows with the task's length and with N.",
        );
    }
    const late = data.fanOuts.filter((f) => f.options.mode === "batched" && f.stopToDone.p95 > interval + 250);
    if (late.length > 0) {
        out.push(
            `- **Unstreamed STOPPED→completion over ${ms(interval + 250)} at ${late.map((f) => `N=${f.options.n} (p95 ${ms(f.stopToDone.p95)}, max ${ms(f.stopToDone.max)})`).join(", ")}**, ` +
                `load average ${data.context.loadStart[0].toFixed(2)} at the bench's start and ${data.context.loadEnd[0].toFixed(2)} at its end on ${os.cpus().length} cores. ` +
                "The watcher looks at each task once per interval, so seeing STOPPED takes up to the interval plus a DescribeTasks round (one call per 100 tasks); " +
                "then the create's own work after the stop: stopping its lease on the task definition and recording its use (TagResource), and its answer. " +
                "No phase of the unstreamed fan-out is measured apart here.",
        );
    }
    const allRuns = [...data.fanOuts, ...(data.streamed ? [data.streamed] : []), data.throttled];
    const extra = allRuns.filter((r) => ok200(r, "RegisterTaskDefinition") !== r.reps.length * Math.ceil(r.options.n / USES_PER_REVISION));
    if (extra.length > 0) {
        out.push(
            `- **RegisterTaskDefinition counts off one per definition and ${USES_PER_REVISION} users** in ` +
                extra
                    .map(
                        (r) =>
                            `${r.options.label} (${ok200(r, "RegisterTaskDefinition")} accepted, ${r.reps.length * Math.ceil(r.options.n / USES_PER_REVISION)} expected)`,
                    )
                    .join(", ") +
                ". Not explained by this bench: registration and its ownership tags (`provider/run/registration.ts`) decide; the figures are shown as measured.",
        );
    }
    if (data.streamedLogs?.length) out.push(...streamedNotes(data.streamedLogs, interval));
    const st = data.streamed;
    if (st && st.stopToDone.p95 > interval + 250) {
        out.push(
            `- **Streamed runs complete later after STOPPED** (N=${st.options.n}, \`streamOutput: true\`: p50 ${ms(st.stopToDone.p50)}, p95 ${ms(st.stopToDone.p95)}; ` +
                `without streaming the same fan-out is watched within ${ms(find(data, st.options.n, "batched")?.stopToDone.p95 ?? NaN)} at p95). ` +
                "Not a target of the brief: a streamed run reads the stream to its end and waits for a 1 s quiet period counted from its containers' stop " +
                "(`executionStoppedAt`: logs can arrive after it), which the unstreamed runs do not; the emulator stops the containers 50 ms before STOPPED.",
        );
    }
    const t = data.throttled;
    const throttledTotal = Object.values(t.throttledByOp).reduce((a, c) => a + c, 0);
    if (throttledTotal > 0) {
        const top = Object.entries(t.throttledByOp)
            .concat(Object.entries(t.otherErrors).filter(([k]) => /Throttl|RequestLimitExceeded/.test(k)))
            .sort((x, y) => y[1] - x[1])
            .map(([k, v]) => `${k} ${v}`)
            .join(", ");
        out.push(
            `- **What throttling costs (N=${t.options.n}).** Refused answers: ${top}. Each run makes one ListTasks of its own (the attach check; ${num((t.ops.ListTasks ?? 0) / t.runs, 2)} per run with the refused ones retried), ` +
                `DescribeVpcs/DescribeSubnets are shared by the runs that start together (${num(((t.ops.DescribeVpcs ?? 0) + (t.ops.DescribeSubnets ?? 0)) / t.runs, 2)} per run), and RunTask calls before its task starts; ` +
                `these per-run calls, not DescribeTasks, meet the buckets (\`*\` 50 / 20 per s each), so the last RunTask is accepted ${ms(t.lastRunTaskMs)} after the first call.`,
        );
    }
    return out.length ? ["## Notes", "", ...out, ""] : [];
}
