/** The streamed fan-out's table and targets (bench/scenarios/streamedLogs.ts), for report.ts. */
import { DEFAULT_DELAYS } from "../emulator";
import type { StreamedLogsResult } from "./scenarios/streamedLogs";
import { ms } from "./stats";

/** One target, measured (report.ts's shape). */
interface Check {
    target: string;
    measured: string;
    met: boolean;
}

/** The run of `n` and `reading` with the emulator's default lifecycle, or with `deprovisioningMs`. */
function find(
    results: StreamedLogsResult[],
    n: number,
    reading: StreamedLogsResult["reading"],
    deprovisioningMs = DEFAULT_DELAYS.deprovisioningMs,
): StreamedLogsResult | undefined {
    return results.find((r) => r.n === n && r.reading === reading && r.deprovisioningMs === deprovisioningMs);
}

/** The run with containers stopping well before STOPPED (a DEPROVISIONING longer than the default), if any. */
function slowStopRun(results: StreamedLogsResult[]): StreamedLogsResult | undefined {
    return results.find((r) => r.reading === "shared" && r.deprovisioningMs > DEFAULT_DELAYS.deprovisioningMs);
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Shared reading against per-stream reading, side by side, for every N. */
export function streamedTable(results: StreamedLogsResult[]): string {
    const cols = results.map(
        (r) =>
            `N=${r.n} ${r.reading === "shared" ? "shared reader" : "per-stream (former)"}` +
            (r.deprovisioningMs === DEFAULT_DELAYS.deprovisioningMs ? "" : `, DEPROVISIONING ${ms(r.deprovisioningMs)}`),
    );
    const row = (label: string, f: (r: StreamedLogsResult) => string): string => `| ${label} | ${results.map(f).join(" | ")} |`;
    return [
        `| | ${cols.join(" | ")} |`,
        `| --- | ${cols.map(() => "---").join(" | ")} |`,
        row("runs completed", (r) => `${r.completed}/${r.n}`),
        row("GetLogEvents calls", (r) => String(r.calls.GetLogEvents ?? 0)),
        row("FilterLogEvents calls", (r) => String(r.calls.FilterLogEvents ?? 0)),
        row("peak GetLogEvents per second (quota 25): sent / handled", (r) => `${r.sentPeakGetPerSecond} / ${r.peakGetPerSecond}`),
        row("peak FilterLogEvents per second (quota 5): sent / handled", (r) => `${r.sentPeakFilterPerSecond} / ${r.peakFilterPerSecond}`),
        row(
            "log reads throttled",
            (r) =>
                `${Object.entries(r.throttled)
                    .filter(([op]) => op.endsWith("LogEvents"))
                    .reduce((a, [, v]) => a + v, 0)} (${pct(r.throttledShare)})`,
        ),
        row("lines lost / duplicated (of lines stored)", (r) => `${r.linesLost} / ${r.linesDuplicated}`),
        row("`logTail` differing from the stream", (r) => String(r.tailsWrong)),
        row("lines the endpoint itself dropped", (r) => String(r.droppedByEndpoint)),
        row("first line, written to shown: p50 / p95", (r) => `${ms(r.firstLine.p50)} / ${ms(r.firstLine.p95)}`),
        row("STOPPED→Create answered: p50 / p95", (r) => `${ms(r.stopToDone.p50)} / ${ms(r.stopToDone.p95)}`),
        row('  of which stoppedAt→"is STOPPED." shown, p95', (r) => ms(r.phases.detect.p95)),
        row('  of which "is STOPPED."→"exited with code" shown (stream end, drain), p95', (r) => ms(r.phases.drain.p95)),
        row('  of which "exited with code"→Create answered, p95', (r) => ms(r.phases.answer.p95)),
        row(
            "containers stopped (`executionStoppedAt`)→`stoppedAt`: p50 / p95",
            (r) => `${ms(r.phases.exitToStopped.p50)} / ${ms(r.phases.exitToStopped.p95)}`,
        ),
        row(
            'containers stopped + 1 s (the drain\'s quiet time)→"exited with code" shown: p50 / p95',
            (r) => `${ms(r.phases.afterQuiet.p50)} / ${ms(r.phases.afterQuiet.p95)}`,
        ),
        row("wall (first Create to last answer)", (r) => ms(r.wallMs)),
        row("load average (1 min) before / after", (r) => `${r.load[0].toFixed(2)} / ${r.load[1].toFixed(2)}`),
    ].join("\n");
}

/** The issue's targets for streamed runs, each measured. */
export function streamedTargets(results: StreamedLogsResult[], pollIntervalMs: number): Check[] {
    const out: Check[] = [];
    const big = Math.max(...results.map((r) => r.n));
    const shared = find(results, big, "shared");
    const one = find(results, 1, "shared");
    const oneBefore = find(results, 1, "per-stream");
    if (shared) {
        out.push({
            target: `N=${big} streamed, quotas enforced: peak GetLogEvents ≤ 20/s and FilterLogEvents ≤ 4/s, as sent and as the endpoint handled them`,
            measured: `sent ${shared.sentPeakGetPerSecond}/s and ${shared.sentPeakFilterPerSecond}/s; handled ${shared.peakGetPerSecond}/s and ${shared.peakFilterPerSecond}/s`,
            met:
                shared.sentPeakGetPerSecond <= 20 &&
                shared.sentPeakFilterPerSecond <= 4 &&
                shared.peakGetPerSecond <= 20 &&
                shared.peakFilterPerSecond <= 4,
        });
        out.push({
            target: `N=${big} streamed: at most 1% of log reads throttled`,
            measured: pct(shared.throttledShare),
            met: shared.throttledShare <= 0.01,
        });
        out.push({
            target: `N=${big} streamed: 0 lines lost or duplicated, every logTail exact`,
            measured: `${shared.linesLost} lost, ${shared.linesDuplicated} duplicated, ${shared.tailsWrong} logTail wrong`,
            met: shared.linesLost === 0 && shared.linesDuplicated === 0 && shared.tailsWrong === 0 && shared.failed === 0,
        });
        out.push({
            target: `N=${big} streamed: p95 first-line latency ≤ 3 s`,
            measured: ms(shared.firstLine.p95),
            met: shared.firstLine.p95 <= 3000,
        });
        out.push({
            target: `N=${big} streamed, through the provider host: p95 STOPPED→Create answered ≤ poll + 250 ms (${pollIntervalMs + 250} ms), the emulator's lifecycle (containers stop ${ms(DEFAULT_DELAYS.deprovisioningMs)} before STOPPED)`,
            measured: ms(shared.stopToDone.p95),
            met: shared.stopToDone.p95 <= pollIntervalMs + 250,
        });
    }
    const slow = slowStopRun(results);
    if (slow) {
        out.push({
            target: `N=${slow.n} streamed, through the provider host: p95 STOPPED→Create answered ≤ poll + 250 ms (${pollIntervalMs + 250} ms), containers stopping ${ms(slow.deprovisioningMs)} before STOPPED (awsvpc: the network interface is released in between)`,
            measured: ms(slow.stopToDone.p95),
            met: slow.stopToDone.p95 <= pollIntervalMs + 250,
        });
    }
    if (one) {
        out.push({
            target: "N=1 streamed: p95 first-line latency ≤ 1.5 s, no slower than the former per-stream reading",
            measured: `${ms(one.firstLine.p95)} (per-stream: ${oneBefore ? ms(oneBefore.firstLine.p95) : "not run"})`,
            met: one.firstLine.p95 <= 1500,
        });
    }
    return out;
}

/** How the streamed figures come about, and why a target is missed when it is, from the measured phases. */
export function streamedNotes(results: StreamedLogsResult[], pollIntervalMs: number): string[] {
    const big = Math.max(...results.map((r) => r.n));
    const r = find(results, big, "shared");
    if (!r) return [];
    const out: string[] = [];
    const handledOver = r.peakGetPerSecond > 20 || r.peakFilterPerSecond > 4;
    out.push(
        `- **Log calls per second at N=${big}: sent ${r.sentPeakGetPerSecond} GetLogEvents and ${r.sentPeakFilterPerSecond} FilterLogEvents at most, ` +
            `handled ${r.peakGetPerSecond} and ${r.peakFilterPerSecond}.** The budget (\`provider/run/logBudget.ts\`, tested on the fake clock) spaces calls ` +
            "(1000 + 250) / rate ms apart and starts at most `rate` within any 1250 ms, so the calls sent stay within 20 and 4 in any second by construction, " +
            "and the endpoint counts more only when delays on the way bunch five calls sent over 1250 ms into one second. " +
            (handledOver
                ? "That happened here: the endpoint's journal has the times it handled the requests, which a loaded machine bunches; its quota buckets " +
                  `(one second's worth, refilled continuously) throttled ${(r.throttled.GetLogEvents ?? 0) + (r.throttled.FilterLogEvents ?? 0)} of ${(r.calls.GetLogEvents ?? 0) + (r.calls.FilterLogEvents ?? 0)} calls.`
                : "(A former budget spaced 250 ms apart within any 1.1 s counted 6 FilterLogEvents in a second at the endpoint at a load of 11 to 15.)"),
    );
    if (r.providerForm === "installed") {
        out.push(
            `- **The provider host runs the installed package here.** Pulumi serializes a dynamic provider by value unless its module is under \`node_modules\`: ` +
                "from this repository every call and answer carries about 310 KB of source in `__provider`, which the host decodes and encodes with JavaScript " +
                "protobuf (measured about 15 ms per Create: 5 ms decoding the request, 11 ms encoding the answer), so 100 runs completing together wait " +
                `for each other; installed from npm (what users run) \`__provider\` is ${r.providerBytes} bytes, a require of \`pulumi-ecs-task-run/dynamic-provider\`. ` +
                "`npm run bench -- --only streamed --provider-by-value` measures the by-value form.",
        );
    }
    const slow = slowStopRun(results);
    const met = r.stopToDone.p95 <= pollIntervalMs + 250;
    out.push(
        `- **STOPPED to the Create answer at N=${big} streamed: p95 ${ms(r.stopToDone.p95)} with the emulator's lifecycle (target ${ms(pollIntervalMs + 250)}: ` +
            `${met ? "met" : "not met"})${slow ? `, ${ms(slow.stopToDone.p95)} when the containers stop ${ms(slow.deprovisioningMs)} before STOPPED (${slow.stopToDone.p95 <= pollIntervalMs + 250 ? "met" : "not met"})` : ""}.** ` +
            "A streamed run reads its log until a read that starts at least 1 s after its containers stopped (`executionStoppedAt`) finds nothing new: " +
            "the log driver's last lines may arrive after the exit and must not be lost. The drain starts as soon as the watcher sees the containers " +
            "stopped, beside the wait for STOPPED. With the emulator's lifecycle the containers stop " +
            `${ms(r.phases.exitToStopped.p50)} before STOPPED (p50), so the run waits out the quiet second after STOPPED is seen (the watcher sees STOPPED ` +
            `${ms(r.phases.detect.p95)} after \`stoppedAt\` at p95, about one poll interval) and then one read that starts after it: for the batched ` +
            "streams a FilterLogEvents call, whose slots at 4 per second come 312 ms apart (one call reads every stopped stream of the group; draining " +
            "streams go first and skip the gap live batches keep). Measured from the containers' stop + 1 s to the run's \"exited with code\" line: " +
            `p50 ${ms(r.phases.afterQuiet.p50)}, p95 ${ms(r.phases.afterQuiet.p95)}; then ${ms(r.phases.answer.p95)} at p95 to the Create answer (the create's ` +
            "last TagResource, recording its use of the task definition, then the gRPC answer, the answers of runs that complete together encoded and decoded one after the other). " +
            "So with containers stopping just before STOPPED the floor is about 0.95 s + one FilterLogEvents interval + the answer, over `poll + 250 ms` " +
            "whenever the poll interval is 1 s; reading the stopped streams by GetLogEvents instead would cost 100 calls, 5 s at 20 per second (see " +
            "`provider/run/logHub.ts`). " +
            (slow
                ? `When the containers stop ${ms(slow.deprovisioningMs)} before STOPPED, the drain ends during DEPROVISIONING ` +
                  `("is STOPPED." to "exited with code": p95 ${ms(slow.phases.drain.p95)}), and what is left after STOPPED is the watcher's look ` +
                  `(p95 ${ms(slow.phases.detect.p95)}) and the answer (p95 ${ms(slow.phases.answer.p95)}).`
                : ""),
    );
    return out;
}
