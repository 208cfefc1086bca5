/**
 * CloudWatch Logs operations (JSON 1.1, `X-Amz-Target: Logs_20140328.<Op>`).
 */
import type { EmulatorContext, JsonHandler } from "../../context";
import { invalidParameter, resourceAlreadyExists, resourceNotFound } from "../../errors";
import type { Input } from "../../protocol/input";
import { splitOversized, type LogGroup, type LogStream } from "./store";

/** GetLogEvents answers at most this many events... */
export const MAX_EVENTS_PER_CALL = 10_000;
/** ...and at most this many bytes (message bytes + 26 per event). */
export const MAX_BYTES_PER_CALL = 1_048_576;

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;

function groupNameOf(input: Input, ctx: EmulatorContext): string {
    const id = input.optString("logGroupIdentifier");
    if (id !== undefined && id !== "") return ctx.logs.resolveGroupName(id);
    return input.string("logGroupName", () =>
        invalidParameter("1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"),
    );
}

function requireGroup(ctx: EmulatorContext, name: string): LogGroup {
    const group = ctx.logs.getGroup(name);
    if (!group) throw resourceNotFound("The specified log group does not exist.");
    return group;
}

function requireStream(group: LogGroup, name: string): LogStream {
    const stream = group.streams.get(name);
    if (!stream) throw resourceNotFound("The specified log stream does not exist.");
    return stream;
}

function limitOf(input: Input, max: number, dflt: number): number {
    const limit = input.optNumber("limit") ?? dflt;
    if (!Number.isInteger(limit) || limit < 1 || limit > max) {
        throw invalidParameter(
            `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`,
        );
    }
    return limit;
}

/** `f/<56 digits>` / `b/<56 digits>`, the shape of AWS's tokens. */
function token(direction: "f" | "b", index: number): string {
    return `${direction}/${String(index).padStart(56, "0")}`;
}

function parseToken(text: string): { direction: "f" | "b"; index: number } {
    const m = /^([fb])\/(\d{1,60})$/.exec(text);
    if (!m) throw invalidParameter("The specified nextToken is invalid.");
    return { direction: m[1] as "f" | "b", index: Number(m[2]) };
}

const eventBytes = (message: string): number => Buffer.byteLength(message) + 26;

const createLogGroup: JsonHandler = (input, ctx) => {
    const name = input.string("logGroupName", () => invalidParameter("logGroupName must not be null"));
    if (!GROUP_NAME.test(name))
        throw invalidParameter(
            `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
        );
    if (!ctx.logs.createGroup(name)) throw resourceAlreadyExists("The specified log group already exists");
    return {};
};

const deleteLogGroup: JsonHandler = (input, ctx) => {
    const name = groupNameOf(input, ctx);
    requireGroup(ctx, name);
    ctx.logs.groups.delete(name);
    return {};
};

const createLogStream: JsonHandler = (input, ctx) => {
    const group = requireGroup(ctx, groupNameOf(input, ctx));
    const name = input.string("logStreamName", () => invalidParameter("logStreamName must not be null"));
    if (!STREAM_NAME.test(name))
        throw invalidParameter(
            `1 validation error detected: Value '${name}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
        );
    if (group.streams.has(name)) throw resourceAlreadyExists("The specified log stream already exists");
    group.ensureStream(name, Date.now());
    return {};
};

const deleteLogStream: JsonHandler = (input, ctx) => {
    const group = requireGroup(ctx, groupNameOf(input, ctx));
    const name = input.string("logStreamName", () => invalidParameter("logStreamName must not be null"));
    requireStream(group, name);
    group.streams.delete(name);
    return {};
};

function pageToken(text: string | undefined, prefix: string): number {
    if (text === undefined) return 0;
    const m = new RegExp(`^${prefix}/(\\d+)$`).exec(text);
    if (!m) throw invalidParameter("The specified nextToken is invalid.");
    return Number(m[1]);
}

const describeLogGroups: JsonHandler = (input, ctx) => {
    const prefix = input.optString("logGroupNamePrefix") ?? "";
    const limit = limitOf(input, 50, 50);
    const start = pageToken(input.optString("nextToken"), "lg");
    const all = [...ctx.logs.groups.values()].filter((g) => g.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = all.slice(start, start + limit);
    return {
        logGroups: page.map((g) => ({
            logGroupName: g.name,
            creationTime: g.creationTime,
            retentionInDays: g.retentionInDays,
            metricFilterCount: 0,
            arn: `${g.arnBase}:*`,
            logGroupArn: g.arnBase,
            storedBytes: g.storedBytes,
            logGroupClass: "STANDARD",
        })),
        nextToken: start + limit < all.length ? `lg/${start + limit}` : undefined,
    };
};

const describeLogStreams: JsonHandler = (input, ctx) => {
    const group = requireGroup(ctx, groupNameOf(input, ctx));
    const prefix = input.optString("logStreamNamePrefix");
    const orderBy = input.optString("orderBy") ?? "LogStreamName";
    if (orderBy !== "LogStreamName" && orderBy !== "LastEventTime") throw invalidParameter(`Invalid orderBy: ${orderBy}`);
    if (prefix !== undefined && orderBy === "LastEventTime")
        throw invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
    const descending = input.optBoolean("descending") ?? false;
    const limit = limitOf(input, 50, 50);
    const start = pageToken(input.optString("nextToken"), "ls");
    const all = [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));
    all.sort((a, b) =>
        orderBy === "LogStreamName"
            ? a.name < b.name
                ? -1
                : a.name > b.name
                  ? 1
                  : 0
            : (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0),
    );
    if (descending) all.reverse();
    const page = all.slice(start, start + limit);
    return {
        logStreams: page.map((s) => ({
            logStreamName: s.name,
            creationTime: s.creationTime,
            firstEventTimestamp: s.firstEventTimestamp,
            lastEventTimestamp: s.lastEventTimestamp,
            lastIngestionTime: s.lastIngestionTime,
            arn: s.arn,
            storedBytes: s.storedBytes,
        })),
        nextToken: start + limit < all.length ? `ls/${start + limit}` : undefined,
    };
};

const putLogEvents: JsonHandler = (input, ctx) => {
    const group = requireGroup(ctx, groupNameOf(input, ctx));
    const stream = requireStream(
        group,
        input.string("logStreamName", () => invalidParameter("logStreamName must not be null")),
    );
    const events = input.optObjectList("logEvents") ?? [];
    if (events.length === 0 || events.length > 10_000) throw invalidParameter("logEvents must hold 1 to 10000 events");
    const now = Date.now();
    const parsed = events.map((e) => ({
        timestamp: e.optNumber("timestamp") ?? now,
        message: e.string("message", () => invalidParameter("message must not be empty")),
    }));
    parsed.sort((a, b) => a.timestamp - b.timestamp);
    for (const e of parsed) for (const part of splitOversized(e.message)) stream.append(e.timestamp, part, now);
    return {};
};

/**
 * GetLogEvents with AWS's paging: a forward token `f/N` reads from index N, a
 * backward token `b/N` reads the events before N. At the end of the stream the
 * same `nextForwardToken` that was sent comes back. Without a token,
 * `startFromHead: true` reads from the start, otherwise the latest events.
 */
const getLogEvents: JsonHandler = (input, ctx) => {
    const group = requireGroup(ctx, groupNameOf(input, ctx));
    const stream = requireStream(
        group,
        input.string("logStreamName", () => invalidParameter("logStreamName must not be null")),
    );
    const limit = limitOf(input, MAX_EVENTS_PER_CALL, MAX_EVENTS_PER_CALL);
    const startTime = input.optNumber("startTime");
    const endTime = input.optNumber("endTime");
    const lo = startTime !== undefined ? stream.lowerBound(startTime) : 0;
    const hi = Math.max(lo, endTime !== undefined ? stream.lowerBound(endTime) : stream.length);
    const sent = input.optString("nextToken");
    const parsed = sent !== undefined ? parseToken(sent) : undefined;
    const forward = parsed ? parsed.direction === "f" : input.optBoolean("startFromHead") === true;
    let s: number;
    let e: number;
    if (forward) {
        s = Math.min(Math.max(parsed ? parsed.index : lo, lo), hi);
        e = s;
        let bytes = 0;
        while (e < hi && e - s < limit) {
            const b = eventBytes(stream.message(e));
            if (e > s && bytes + b > MAX_BYTES_PER_CALL) break;
            bytes += b;
            e += 1;
        }
    } else {
        e = Math.min(Math.max(parsed ? parsed.index : hi, lo), hi);
        s = e;
        let bytes = 0;
        while (s > lo && e - s < limit) {
            const b = eventBytes(stream.message(s - 1));
            if (s < e && bytes + b > MAX_BYTES_PER_CALL) break;
            bytes += b;
            s -= 1;
        }
    }
    const events = new Array<{ timestamp: number; message: string; ingestionTime: number }>(e - s);
    for (let i = s; i < e; i += 1) {
        events[i - s] = { timestamp: stream.timestamp(i), message: stream.message(i), ingestionTime: stream.ingestionTime(i) };
    }
    const empty = e === s;
    return {
        events,
        nextForwardToken: empty && parsed?.direction === "f" && sent !== undefined ? sent : token("f", e),
        nextBackwardToken: empty && parsed?.direction === "b" && sent !== undefined ? sent : token("b", s),
    };
};

/** FilterLogEvents takes at most this many `logStreamNames`. */
export const MAX_FILTER_STREAM_NAMES = 100;

/** A very small filter-pattern matcher: space-separated terms (quoted phrases allowed), all must appear; `-term` excludes. */
function compilePattern(pattern: string | undefined): (message: string) => boolean {
    if (pattern === undefined || pattern.trim() === "") return () => true;
    if (/^\s*[{[]/.test(pattern)) throw invalidParameter("The emulator supports only plain-term filter patterns.");
    const terms = [...pattern.matchAll(/(-?)"([^"]*)"|(-?)(\S+)/g)].map((m) =>
        m[2] !== undefined ? { exclude: m[1] === "-", text: m[2] } : { exclude: m[3] === "-", text: m[4] },
    );
    return (message) => terms.every((t) => message.includes(t.text) !== t.exclude);
}

const filterLogEvents: JsonHandler = (input, ctx) => {
    const group = requireGroup(ctx, groupNameOf(input, ctx));
    const names = input.optStringList("logStreamNames");
    const prefix = input.optString("logStreamNamePrefix");
    if (names !== undefined && prefix !== undefined)
        throw invalidParameter("You cannot specify both logStreamNames and logStreamNamePrefix.");
    if (names !== undefined && (names.length < 1 || names.length > MAX_FILTER_STREAM_NAMES)) {
        throw invalidParameter(
            `1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to ${MAX_FILTER_STREAM_NAMES}`,
        );
    }
    const limit = limitOf(input, MAX_EVENTS_PER_CALL, MAX_EVENTS_PER_CALL);
    const startTime = input.optNumber("startTime");
    const endTime = input.optNumber("endTime");
    const matches = compilePattern(input.optString("filterPattern"));
    const streams = [...group.streams.values()]
        .filter((s) => (names === undefined || names.includes(s.name)) && (prefix === undefined || s.name.startsWith(prefix)))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
    const sent = input.optString("nextToken");
    if (ctx.faults.takeFilterEmptyPage()) {
        // As AWS does while it searches: nothing on this page, a token to go on from the same place.
        return { events: [], searchedLogStreams: [], nextToken: sent ?? Buffer.from(JSON.stringify({})).toString("base64url") };
    }
    let cursors: Record<string, number> = {};
    if (sent !== undefined) {
        try {
            cursors = JSON.parse(Buffer.from(sent, "base64url").toString("utf8")) as Record<string, number>;
        } catch {
            throw invalidParameter("The specified nextToken is invalid.");
        }
    }
    const pos = streams.map((s) => cursors[s.name] ?? (startTime !== undefined ? s.lowerBound(startTime) : 0));
    const ends = streams.map((s) => (endTime !== undefined ? s.lowerBound(endTime) : s.length));
    const events: Array<{ logStreamName: string; timestamp: number; message: string; ingestionTime: number; eventId: string }> = [];
    let bytes = 0;
    for (;;) {
        let pick = -1;
        for (let k = 0; k < streams.length; k += 1) {
            if (pos[k] < ends[k] && (pick < 0 || streams[k].timestamp(pos[k]) < streams[pick].timestamp(pos[pick]))) pick = k;
        }
        if (pick < 0 || events.length >= limit) break;
        const s = streams[pick];
        const i = pos[pick];
        const message = s.message(i);
        if (matches(message)) {
            const b = eventBytes(message);
            if (events.length > 0 && bytes + b > MAX_BYTES_PER_CALL) break;
            bytes += b;
            events.push({
                logStreamName: s.name,
                timestamp: s.timestamp(i),
                message,
                ingestionTime: s.ingestionTime(i),
                eventId: s.eventId(i),
            });
        }
        pos[pick] = i + 1;
    }
    const more = streams.some((_, k) => pos[k] < ends[k]);
    const next: Record<string, number> = {};
    streams.forEach((s, k) => (next[s.name] = pos[k]));
    return {
        events,
        searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
        nextToken: more ? Buffer.from(JSON.stringify(next)).toString("base64url") : undefined,
    };
};

const putRetentionPolicy: JsonHandler = (input, ctx) => {
    const group = requireGroup(ctx, groupNameOf(input, ctx));
    group.retentionInDays = input.optNumber("retentionInDays");
    return {};
};

/** CloudWatch Logs operations by name. */
export const logsOperations: Readonly<Record<string, JsonHandler>> = {
    CreateLogGroup: createLogGroup,
    DeleteLogGroup: deleteLogGroup,
    DescribeLogGroups: describeLogGroups,
    CreateLogStream: createLogStream,
    DeleteLogStream: deleteLogStream,
    DescribeLogStreams: describeLogStreams,
    PutLogEvents: putLogEvents,
    GetLogEvents: getLogEvents,
    FilterLogEvents: filterLogEvents,
    PutRetentionPolicy: putRetentionPolicy,
};
