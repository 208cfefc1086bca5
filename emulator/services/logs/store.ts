/**
 * CloudWatch Logs storage: groups, streams and their events.
 *
 * Events are kept column-wise per stream (two Float64Arrays for timestamp and
 * ingestion time, one array of message strings), sorted by timestamp, so a
 * million lines cost little more than the strings themselves and a time
 * window is found by binary search.
 */

/** Largest event CloudWatch accepts: 256 KiB including 26 bytes of overhead. */
export const MAX_EVENT_BYTES = 256 * 1024 - 26;

/** One stream's events, column-wise. */
export class LogStream {
    private timestamps = new Float64Array(256);
    private ingestionTimes = new Float64Array(256);
    /** Each event's sequence number in the stream (its `eventId` with the stream's number). */
    private sequences = new Float64Array(256);
    private nextSequence = 0;
    private messages: string[] = [];
    /** Number of events. */
    length = 0;
    /** Sum of message bytes (UTF-8) + 26 per event, as CloudWatch counts. */
    storedBytes = 0;
    lastIngestionTime: number | undefined;
    readonly arn: string;

    constructor(
        readonly name: string,
        readonly groupArnBase: string,
        readonly creationTime: number,
        /** The stream's number in its group (part of each event's `eventId`). */
        readonly number = 0,
    ) {
        this.arn = `${groupArnBase}:log-stream:${name}`;
    }

    /** Appends an event (kept in timestamp order; an older timestamp is inserted in place). */
    append(timestamp: number, message: string, ingestionTime: number): void {
        if (this.length === this.timestamps.length) this.grow();
        let at = this.length;
        if (at > 0 && timestamp < this.timestamps[at - 1]) {
            at = this.upperBound(timestamp);
            this.timestamps.copyWithin(at + 1, at, this.length);
            this.ingestionTimes.copyWithin(at + 1, at, this.length);
            this.sequences.copyWithin(at + 1, at, this.length);
            this.messages.splice(at, 0, message);
        } else {
            this.messages.push(message);
        }
        this.timestamps[at] = timestamp;
        this.ingestionTimes[at] = ingestionTime;
        this.sequences[at] = this.nextSequence++;
        this.length += 1;
        this.storedBytes += Buffer.byteLength(message) + 26;
        this.lastIngestionTime = ingestionTime;
    }

    timestamp(i: number): number {
        return this.timestamps[i];
    }
    ingestionTime(i: number): number {
        return this.ingestionTimes[i];
    }
    message(i: number): string {
        return this.messages[i];
    }
    /**
     * The event's id: 56 digits (AWS's shape), the same however and whenever it is read (an event
     * inserted before it, late, does not change it).
     */
    eventId(i: number): string {
        return `${String(this.number).padStart(8, "0")}${String(this.sequences[i]).padStart(48, "0")}`;
    }
    get firstEventTimestamp(): number | undefined {
        return this.length > 0 ? this.timestamps[0] : undefined;
    }
    get lastEventTimestamp(): number | undefined {
        return this.length > 0 ? this.timestamps[this.length - 1] : undefined;
    }

    /** First index whose timestamp is >= t. */
    lowerBound(t: number): number {
        let lo = 0;
        let hi = this.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (this.timestamps[mid] < t) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** First index whose timestamp is > t. */
    upperBound(t: number): number {
        let lo = 0;
        let hi = this.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (this.timestamps[mid] <= t) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private grow(): void {
        const size = this.timestamps.length * 2;
        const ts = new Float64Array(size);
        ts.set(this.timestamps);
        const ing = new Float64Array(size);
        ing.set(this.ingestionTimes);
        const seq = new Float64Array(size);
        seq.set(this.sequences);
        this.timestamps = ts;
        this.ingestionTimes = ing;
        this.sequences = seq;
    }
}

/** A log group. */
export class LogGroup {
    readonly streams = new Map<string, LogStream>();
    /** `arn:aws:logs:<region>:<account>:log-group:<name>` (the API's `logGroupArn`). */
    readonly arnBase: string;
    retentionInDays: number | undefined;
    /** Streams created so far (numbers each new stream). */
    private streamsCreated = 0;

    constructor(
        readonly name: string,
        region: string,
        accountId: string,
        readonly creationTime: number,
    ) {
        this.arnBase = `arn:aws:logs:${region}:${accountId}:log-group:${name}`;
    }

    /** Returns the stream, creating it when absent. */
    ensureStream(name: string, now: number): LogStream {
        let stream = this.streams.get(name);
        if (!stream) {
            stream = new LogStream(name, this.arnBase, now, this.streamsCreated++);
            this.streams.set(name, stream);
        }
        return stream;
    }

    get storedBytes(): number {
        let n = 0;
        for (const s of this.streams.values()) n += s.storedBytes;
        return n;
    }
}

/** All log groups of the emulated account and Region. */
export class LogStore {
    readonly groups = new Map<string, LogGroup>();

    constructor(
        readonly region: string,
        readonly accountId: string,
    ) {}

    getGroup(name: string): LogGroup | undefined {
        return this.groups.get(name);
    }

    /** Creates a group; returns undefined when it already exists. */
    createGroup(name: string, now = Date.now()): LogGroup | undefined {
        if (this.groups.has(name)) return undefined;
        const group = new LogGroup(name, this.region, this.accountId, now);
        this.groups.set(name, group);
        return group;
    }

    /** Returns the group, creating it when absent. */
    ensureGroup(name: string, now = Date.now()): LogGroup {
        return this.groups.get(name) ?? (this.createGroup(name, now) as LogGroup);
    }

    /** Resolves a group name or ARN (`logGroupIdentifier`). */
    resolveGroupName(nameOrArn: string): string {
        const m = /^arn:aws[a-z-]*:logs:[^:]*:[^:]*:log-group:([^:]+)(:\*)?$/.exec(nameOrArn);
        return m ? m[1] : nameOrArn;
    }
}

/** Splits a message that is too large for one event into pieces that fit. */
export function splitOversized(message: string): string[] {
    if (message.length * 3 <= MAX_EVENT_BYTES || Buffer.byteLength(message) <= MAX_EVENT_BYTES) return [message];
    const parts: string[] = [];
    let rest = message;
    while (rest.length > 0) {
        let n = Math.min(rest.length, MAX_EVENT_BYTES);
        while (Buffer.byteLength(rest.slice(0, n)) > MAX_EVENT_BYTES) n = Math.floor(n * 0.75);
        parts.push(rest.slice(0, n));
        rest = rest.slice(n);
    }
    return parts;
}
