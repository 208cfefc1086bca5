/**
 * A fake CloudWatch Logs for the log hub's tests: GetLogEvents by forward token and
 * FilterLogEvents over named streams (timestamp order, `eventId`, pages, empty pages), with
 * every call recorded at the fake clock's time.
 */
import { ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import type { FilterLogEventsArgs, FilteredLogEventsPage, GetLogEventsArgs } from "../../../provider/aws/logs";
import type { HubLogPage } from "../../../provider/run/logHub";
import type { FakeClock } from "../aws/fakeClock";

interface Event {
    timestamp: number;
    ingestionTime: number;
    message: string;
    id: string;
}

export interface Call {
    api: "GetLogEvents" | "FilterLogEvents";
    at: number;
    streams: string[];
    startTime?: number;
}

export class FakeLogs {
    /** `group/stream` -> events in timestamp order. */
    streams: Record<string, Event[]> = {};
    calls: Call[] = [];
    /** Events per page. */
    pageSize = 10_000;
    /** The next N FilterLogEvents calls answer an empty page with a nextToken that re-reads the same position. */
    emptyFilterPages = 0;
    /** The next N calls (of any API) are throttled. */
    throttleNext = 0;
    /** Errors the next calls throw, in order. */
    failNext: unknown[] = [];
    /** How long (fake ms) each call takes to answer. */
    latencyMs = 0;
    private seq = 0;

    constructor(private readonly clock: FakeClock) {}

    /** Creates the stream (empty). */
    create(group: string, stream: string): void {
        this.streams[`${group}/${stream}`] ??= [];
    }

    /** Ingests a line now, stamped `timestamp` (default: now); an older stamp is placed in order. */
    put(group: string, stream: string, message: string, timestamp = this.clock.now()): void {
        const events = (this.streams[`${group}/${stream}`] ??= []);
        let at = events.length;
        while (at > 0 && events[at - 1].timestamp > timestamp) at--;
        events.splice(at, 0, { timestamp, ingestionTime: this.clock.now(), message, id: String(this.seq++).padStart(12, "0") });
    }

    getLogEvents = async (_region: string, args: GetLogEventsArgs): Promise<HubLogPage> => {
        this.calls.push({ api: "GetLogEvents", at: this.clock.now(), streams: [args.stream] });
        if (this.latencyMs > 0) await this.clock.sleep(this.latencyMs);
        this.maybeThrottle();
        const events = this.streams[`${args.group}/${args.stream}`];
        if (!events) throw Object.assign(new Error("The specified log stream does not exist."), { name: "ResourceNotFoundException" });
        const from = args.nextToken ? Number(args.nextToken.slice(2)) : 0;
        const page = events.slice(from, from + this.pageSize);
        return {
            events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
            nextForwardToken: page.length === 0 && args.nextToken ? args.nextToken : `f/${from + page.length}`,
        };
    };

    filterLogEvents = async (
        _region: string,
        args: FilterLogEventsArgs,
    ): Promise<FilteredLogEventsPage & { events: { ingestionTime?: number }[] }> => {
        this.calls.push({ api: "FilterLogEvents", at: this.clock.now(), streams: [...args.streams], startTime: args.startTime });
        if (this.latencyMs > 0) await this.clock.sleep(this.latencyMs);
        this.maybeThrottle();
        if (this.emptyFilterPages > 0) {
            this.emptyFilterPages--;
            return { events: [], nextToken: args.nextToken ?? "start", searchedLogStreams: [] };
        }
        const skip = args.nextToken && args.nextToken !== "start" ? Number(args.nextToken) : 0;
        const all: { logStreamName: string; timestamp: number; message: string; eventId: string; ingestionTime: number }[] = [];
        for (const name of args.streams) {
            for (const e of this.streams[`${args.group}/${name}`] ?? []) {
                if (args.startTime === undefined || e.timestamp >= args.startTime) {
                    all.push({
                        logStreamName: name,
                        timestamp: e.timestamp,
                        message: e.message,
                        eventId: e.id,
                        ingestionTime: e.ingestionTime,
                    });
                }
            }
        }
        all.sort((a, b) => a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : 1));
        const page = all.slice(skip, skip + this.pageSize);
        return {
            events: page,
            nextToken: skip + page.length < all.length ? String(skip + page.length) : undefined,
            searchedLogStreams: args.streams.filter((n) => this.streams[`${args.group}/${n}`] !== undefined),
        };
    };

    /** The most calls of `api` that started within any 1000 ms. */
    peakPerSecond(api: Call["api"]): number {
        const times = this.calls.filter((c) => c.api === api).map((c) => c.at);
        let peak = 0;
        for (let i = 0, j = 0; i < times.length; i++) {
            while (times[i] - times[j] >= 1000) j++;
            peak = Math.max(peak, i - j + 1);
        }
        return peak;
    }

    private maybeThrottle(): void {
        const err = this.failNext.shift();
        if (err) throw err;
        if (this.throttleNext > 0) {
            this.throttleNext--;
            throw new ThrottlingException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } });
        }
    }
}
