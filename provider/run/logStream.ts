/**
 * Reads one CloudWatch Logs stream forward, relays each line, and keeps only the last lines.
 *
 * GetLogEvents facts (ecs-facts.md): at the end of the stream AWS returns the `nextForwardToken`
 * that was sent; a page can be empty while more events exist (then the token differs); a stream
 * that does not exist yet answers `ResourceNotFoundException`; lines keep arriving after the task
 * is STOPPED.
 */
import { describeAwsError, errorCode, isFatal } from "../aws/errors";
import type { Clock } from "../aws/retry";
import { RelayedLines } from "./relayedLines";

/** One GetLogEvents page, as `aws/logs.ts` `getLogEvents` answers it. */
export interface LogPage {
    events: { timestamp?: number; message?: string }[];
    nextForwardToken?: string;
}

/** What a {@link LogStreamer} needs. */
export interface LogStreamerDeps {
    /** One GetLogEvents call (bound to a client). */
    getLogEvents(args: { group: string; stream: string; nextToken?: string; startFromHead: true; limit?: number }): Promise<LogPage>;
    group: string;
    stream: string;
    /** How many last lines to keep for {@link LogStreamer.tail}. Default: 50. */
    tailLines?: number;
    /** Called with each line, in order. Default: none. */
    onLine?: (line: string) => void;
    /** Called once when the stream cannot be read (e.g. access denied): streaming then stops. Default: none. */
    onWarning?: (message: string) => void;
    clock: Clock;
    /** The most pages one {@link LogStreamer.poll} reads (the rest comes next poll). Default: 100. */
    maxPagesPerPoll?: number;
}

/** How long a drain after the containers stopped waits (both log readers take these; each documents its defaults). */
export interface DrainOptions {
    /** Quiet time that ends the drain, ms. */
    quietMs?: number;
    /** The drain's deadline, ms from the call. */
    deadlineMs?: number;
    /** The longest wait between two reads, ms. */
    pollIntervalMs?: number;
    /** When the task's containers stopped (epoch ms: its `executionStoppedAt`, else its `stoppedAt`). */
    since?: number;
    /** How long a stream not created yet may still appear, ms. */
    streamGraceMs?: number;
}

/** Reads a stream forward in polls; see the module comment. */
export class LogStreamer {
    /** GetLogEvents calls made. */
    calls: number;
    /** Reads that failed (other than "stream not created yet"). */
    readErrors: number;
    /** The last failed read's error. */
    lastError: unknown;

    private readonly deps: LogStreamerDeps;
    private token: string | undefined;
    private readonly lines: RelayedLines;
    private disabled: boolean;
    private streamExists: boolean;

    // Fields set here, not by initializers (closure serialization; see waiting.ts, SERIALIZATION).
    constructor(deps: LogStreamerDeps) {
        this.deps = deps;
        this.calls = 0;
        this.readErrors = 0;
        this.lastError = undefined;
        this.token = undefined;
        this.lines = new RelayedLines(deps.tailLines, deps.onLine);
        this.disabled = false;
        this.streamExists = false;
    }

    /** Whether the stream was found (a read succeeded). */
    found(): boolean {
        return this.streamExists;
    }

    /**
     * Reads what is new: pages forward from the last token (from the head on the first read) until
     * AWS returns the token it was sent (the end), or `maxPagesPerPoll` pages. An empty page with a
     * new token goes on. A missing stream (not created yet) reads no line; a failed read is counted in `readErrors` and retried next poll; a fatal one (e.g.
     * access denied) is reported once through `onWarning` and ends streaming. Never throws.
     * ({@link LogStreamer.read} answers the number of new lines.) `signal` ends the read before
     * its next page (the rest comes at the next read).
     */
    async poll(signal?: AbortSignal): Promise<void> {
        await this.read(signal);
    }

    /** {@link LogStreamer.poll}, answering the number of new lines. Never throws. */
    async read(signal?: AbortSignal): Promise<number> {
        if (this.disabled) return 0;
        let lines = 0;
        const maxPages = this.deps.maxPagesPerPoll ?? 100;
        for (let page = 0; page < maxPages && !signal?.aborted; page++) {
            const sent = this.token;
            let answer: LogPage;
            try {
                this.calls++;
                answer = await this.deps.getLogEvents({
                    group: this.deps.group,
                    stream: this.deps.stream,
                    startFromHead: true,
                    ...(sent !== undefined ? { nextToken: sent } : {}),
                });
            } catch (err) {
                if (errorCode(err) === "ResourceNotFoundException") return lines;
                this.readErrors++;
                this.lastError = err;
                if (isFatal(err)) {
                    this.disabled = true;
                    this.deps.onWarning?.(
                        describeAwsError(err, `Reading log stream ${this.deps.group}/${this.deps.stream}`, "logs:GetLogEvents") +
                            " Log lines will not be streamed.",
                    );
                }
                return lines;
            }
            this.streamExists = true;
            for (const e of answer.events) {
                this.lines.push(e.message ?? "");
                lines++;
            }
            const next = answer.nextForwardToken;
            if (next === undefined || next === sent) break;
            this.token = next;
        }
        return lines;
    }

    /**
     * After the task's containers stopped: reads until a poll brings no new line and at least
     * `quietMs` has passed since `since` (when they stopped; default: now) and since the last new
     * line, or until `deadlineMs` has passed.
     *
     * @param opts.quietMs - default 1000.
     * @param opts.deadlineMs - default 30000, from the call.
     * @param opts.pollIntervalMs - the wait between two reads; default 500.
     * @param opts.since - the epoch ms the task's containers stopped (its `executionStoppedAt`, else `stoppedAt`); default: now.
     */
    async drain(opts: DrainOptions = {}): Promise<void> {
        const clock = this.deps.clock;
        const quiet = opts.quietMs ?? 1000;
        const interval = opts.pollIntervalMs ?? 500;
        const start = clock.now();
        const end = start + (opts.deadlineMs ?? 30_000);
        const streamGraceEnd = start + (opts.streamGraceMs ?? 10_000);
        let lastNew = Math.min(opts.since ?? start, start);
        for (;;) {
            const errorsBefore = this.readErrors;
            const n = await this.read();
            const now = clock.now();
            // Not quiet: a read that failed (throttling, network) says nothing of what is left, and a
            // stream not created yet may still appear (the awslogs driver can create it late).
            const unsure = this.readErrors > errorsBefore || (!this.streamExists && now < streamGraceEnd);
            if (n > 0) lastNew = now;
            else if (this.disabled) return;
            else if (!unsure && now - lastNew >= quiet) return;
            if (now >= end) return;
            const wait =
                unsure || n > 0 ? Math.min(interval, end - now) : Math.min(interval, end - now, Math.max(1, lastNew + quiet - now));
            await clock.sleep(Math.max(1, wait));
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
