/**
 * Thin CloudWatch Logs call (the SDK module is loaded inside the function: closure serialization).
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";

/** The arguments of {@link getLogEvents}. */
export interface GetLogEventsArgs {
    /** The log group name. */
    group: string;
    /** The log stream name (awslogs: `<prefix>/<container name>/<task id>`). */
    stream: string;
    /** The `nextForwardToken` of the previous page; none on the first read. */
    nextToken?: string;
    /** Always true: read forward (AWS requires it when `nextToken` is a forward token). */
    startFromHead: true;
    /** At most this many events (AWS's maximum and default: 10,000, or 1 MB). */
    limit?: number;
}

/** One page of {@link getLogEvents}. */
export interface LogEventsPage {
    events: { timestamp?: number; message?: string }[];
    /** At the end of the stream AWS returns the token that was sent. */
    nextForwardToken?: string;
}

/**
 * GetLogEvents: one page of a stream, forward. A stream that does not exist (yet) throws
 * `ResourceNotFoundException`, which the caller ({@link LogStreamer}) treats as "no lines yet".
 */
export async function getLogEvents(logs: CloudWatchLogsClient, args: GetLogEventsArgs): Promise<LogEventsPage> {
    const { GetLogEventsCommand } = require("@aws-sdk/client-cloudwatch-logs") as typeof import("@aws-sdk/client-cloudwatch-logs");
    const out = await logs.send(
        new GetLogEventsCommand({
            logGroupName: args.group,
            logStreamName: args.stream,
            startFromHead: true,
            ...(args.nextToken !== undefined ? { nextToken: args.nextToken } : {}),
            ...(args.limit !== undefined ? { limit: args.limit } : {}),
        }),
    );
    return {
        // The SDK's own event objects (they have `timestamp` and `message`): no copy of a 10,000-event page.
        events: out.events ?? [],
        nextForwardToken: out.nextForwardToken,
    };
}

/** The arguments of {@link filterLogEvents}. */
export interface FilterLogEventsArgs {
    /** The log group name. */
    group: string;
    /** Up to 100 stream names of the group. */
    streams: string[];
    /** Events with a timestamp at or after this (epoch ms). */
    startTime?: number;
    /** The `nextToken` of the previous page. */
    nextToken?: string;
}

/** One event of {@link filterLogEvents}. */
export interface FilteredLogEvent {
    logStreamName?: string;
    timestamp?: number;
    message?: string;
    /** Unique per event: the same event read twice has the same id. */
    eventId?: string;
}

/** One page of {@link filterLogEvents}: no `nextToken` when the search is complete. */
export interface FilteredLogEventsPage {
    events: FilteredLogEvent[];
    nextToken?: string;
    /** The streams the search found (streams not created yet are absent). */
    searchedLogStreams: string[];
}

/** At most this many `logStreamNames` in one FilterLogEvents call. */
export const FILTER_LOG_EVENTS_MAX_STREAMS = 100;

/**
 * FilterLogEvents: one page of events of up to 100 streams of one group, in timestamp order, each
 * with its stream name and `eventId`. A page can be empty while `nextToken` says more is searched.
 */
export async function filterLogEvents(logs: CloudWatchLogsClient, args: FilterLogEventsArgs): Promise<FilteredLogEventsPage> {
    const { FilterLogEventsCommand } = require("@aws-sdk/client-cloudwatch-logs") as typeof import("@aws-sdk/client-cloudwatch-logs");
    const out = await logs.send(
        new FilterLogEventsCommand({
            logGroupName: args.group,
            logStreamNames: args.streams,
            ...(args.startTime !== undefined ? { startTime: args.startTime } : {}),
            ...(args.nextToken !== undefined ? { nextToken: args.nextToken } : {}),
        }),
    );
    return {
        events: out.events ?? [],
        nextToken: out.nextToken,
        searchedLogStreams: (out.searchedLogStreams ?? []).map((s) => s.logStreamName ?? "").filter((s) => s !== ""),
    };
}
