/**
 * One log reader per provider process, within a request budget.
 *
 * Why: GetLogEvents (25/s) and FilterLogEvents (5/s) have hard quotas per account and region,
 * shared with everything else in the account (ecs-facts.md). One reader per stream, each polling
 * once a second, crosses the quota at about ten streamed runs. Every stream of the process is
 * read here instead, within two {@link RequestBudget}s (default 20 GetLogEvents and 4
 * FilterLogEvents per second, adaptive on ThrottlingException).
 *
 * The mix: a stream is read in one of two ways, chosen when it is opened.
 * - **GetLogEvents, by forward token** (exact, one stream per call, up to 10,000 events a page)
 *   for the first `maxGetStreams` open streams (default: half the GetLogEvents rate, so 10): a
 *   single run, or a few, is read exactly as before, and a log flood pages at up to 16 pages (160,000
 *   lines) a second.
 * - **FilterLogEvents, batched** for the others: one call reads up to 100 streams of one log
 *   group, so 100 streamed runs cost about one call per round instead of 100. Its events come in
 *   timestamp order with an `eventId`. A batch starts at the oldest of its streams' cursors less
 *   a look-back: 2 s for most live reads, the whole window (`lateWindowMs`, default 10 s) every
 *   5 s and for every read after the task stopped, so an event that arrives late with an older
 *   timestamp is still found. The ids of the events relayed within the window are kept, so
 *   nothing is relayed twice. An event older than the window when it arrives is the one thing
 *   this reading cannot see (CloudWatch gives no way to ask for "ingested since").
 * A live read (`poll`) takes one page when the page is not full (the rest, if any, comes at the
 * next poll: one call a poll, not two); a read after the stop goes on until the API says the end.
 * Both ways relay the lines of a stream in the order the API gives them, each once; the last
 * lines (`logTail`) are the last lines relayed.
 *
 * After the task stopped (the drain) a stream is read the way it was read before: a batched
 * stream is not switched to an exact per-stream GetLogEvents read. The reasons:
 * - Latency: 100 tasks stopping together would wait for 100 GetLogEvents calls, 5 s at 20 a
 *   second (16 with the budget's margin), where one FilterLogEvents call reads every stopped
 *   stream of the group.
 * - Exactness needs nothing more: FilterLogEvents gives every event's `eventId`, so a drain read
 *   relays each event once however often the window was read before; it looks back the whole
 *   window and pages until the API gives no `nextToken` (an empty page with a token is no end),
 *   so lines ingested after STOPPED and late events are found; `logTail` is the last lines
 *   relayed. A GetLogEvents read of a batched stream could not join the two: its events carry no
 *   `eventId` (dedupe would need every message of the window kept) and its forward token does
 *   not see late events behind it, the one thing the FilterLogEvents look-back does.
 * The drain begins when the run sees the task's containers stopped (its `executionStoppedAt`, set
 * before the task's network is released and it is STOPPED; else STOPPED). It makes one read at that time
 * plus `quietMs` (no drain can end before: the log driver's last lines may still arrive) and ends
 * when that read reached the end and nothing was ingested for `quietMs` since the stop, judged
 * by the events' ingestion times (lines written before the stop but read only now do not delay
 * completion). Its read goes first (see Fairness) and does not wait for the gap
 * between live batches: live FilterLogEvents batches start at least two budget intervals apart
 * (625 ms at 4 a second; each reads every waiting stream of the group, so a live line waits at
 * most about that more), which leaves about half the budget free for drain reads, so a stopped
 * run's read waits at most one interval (312 ms) for a slot instead of queueing behind live
 * batches. That interval, after the quiet second, is this design's floor for a batched run's
 * completion (bench: docs/BENCHMARKS.md, section 5).
 *
 * Fairness: a stream asks for a read (`poll`, `drain`); when the budget is short, streams whose
 * task stopped are served first (a run waits for them), then streams whose last read brought
 * lines, then the longest waiting. Memory: per stream the
 * last `tailLines` lines, the ids within the look-back window (batched streams only) and a
 * token; nothing else is kept. A stream is forgotten once drained, or after 10 minutes unread.
 *
 * State is plain objects created at run time; the per-process instance lives on `globalThis`.
 */
import type { FilterLogEventsArgs, FilteredLogEventsPage, GetLogEventsArgs } from "../aws/logs";
import { describeAwsError, errorCode, isFatal, isThrottling } from "../aws/errors";
import type { Clock } from "../aws/retry";
import { RequestBudget } from "./logBudget";
import type { DrainOptions } from "./logStream";
import { RelayedLines } from "./relayedLines";

/** One GetLogEvents page as the hub reads it. */
export interface HubLogPage {
    events: { timestamp?: number; message?: string; ingestionTime?: number }[];
    nextForwardToken?: string;
}

/** What a {@link LogHub} needs. */
export interface LogHubDeps {
    /** One GetLogEvents call in `region`. */
    getLogEvents(region: string, args: GetLogEventsArgs): Promise<HubLogPage>;
    /** One FilterLogEvents call in `region`. */
    filterLogEvents(region: string, args: FilterLogEventsArgs): Promise<FilteredLogEventsPage & { events: { ingestionTime?: number }[] }>;
    clock: Clock;
    /** GetLogEvents calls per second at most. Default: 20. */
    getLogEventsPerSecond?: number;
    /** FilterLogEvents calls per second at most. Default: 4. */
    filterLogEventsPerSecond?: number;
    /** How many open streams are read by GetLogEvents; the others in batches. Default: half the GetLogEvents rate, at least 1. */
    maxGetStreams?: number;
    /** The look-back window of batched reads (ms). Default: 10000. */
    lateWindowMs?: number;
    /** Streams per FilterLogEvents call. Default: 100 (the API's maximum). */
    batchSize?: number;
    /** Pages one read may take. Default: 100. */
    maxPagesPerRead?: number;
}

/** What one read of a stream found. */
export interface HubReadResult {
    /** New lines relayed. */
    lines: number;
    /** The read failed (throttling, network): nothing is known of what is left. */
    failed: boolean;
    /** The read reached the end of what was ingested when it was made (not stopped by the page limit). */
    complete?: boolean;
    /** The latest ingestion time (epoch ms) of the new lines, when they have one. */
    newestIngestion?: number;
}

interface Waiting {
    resolve: (r: HubReadResult) => void;
}

interface StreamState {
    key: string;
    region: string;
    group: string;
    stream: string;
    mode: "get" | "filter";
    openedAt: number;
    /** GetLogEvents: the forward token. */
    token: string | undefined;
    /** FilterLogEvents: the latest event timestamp relayed or searched past. */
    cursor: number | undefined;
    /** FilterLogEvents: events older than this are behind the window (relayed or lost). */
    floor: number;
    /** FilterLogEvents: eventId -> timestamp of the events relayed at or after `floor`. */
    ids: Record<string, number>;
    idCount: number;
    /** FilterLogEvents: when the last read that looked back the whole window was made. */
    lastDeepAt: number;
    found: boolean;
    disabled: boolean;
    /** The task stopped: every read goes to the end and looks back the whole window. */
    draining: boolean;
    hadLines: boolean;
    waiting: Waiting[];
    requestedAt: number;
    lastRequestAt: number;
    inFlight: boolean;
    closed: boolean;
    deliver: (message: string) => void;
    onWarning: ((message: string) => void) | undefined;
}

const DEFAULT_LATE_WINDOW_MS = 10_000;
/** How far before its opening a new stream's events may be stamped (clock skew; ms). */
const NEW_STREAM_SKEW_MS = 60_000;
const IDLE_FORGET_MS = 600_000;
/** A live batched read looks back this far (ms); the whole window every {@link DEEP_EVERY_MS}. */
const SHALLOW_LOOK_BACK_MS = 2000;
const DEEP_EVERY_MS = 5000;
/** Events in a full page (AWS's most; a page can also be full at 1 MB). */
const FULL_PAGE_EVENTS = 10_000;
const THROTTLED_RETRIES = 3;

/** The process's log reader; see the module comment. */
export class LogHub {
    /** GetLogEvents calls made. */
    getCalls: number;
    /** FilterLogEvents calls made. */
    filterCalls: number;
    /** Calls answered ThrottlingException. */
    throttledCalls: number;
    /** The GetLogEvents budget. */
    readonly getBudget: RequestBudget;
    /** The FilterLogEvents budget. */
    readonly filterBudget: RequestBudget;

    private readonly deps: LogHubDeps;
    private streams: Record<string, StreamState>;
    private getLaneRunning: boolean;
    private filterLaneRunning: boolean;
    private serial: number;
    /** When the last FilterLogEvents batch started (live batches keep {@link LogHub.liveBatchGapMs} after it). */
    private lastBatchAt: number;
    /** Ends the filter lane's wait before a live batch (a draining stream asked). */
    private filterPause: AbortController | undefined;

    // Fields set here, not by initializers (closure serialization; see waiting.ts).
    constructor(deps: LogHubDeps) {
        this.deps = deps;
        this.getCalls = 0;
        this.filterCalls = 0;
        this.throttledCalls = 0;
        this.getBudget = new RequestBudget({ ratePerSecond: deps.getLogEventsPerSecond ?? 20, clock: deps.clock });
        this.filterBudget = new RequestBudget({ ratePerSecond: deps.filterLogEventsPerSecond ?? 4, clock: deps.clock });
        this.streams = {};
        this.getLaneRunning = false;
        this.filterLaneRunning = false;
        this.serial = 0;
        this.lastBatchAt = Number.NEGATIVE_INFINITY;
        this.filterPause = undefined;
    }

    /** Changes the budgets (provider configuration). */
    configure(limits: { getLogEventsPerSecond?: number; filterLogEventsPerSecond?: number }): void {
        if (limits.getLogEventsPerSecond !== undefined) this.getBudget.configure(limits.getLogEventsPerSecond);
        if (limits.filterLogEventsPerSecond !== undefined) this.filterBudget.configure(limits.filterLogEventsPerSecond);
    }

    /** Open streams (read, not yet drained or forgotten). */
    openStreams(): number {
        return Object.keys(this.streams).length;
    }

    /**
     * Opens a stream: `deliver` is called with each new line's message, in order. Answers the
     * key that {@link LogHub.read} and {@link LogHub.close} take.
     */
    open(region: string, group: string, stream: string, deliver: (message: string) => void, onWarning?: (message: string) => void): string {
        const now = this.deps.clock.now();
        this.sweep(now);
        const key = `${region}\u0000${group}\u0000${stream}\u0000${this.serial++}`;
        const maxGet = this.deps.maxGetStreams ?? Math.max(1, Math.floor(this.getBudget.configuredRate() / 2));
        let getStreams = 0;
        for (const k of Object.keys(this.streams)) if (this.streams[k].mode === "get") getStreams++;
        this.streams[key] = {
            key,
            region,
            group,
            stream,
            mode: getStreams < maxGet ? "get" : "filter",
            openedAt: now,
            token: undefined,
            cursor: undefined,
            floor: now - NEW_STREAM_SKEW_MS - (this.deps.lateWindowMs ?? DEFAULT_LATE_WINDOW_MS),
            ids: {},
            idCount: 0,
            lastDeepAt: now,
            found: false,
            disabled: false,
            draining: false,
            hadLines: false,
            waiting: [],
            requestedAt: now,
            lastRequestAt: now,
            inFlight: false,
            closed: false,
            deliver,
            onWarning,
        };
        return key;
    }

    /** How the stream is read (`get` or `filter`), or undefined once forgotten. */
    modeOf(key: string): "get" | "filter" | undefined {
        return this.streams[key]?.mode;
    }

    /** Whether a read found the stream. */
    found(key: string): boolean {
        return this.streams[key]?.found ?? false;
    }

    /** Whether reading ended for good (a fatal error, or the stream was closed). */
    disabled(key: string): boolean {
        const s = this.streams[key];
        return !s || s.disabled;
    }

    /**
     * Reads the stream once more: resolves after a read that started after this call. Never
     * rejects. `signal` gives the request up while it waits for its turn (it resolves at once with
     * nothing read; a read already sent is answered when it ends).
     */
    read(key: string, signal?: AbortSignal): Promise<HubReadResult> {
        const s = this.streams[key];
        if (!s || s.disabled || signal?.aborted) return Promise.resolve({ lines: 0, failed: false, complete: !s || s.disabled });
        const now = this.deps.clock.now();
        return new Promise<HubReadResult>((resolve) => {
            if (s.waiting.length === 0) s.requestedAt = now;
            s.lastRequestAt = now;
            const waiter: Waiting = { resolve };
            const onAbort = (): void => {
                const at = s.waiting.indexOf(waiter);
                if (at < 0) return; // Taken by a read in flight: answered when it ends.
                s.waiting.splice(at, 1);
                resolve({ lines: 0, failed: false });
            };
            // A run polls with one signal all its life: an answered read leaves no listener on it.
            // (Set after both are declared: closure serialization cannot capture a variable used before its declaration.)
            waiter.resolve = (r) => {
                signal?.removeEventListener("abort", onAbort);
                resolve(r);
            };
            s.waiting.push(waiter);
            signal?.addEventListener("abort", onAbort, { once: true });
            this.wake(s);
        });
    }

    /** The task stopped: from now on every read of the stream is thorough (see the module comment). */
    markDraining(key: string): void {
        const s = this.streams[key];
        if (s) s.draining = true;
    }

    /** Forgets the stream (its pending reads resolve with nothing). */
    close(key: string): void {
        const s = this.streams[key];
        if (!s) return;
        s.closed = true;
        s.disabled = true;
        delete this.streams[key];
        for (const w of s.waiting.splice(0)) w.resolve({ lines: 0, failed: false });
    }

    private sweep(now: number): void {
        for (const k of Object.keys(this.streams)) {
            const s = this.streams[k];
            if (s.waiting.length === 0 && !s.inFlight && now - s.lastRequestAt >= IDLE_FORGET_MS) this.close(k);
        }
    }

    /** A stream asks for a read: start its lane; a run waits for a draining stream, so a live
     * batch waiting for its turn goes now, with it. */
    private wake(s: StreamState): void {
        if (s.draining) this.filterPause?.abort();
        this.kick(s.mode);
    }

    private kick(mode: "get" | "filter"): void {
        if (mode === "get" && !this.getLaneRunning) {
            this.getLaneRunning = true;
            void this.getLane();
        } else if (mode === "filter" && !this.filterLaneRunning) {
            this.filterLaneRunning = true;
            void this.filterLane();
        }
    }

    /** The streams of `mode` that asked for a read and are not being read, best first. */
    private pending(mode: "get" | "filter"): StreamState[] {
        const out: StreamState[] = [];
        for (const k of Object.keys(this.streams)) {
            const s = this.streams[k];
            if (s.mode === mode && s.waiting.length > 0 && !s.inFlight) out.push(s);
        }
        // Draining streams first (a run waits for them to finish), then streams whose last read
        // brought lines, then the longest waiting.
        const rank = (s: StreamState): number => (s.draining ? 0 : s.hadLines ? 1 : 2);
        return out.sort((a, b) => rank(a) - rank(b) || a.requestedAt - b.requestedAt);
    }

    private async getLane(): Promise<void> {
        try {
            while (this.pending("get").length > 0) {
                await this.getBudget.acquire();
                const s = this.pending("get")[0];
                if (!s) continue;
                s.inFlight = true;
                const waiting = s.waiting.splice(0);
                void this.readByToken(s).then((r) => this.finish(s, waiting, r));
            }
        } finally {
            this.getLaneRunning = false;
        }
        if (this.pending("get").length > 0) this.kick("get");
    }

    private async filterLane(): Promise<void> {
        try {
            for (;;) {
                const first = this.pending("filter")[0];
                if (!first) break;
                // Live batches keep a gap between them, so that half the budget is left for the
                // reads a stopped task's run waits for (they do not wait for the gap).
                const wait = first.draining ? 0 : this.lastBatchAt + this.liveBatchGapMs() - this.deps.clock.now();
                if (wait > 0) {
                    const pause = new AbortController();
                    this.filterPause = pause;
                    await this.deps.clock.sleep(wait, pause.signal);
                    this.filterPause = undefined;
                    continue;
                }
                await this.filterBudget.acquire();
                const all = this.pending("filter");
                if (all.length === 0) continue;
                const head = all[0];
                const batch = all.filter((s) => s.region === head.region && s.group === head.group).slice(0, this.deps.batchSize ?? 100);
                const waiting = batch.map((s) => s.waiting.splice(0));
                for (const s of batch) s.inFlight = true;
                this.lastBatchAt = this.deps.clock.now();
                void this.readBatch(batch).then((results) => batch.forEach((s, i) => this.finish(s, waiting[i], results[i])));
            }
        } finally {
            this.filterLaneRunning = false;
        }
        if (this.pending("filter").length > 0) this.kick("filter");
    }

    /** The least time (ms) between two FilterLogEvents batches of live reads: two intervals of the budget. */
    private liveBatchGapMs(): number {
        return 2 * this.filterBudget.intervalMs();
    }

    private finish(s: StreamState, waiting: Waiting[], r: HubReadResult): void {
        s.inFlight = false;
        if (!r.failed) s.hadLines = r.lines > 0;
        for (const w of waiting) w.resolve(r);
        if (s.waiting.length > 0) this.wake(s);
    }

    /** GetLogEvents forward from the stream's token, page after page (each page in a slot of the budget). */
    private async readByToken(s: StreamState): Promise<HubReadResult> {
        let lines = 0;
        let newest: number | undefined;
        let throttles = 0;
        const maxPages = this.deps.maxPagesPerRead ?? 100;
        for (let page = 0; page < maxPages && !s.closed;) {
            if (page > 0 || throttles > 0) await this.getBudget.acquire();
            const sent = s.token;
            let answer: HubLogPage;
            try {
                this.getCalls++;
                answer = await this.deps.getLogEvents(s.region, {
                    group: s.group,
                    stream: s.stream,
                    startFromHead: true,
                    ...(sent !== undefined ? { nextToken: sent } : {}),
                });
            } catch (err) {
                if (isThrottling(err)) {
                    this.throttledCalls++;
                    this.getBudget.onThrottled();
                    if (++throttles <= THROTTLED_RETRIES) continue;
                }
                return this.failed(s, err, lines, newest, "logs:GetLogEvents");
            }
            this.getBudget.onSuccess();
            page++;
            s.found = true;
            for (const e of answer.events) {
                if (s.closed) break;
                s.deliver(e.message ?? "");
                lines++;
                if (e.ingestionTime !== undefined) newest = Math.max(newest ?? 0, e.ingestionTime);
            }
            const next = answer.nextForwardToken;
            if (next === undefined || next === sent) return { lines, failed: false, complete: true, newestIngestion: newest };
            s.token = next;
            // A live read stops after a page that was not full: the rest, if any, comes next read
            // (one call a poll instead of two). A drain reads on until AWS answers the token it was sent.
            if (!s.draining && answer.events.length > 0 && answer.events.length < FULL_PAGE_EVENTS) break;
        }
        return { lines, failed: false, complete: s.closed, newestIngestion: newest };
    }

    /** FilterLogEvents over a batch of one group's streams, from the oldest cursor less the window. */
    private async readBatch(batch: StreamState[]): Promise<HubReadResult[]> {
        const results: HubReadResult[] = batch.map(() => ({ lines: 0, failed: false }));
        const live = batch.filter((s) => !s.closed);
        if (live.length === 0) return results;
        const byName: Record<string, number> = {};
        batch.forEach((s, i) => (byName[s.stream] = i));
        const window = this.deps.lateWindowMs ?? DEFAULT_LATE_WINDOW_MS;
        const now = this.deps.clock.now();
        // A deep read looks back the whole window (late events); a live read most of the time
        // looks back a little only, and the whole window every DEEP_EVERY_MS and when draining.
        const deep = live.some((s) => s.draining || now - s.lastDeepAt >= DEEP_EVERY_MS);
        const lookBack = deep ? window : Math.min(window, SHALLOW_LOOK_BACK_MS);
        let startTime = Number.POSITIVE_INFINITY;
        for (const s of live) startTime = Math.min(startTime, s.cursor !== undefined ? Math.max(s.floor, s.cursor - lookBack) : s.floor);
        const thorough = live.some((s) => s.draining);
        const { region, group } = live[0];
        const maxPages = this.deps.maxPagesPerRead ?? 100;
        let token: string | undefined;
        let throttles = 0;
        let searchedTo: number | undefined;
        let complete = false;
        for (let page = 0; page < maxPages;) {
            if (page > 0 || throttles > 0) await this.filterBudget.acquire();
            let answer: FilteredLogEventsPage & { events: { ingestionTime?: number }[] };
            try {
                this.filterCalls++;
                answer = await this.deps.filterLogEvents(region, {
                    group,
                    streams: live.map((s) => s.stream),
                    startTime: Math.max(0, Math.floor(startTime)),
                    ...(token !== undefined ? { nextToken: token } : {}),
                });
            } catch (err) {
                if (isThrottling(err)) {
                    this.throttledCalls++;
                    this.filterBudget.onThrottled();
                    if (++throttles <= THROTTLED_RETRIES) continue;
                }
                if (errorCode(err) === "ResourceNotFoundException") return results; // The group is not created yet.
                return batch.map((s, i) => this.failed(s, err, results[i].lines, results[i].newestIngestion, "logs:FilterLogEvents"));
            }
            this.filterBudget.onSuccess();
            page++;
            for (const name of answer.searchedLogStreams) {
                const i = byName[name];
                if (i !== undefined) batch[i].found = true;
            }
            for (const e of answer.events) {
                const i = byName[e.logStreamName ?? ""];
                if (i === undefined) continue;
                const s = batch[i];
                const ts = e.timestamp ?? 0;
                searchedTo = Math.max(searchedTo ?? ts, ts);
                s.found = true;
                if (s.closed || ts < s.floor) continue;
                const id = e.eventId ?? `${ts}\u0000${e.message ?? ""}`;
                if (s.ids[id] !== undefined) continue;
                s.ids[id] = ts;
                s.idCount++;
                s.cursor = Math.max(s.cursor ?? ts, ts);
                s.deliver(e.message ?? "");
                results[i].lines++;
                if (e.ingestionTime !== undefined) results[i].newestIngestion = Math.max(results[i].newestIngestion ?? 0, e.ingestionTime);
            }
            token = answer.nextToken;
            if (token === undefined) {
                complete = true;
                break;
            }
            if (!thorough && answer.events.length > 0 && answer.events.length < FULL_PAGE_EVENTS) break;
        }
        if (deep && complete) for (const s of live) s.lastDeepAt = now;
        for (const r of results) r.complete = complete;
        for (const s of live) {
            // A complete search covered every stream of the batch up to the latest event seen.
            if (complete && searchedTo !== undefined) s.cursor = Math.max(s.cursor ?? searchedTo, searchedTo);
            if (s.cursor !== undefined) s.floor = Math.max(s.floor, s.cursor - window);
            this.prune(s);
        }
        return results;
    }

    /** Forgets the ids of events behind the window (they can no longer be read again). */
    private prune(s: StreamState): void {
        if (s.idCount < 1024) return;
        const kept: Record<string, number> = {};
        let n = 0;
        for (const id of Object.keys(s.ids)) {
            if (s.ids[id] >= s.floor) {
                kept[id] = s.ids[id];
                n++;
            }
        }
        s.ids = kept;
        s.idCount = n;
    }

    private failed(s: StreamState, err: unknown, lines: number, newest: number | undefined, action: string): HubReadResult {
        if (errorCode(err) === "ResourceNotFoundException") return { lines, failed: false, newestIngestion: newest };
        if (isFatal(err) && !s.disabled) {
            s.disabled = true;
            s.onWarning?.(describeAwsError(err, `Reading log stream ${s.group}/${s.stream}`, action) + " Log lines will not be streamed.");
        }
        return { lines, failed: !s.disabled, newestIngestion: newest };
    }
}

/** What {@link HubLogReader} is made with. */
export interface HubLogReaderOptions {
    region: string;
    group: string;
    stream: string;
    /** Called with each line, in order. Default: none. */
    onLine?: (line: string) => void;
    /** Called once when the stream cannot be read (e.g. access denied). Default: none. */
    onWarning?: (message: string) => void;
    /** How many last lines to keep for {@link HubLogReader.tail}. Default: 50. */
    tailLines?: number;
    clock: Clock;
}

/** One stream read through the process's {@link LogHub} (the lifecycle's `LogReader`). */
export class HubLogReader {
    /** Reads that failed. */
    readErrors: number;

    private readonly hub: LogHub;
    private readonly opts: HubLogReaderOptions;
    private readonly key: string;
    private readonly lines: RelayedLines;

    constructor(hub: LogHub, opts: HubLogReaderOptions) {
        this.hub = hub;
        this.opts = opts;
        this.readErrors = 0;
        this.lines = new RelayedLines(opts.tailLines, opts.onLine);
        this.key = hub.open(opts.region, opts.group, opts.stream, (m) => this.lines.push(m), opts.onWarning);
    }

    /** How the hub reads this stream (`get` or `filter`; undefined once closed). */
    mode(): "get" | "filter" | undefined {
        return this.hub.modeOf(this.key);
    }

    /** Whether a read found the stream. */
    found(): boolean {
        return this.hub.found(this.key);
    }

    /** Reads what is new and relays it; `signal` gives up a read still waiting for its turn. Never throws. */
    async poll(signal?: AbortSignal): Promise<void> {
        await this.read(signal);
    }

    /** One read through the hub. Never throws. */
    async read(signal?: AbortSignal): Promise<HubReadResult> {
        const r = await this.hub.read(this.key, signal);
        if (r.failed) this.readErrors++;
        return r;
    }

    /**
     * After the task's containers stopped: reads until nothing was ingested for `quietMs` since
     * `since` (when they stopped; default: now) and a read brought no new line, or until
     * `deadlineMs`. Lines ingested before that moment (written before the stop, read only now) do
     * not extend the wait. Then the stream is closed.
     *
     * @param opts.quietMs - default 1000.
     * @param opts.deadlineMs - default 30000, from the call.
     * @param opts.pollIntervalMs - the longest wait between two reads; default 500.
     * @param opts.since - the epoch ms the task's containers stopped (its `executionStoppedAt`, else `stoppedAt`); default: now.
     * @param opts.streamGraceMs - how long a stream not created yet may still appear; default 10000.
     */
    async drain(opts: DrainOptions = {}): Promise<void> {
        const clock = this.opts.clock;
        const quiet = opts.quietMs ?? 1000;
        const interval = opts.pollIntervalMs ?? 500;
        const start = clock.now();
        const end = start + (opts.deadlineMs ?? 30_000);
        const streamGraceEnd = start + (opts.streamGraceMs ?? 10_000);
        let lastNew = Math.min(opts.since ?? start, start);
        this.hub.markDraining(this.key);
        try {
            // Nothing can be judged quiet before `lastNew + quiet`: one read then, not one now and one then.
            if (lastNew + quiet > start) await clock.sleep(Math.min(lastNew + quiet - start, end - start));
            for (;;) {
                const r = await this.read();
                const now = clock.now();
                const unsure = r.failed || (!this.found() && now < streamGraceEnd);
                if (r.lines > 0) lastNew = Math.max(lastNew, Math.min(now, r.newestIngestion ?? now));
                if (this.hub.disabled(this.key)) return;
                // A read that reached the end (even with new lines, ingested before `lastNew`) is as good as an empty one.
                if ((r.lines === 0 || r.complete === true) && !unsure && now - lastNew >= quiet) return;
                if (now >= end) return;
                const wait = unsure ? interval : Math.min(interval, Math.max(1, lastNew + quiet - now));
                await clock.sleep(Math.max(1, Math.min(wait, end - now)));
            }
        } finally {
            this.hub.close(this.key);
        }
    }

    /** The last `tailLines` lines, oldest first. */
    tail(): string[] {
        return this.lines.tail();
    }

    /** Lines relayed so far. */
    get linesRelayed(): number {
        return this.lines.count;
    }
}

const HUB_KEY = "__ecsTaskRun.logHub";

/**
 * The process's log hub, created with `factory` on first use and kept on `globalThis` (under
 * `"__ecsTaskRun.logHub"`, in a plain holder, as the task watcher is) so that every resource the
 * process serves shares it and no module-level state is serialized.
 */
export function getProcessLogHub(factory: () => LogHub): LogHub {
    const g = globalThis as unknown as Record<string, { hub: LogHub } | undefined>;
    let holder = g[HUB_KEY];
    if (!holder) {
        holder = { hub: factory() };
        g[HUB_KEY] = holder;
    }
    return holder.hub;
}

/** Forgets the process's log hub (tests, bench). */
export function resetProcessLogHub(): void {
    delete (globalThis as unknown as Record<string, unknown>)[HUB_KEY];
}

/** Applies a new budget to the process's log hub, when it exists (a later one is made with it). */
export function configureProcessLogHub(limits: { getLogEventsPerSecond?: number; filterLogEventsPerSecond?: number }): void {
    const holder = (globalThis as unknown as Record<string, { hub: LogHub } | undefined>)[HUB_KEY];
    holder?.hub.configure(limits);
}
