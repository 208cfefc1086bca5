/**
 * The figures of the fault matrix (test/reliability/faultMatrix.test.ts), per scenario and in
 * total, and the page `docs/RELIABILITY.md` that reports them.
 */
import * as os from "node:os";

/** The kinds of fault the figures count, in the order the report lists them. */
export const FAULT_KINDS = [
    "throttled",
    "capacityFailure",
    "failedButStarted",
    "missing",
    "logStreamNotYet",
    "startDelayed",
    "injectedError",
    "hostKilled",
    "hostSignalled",
    "gone",
    "spotInterrupted",
    "startFailed",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How each fault kind is named in the report, and where its count comes from. */
export const FAULT_KIND_LABELS: Record<FaultKind, { label: string; source: string }> = {
    throttled: {
        label: "Throttled answers",
        source: "the endpoint's journal: answers with error code `ThrottlingException` (ECS, Logs) or `RequestLimitExceeded` (EC2)",
    },
    capacityFailure: {
        label: "RunTask capacity failures",
        source:
            "RunTask answers `200` with `tasks: []` and `failures` (the journal has no bodies: counted by the test's recording proxy, " +
            "and checked equal to the armed count minus what the endpoint has left)",
    },
    failedButStarted: {
        label: "… that started a task anyway",
        source: "`startTaskAnyway` failures the endpoint answered (the armed count minus what it has left)",
    },
    missing: {
        label: "MISSING answers",
        source: "`MISSING` entries in DescribeTasks answers (counted by the test's recording proxy)",
    },
    logStreamNotYet: {
        label: "Log stream not there yet",
        source: "the journal: GetLogEvents answered `ResourceNotFoundException`",
    },
    startDelayed: {
        label: "Tasks started late or never",
        source: "tasks the endpoint held in PENDING (`startDelayMs`, `stuckInPending`): the scenario's tasks",
    },
    injectedError: {
        label: "Injected errors",
        source: "the journal: answers with the error code the scenario injected (`failNext`)",
    },
    hostKilled: { label: "Host SIGKILLed mid-run", source: "the test" },
    hostSignalled: { label: "Host SIGTERMed / SIGINTed mid-run", source: "the test" },
    gone: { label: "Gone before read/delete", source: "the test: a task ECS does not know, a deleted cluster, an INACTIVE definition" },
    spotInterrupted: {
        label: "Spot interruptions",
        source: "the endpoint's tasks stopped with stop code `SpotInterruption` (the `interruptTasks` fault)",
    },
    startFailed: {
        label: "Failed starts (image pull)",
        source: "the endpoint's tasks stopped with stop code `TaskFailedToStart` by the `failStarts` fault",
    },
};

/** What one scenario measured. */
export interface ScenarioFigures {
    /** `1a`, `2b`, `5`... */
    id: string;
    title: string;
    /** The faults switched on, in words. */
    faults: string;
    /** What the scenario requires, in words. */
    expects: string;
    /** Creates (and, in scenario 7, reads and deletes) the scenario ran. */
    runs: number;
    /** Creates interrupted on purpose (the host killed under them): neither failures nor runs. */
    interrupted: number;
    /** Runs that failed although they should have completed. */
    failed: number;
    /** Runs that failed as they must (a task that never starts, a fatal error). */
    failedAsExpected: number;
    /** Faults the endpoint (or the test) injected, by kind. */
    injected: Partial<Record<FaultKind, number>>;
    /** RunTask requests the endpoint answered (any status). */
    runTaskCalls: number;
    /** Distinct tasks the endpoint started for the scenario's resources. */
    tasksStarted: number;
    /** Tasks started beyond those the runs needed (a second task for one run). */
    duplicates: number;
    /** Tasks of the scenario not STOPPED when it ended, plus task processes alive. */
    leftRunning: number;
    /** Whether the scenario's tasks print the numbered lines (false: lines are not counted). */
    linesChecked: boolean;
    /** Expected log lines missing from a run's streamed output or from its `logTail`. */
    linesLost: number;
    /** Log lines one run streamed more than once. */
    linesDuplicated: number;
    /** Wall time, seconds (reported, never asserted). */
    seconds: number;
    /** Whether every assertion of the scenario held. */
    passed: boolean;
    /** The bug this scenario shows while it fails, and its fix (reported only when it fails). */
    bug?: string;
}

/** The sum of the figures of every scenario. */
export function totals(all: ScenarioFigures[]): {
    runs: number;
    interrupted: number;
    failed: number;
    failedAsExpected: number;
    injected: Partial<Record<FaultKind, number>>;
    runTaskCalls: number;
    tasksStarted: number;
    duplicates: number;
    leftRunning: number;
    linesLost: number;
    linesDuplicated: number;
    seconds: number;
    passed: number;
} {
    const injected: Partial<Record<FaultKind, number>> = {};
    for (const s of all)
        for (const kind of FAULT_KINDS) if (s.injected[kind]) injected[kind] = (injected[kind] ?? 0) + (s.injected[kind] ?? 0);
    const sum = (pick: (s: ScenarioFigures) => number): number => all.reduce((n, s) => n + pick(s), 0);
    return {
        runs: sum((s) => s.runs),
        interrupted: sum((s) => s.interrupted),
        failed: sum((s) => s.failed),
        failedAsExpected: sum((s) => s.failedAsExpected),
        injected,
        runTaskCalls: sum((s) => s.runTaskCalls),
        tasksStarted: sum((s) => s.tasksStarted),
        duplicates: sum((s) => s.duplicates),
        leftRunning: sum((s) => s.leftRunning),
        linesLost: sum((s) => s.linesLost),
        linesDuplicated: sum((s) => s.linesDuplicated),
        seconds: sum((s) => s.seconds),
        passed: all.filter((s) => s.passed).length,
    };
}

/** Scenarios in the order of their ids (`1a` < `1b` < `2a` < … < `10`). */
export function inOrder(all: ScenarioFigures[]): ScenarioFigures[] {
    return [...all].sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
}

/** The machine, for the report. */
export function machine(): string {
    const cpus = os.cpus();
    const model = cpus[0]?.model.trim() ?? "unknown CPU";
    return `${os.type()} ${os.release()} (${os.arch()}), ${cpus.length} × ${model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
}

/** What the report says about the run that made it. */
export interface ReportContext {
    command: string;
    date: Date;
    suiteSeconds: number;
    /** Tasks of the endpoint not STOPPED, and task processes alive, once the suite ended. */
    afterSuite: { notStopped: number; livePids: number } | undefined;
    /** Runs per concurrent scenario, and lines each run's task prints. */
    concurrent: number;
    lines: number;
    /** The code the suite ran (commit), when known. */
    code?: string;
    /** Failed checks outside the scenarios' figures that show a known bug. */
    otherBugs?: { title: string; bug: string; error: string }[];
}

/** The Markdown page with the figures. */
export function renderReport(unordered: ScenarioFigures[], ctx: ReportContext): string {
    const all = inOrder(unordered);
    const t = totals(all);
    const kinds = FAULT_KINDS.filter((k) => all.some((s) => (s.injected[k] ?? 0) > 0));
    const failedCell = (failed: number, expected: number): string =>
        expected > 0 ? `${failed} (+${expected} as required)` : String(failed);
    const runsCell = (runs: number, interrupted: number): string =>
        interrupted > 0 ? `${runs} (+${interrupted} interrupted)` : String(runs);
    const lines: string[] = [];
    const out = (line = ""): void => void lines.push(line);

    out("# Reliability: the fault matrix");
    out();
    out(
        "`EcsTaskRun` runs, several at once, against the local ECS endpoint (`emulator/`) with its faults switched on. " +
            "Generated by `test/reliability/faultMatrix.test.ts`; do not edit by hand.",
    );
    out();
    out(`- Command: \`${ctx.command}\``);
    out(`- Date: ${ctx.date.toISOString()}`);
    out(`- Machine: ${machine()}`);
    if (ctx.code) out(`- Code: ${ctx.code}`);
    out(`- Suite wall time: ${ctx.suiteSeconds.toFixed(1)} s`);
    out(`- Result: ${t.passed} of ${all.length} scenarios pass.`);
    out();
    out(
        `Scenarios 1-4, 6-9 call the provider (\`ecsTaskRunProvider\`) in the test's process, ${ctx.concurrent} creates at once, with the AWS SDK ` +
            "pointed at the endpoint (`AWS_ENDPOINT_URL`) through a small recording proxy. Scenario 5 runs the real serialized provider in the " +
            "real Pulumi provider host (`@pulumi/pulumi/cmd/dynamic-provider`), driven over gRPC as the engine drives it, and kills that host. " +
            `Each run's task prints ${ctx.lines} numbered lines (\`for i in $(seq 1 ${ctx.lines}); do echo <run>-line-$i; done\`), with ` +
            "`streamOutput: true` and `taskWatchPollInterval: 0.5`.",
    );
    out();
    out("## Outcomes");
    out();
    out(
        "| # | Scenario | Runs | Failed | RunTask calls | Tasks started | Started twice | Left running | Lines lost | Lines streamed twice | Time (s) | Result |",
    );
    out("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (const s of all) {
        const lost = s.linesChecked ? String(s.linesLost) : "n/a";
        const dup = s.linesChecked ? String(s.linesDuplicated) : "n/a";
        out(
            `| ${s.id} | ${s.title} | ${runsCell(s.runs, s.interrupted)} | ${failedCell(s.failed, s.failedAsExpected)} | ${s.runTaskCalls} | ${s.tasksStarted} | ` +
                `${s.duplicates} | ${s.leftRunning} | ${lost} | ${dup} | ${s.seconds.toFixed(1)} | ${s.passed ? "pass" : "**FAIL**"} |`,
        );
    }
    out(
        `| | **Total** | ${runsCell(t.runs, t.interrupted)} | ${failedCell(t.failed, t.failedAsExpected)} | ${t.runTaskCalls} | ${t.tasksStarted} | ` +
            `${t.duplicates} | ${t.leftRunning} | ${t.linesLost} | ${t.linesDuplicated} | ${t.seconds.toFixed(1)} | ${t.passed}/${all.length} pass |`,
    );
    out();
    if (ctx.afterSuite) {
        out(
            `After the whole suite: ${ctx.afterSuite.notStopped} task(s) of the endpoint not STOPPED, ${ctx.afterSuite.livePids} task process(es) alive.`,
        );
        out();
    }
    out("## Faults injected, by kind");
    out();
    out(`| # | ${kinds.map((k) => FAULT_KIND_LABELS[k].label).join(" | ")} |`);
    out(`| --- | ${kinds.map(() => "---:").join(" | ")} |`);
    for (const s of all) out(`| ${s.id} | ${kinds.map((k) => String(s.injected[k] ?? 0)).join(" | ")} |`);
    out(`| **Total** | ${kinds.map((k) => String(t.injected[k] ?? 0)).join(" | ")} |`);
    out();
    out("Where each count comes from:");
    out();
    for (const k of kinds) out(`- ${FAULT_KIND_LABELS[k].label}: ${FAULT_KIND_LABELS[k].source}.`);
    out();
    out("## Scenarios");
    out();
    out("| # | Scenario | Faults switched on | Required |");
    out("| --- | --- | --- | --- |");
    for (const s of all) out(`| ${s.id} | ${s.title} | ${s.faults} | ${s.expects} |`);
    out();
    const bugs = all.filter((s) => !s.passed && s.bug);
    const others = ctx.otherBugs ?? [];
    if (bugs.length + others.length > 0) {
        out("## Bugs the matrix shows");
        out();
        for (const s of bugs) out(`- **${s.id}. ${s.title}**: ${s.bug}`);
        for (const o of others) out(`- **${o.title}** (not a row of the tables): ${o.bug}`);
        out();
        out("A scenario that fails fails `npm test` too.");
        out();
    }
    out("## How the outcomes are counted");
    out();
    out(
        "- **Runs**: creates the scenario made (scenario 7 adds its reads and deletes). A create the test interrupts on purpose " +
            "(its host killed under it) is counted apart.",
    );
    out(
        "- **Failed**: runs that threw although they should have completed (every fault of scenarios 1-7, 9a and 9b is recoverable). " +
            "“As required”: runs that must fail (scenario 8: a task that never starts, a fatal error while watching; scenario 9c: " +
            "every attempt interrupted).",
    );
    out(
        "- **Started twice**: for each resource (its `startedBy`), the distinct tasks the endpoint started, minus the tasks its creates " +
            "should have started (one per create; none for a create that attached to a running task; in scenario 9, one per attempt " +
            "the run reports in its `attempts` output or its failure's message).",
    );
    out(
        "- **Left running**: when the scenario ends (after a bounded wait for stops to land), tasks of its resources not STOPPED, plus live task processes.",
    );
    out(
        `- **Lines lost**: expected lines (\`<run>-line-1\` … \`<run>-line-${ctx.lines}\`) missing from what the run streamed to the ` +
            `deployment's output, or from its \`logTail\` output (which keeps the last ${ctx.lines} lines: it holds them all). ` +
            "**Lines streamed twice**: lines one run streamed more than once. Scenario 5 checks its task's one line in the new host's result and output.",
    );
    out("- **Time**: the scenario's wall time on this machine; the suite asserts no duration.");
    out();
    out("Regenerate: `RELIABILITY_REPORT=1 npm run reliability`. The suite also runs, without writing this page, in `npm test`.");
    out();
    return lines.join("\n");
}
