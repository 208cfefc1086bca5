import assert from "node:assert/strict";
import {
    CreateLogGroupCommand,
    CreateLogStreamCommand,
    DescribeLogGroupsCommand,
    DescribeLogStreamsCommand,
    FilterLogEventsCommand,
    GetLogEventsCommand,
    PutLogEventsCommand,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    InvalidParameterException,
} from "@aws-sdk/client-cloudwatch-logs";
import { startEmulator, type Emulator } from "../../emulator";
import { clientsFor, destroyClients, errorOf, type Clients } from "./helpers";

describe("emulator: CloudWatch Logs", () => {
    let emulator: Emulator;
    let c: Clients;
    const base = Date.now() - 60_000;

    before(async () => {
        emulator = await startEmulator();
        c = clientsFor(emulator);
        await c.logs.send(new CreateLogGroupCommand({ logGroupName: "/paging" }));
        await c.logs.send(new CreateLogStreamCommand({ logGroupName: "/paging", logStreamName: "s" }));
        // 25,000 events, timestamps base + i.
        for (let start = 0; start < 25_000; start += 10_000) {
            const n = Math.min(10_000, 25_000 - start);
            await c.logs.send(
                new PutLogEventsCommand({
                    logGroupName: "/paging",
                    logStreamName: "s",
                    logEvents: Array.from({ length: n }, (_, i) => ({ timestamp: base + start + i, message: `line ${start + i}` })),
                }),
            );
        }
    });
    after(async () => {
        destroyClients(c);
        await emulator.close();
    });

    it("CreateLogGroup / CreateLogStream answer ResourceAlreadyExistsException and ResourceNotFoundException", async () => {
        const dup = await errorOf(c.logs.send(new CreateLogGroupCommand({ logGroupName: "/paging" })));
        assert.ok(dup instanceof ResourceAlreadyExistsException, dup.name);
        const dupStream = await errorOf(c.logs.send(new CreateLogStreamCommand({ logGroupName: "/paging", logStreamName: "s" })));
        assert.ok(dupStream instanceof ResourceAlreadyExistsException);
        const noGroup = await errorOf(c.logs.send(new CreateLogStreamCommand({ logGroupName: "/none", logStreamName: "s" })));
        assert.ok(noGroup instanceof ResourceNotFoundException, noGroup.name);
        const noStream = await errorOf(c.logs.send(new GetLogEventsCommand({ logGroupName: "/paging", logStreamName: "zzz" })));
        assert.ok(noStream instanceof ResourceNotFoundException);
        assert.equal(noStream.message, "The specified log stream does not exist.");
    });

    it("GetLogEvents pages forward 10,000 events at a time and returns the same token at the end", async () => {
        const seen: string[] = [];
        let token: string | undefined;
        let calls = 0;
        for (;;) {
            const out = await c.logs.send(
                new GetLogEventsCommand({ logGroupName: "/paging", logStreamName: "s", startFromHead: true, nextToken: token }),
            );
            calls += 1;
            assert.ok((out.events?.length ?? 0) <= 10_000);
            for (const e of out.events ?? []) seen.push(e.message!);
            if (out.nextForwardToken === token) break;
            assert.match(out.nextForwardToken!, /^f\/\d+$/);
            assert.match(out.nextBackwardToken!, /^b\/\d+$/);
            token = out.nextForwardToken;
        }
        assert.equal(seen.length, 25_000);
        assert.equal(seen[0], "line 0");
        assert.equal(seen[24_999], "line 24999");
        assert.equal(calls, 4, "3 full pages + 1 empty page at the end");
    });

    it("without a token and startFromHead, returns the latest events; backward tokens go back", async () => {
        const latest = await c.logs.send(new GetLogEventsCommand({ logGroupName: "/paging", logStreamName: "s", limit: 5 }));
        assert.deepEqual(
            latest.events?.map((e) => e.message),
            ["line 24995", "line 24996", "line 24997", "line 24998", "line 24999"],
        );
        const back = await c.logs.send(
            new GetLogEventsCommand({ logGroupName: "/paging", logStreamName: "s", limit: 2, nextToken: latest.nextBackwardToken }),
        );
        assert.deepEqual(
            back.events?.map((e) => e.message),
            ["line 24993", "line 24994"],
        );
    });

    it("honours limit, startTime and endTime", async () => {
        const out = await c.logs.send(
            new GetLogEventsCommand({
                logGroupName: "/paging",
                logStreamName: "s",
                startFromHead: true,
                startTime: base + 100,
                endTime: base + 103,
            }),
        );
        assert.deepEqual(
            out.events?.map((e) => e.message),
            ["line 100", "line 101", "line 102"],
        );
        const limited = await c.logs.send(
            new GetLogEventsCommand({ logGroupName: "/paging", logStreamName: "s", startFromHead: true, limit: 3 }),
        );
        assert.equal(limited.events?.length, 3);
        const bad = await errorOf(c.logs.send(new GetLogEventsCommand({ logGroupName: "/paging", logStreamName: "s", limit: 10_001 })));
        assert.ok(bad instanceof InvalidParameterException);
    });

    it("FilterLogEvents interleaves streams by time and pages with nextToken", async () => {
        await c.logs.send(new CreateLogGroupCommand({ logGroupName: "/filter" }));
        for (const s of ["a", "b"]) {
            await c.logs.send(new CreateLogStreamCommand({ logGroupName: "/filter", logStreamName: s }));
            await c.logs.send(
                new PutLogEventsCommand({
                    logGroupName: "/filter",
                    logStreamName: s,
                    logEvents: [0, 2, 4].map((i) => ({ timestamp: base + i + (s === "b" ? 1 : 0), message: `${s}${i}` })),
                }),
            );
        }
        const all = await c.logs.send(new FilterLogEventsCommand({ logGroupName: "/filter" }));
        assert.deepEqual(
            all.events?.map((e) => e.message),
            ["a0", "b0", "a2", "b2", "a4", "b4"],
        );
        const onlyB = await c.logs.send(
            new FilterLogEventsCommand({ logGroupName: "/filter", logStreamNames: ["b"], startTime: base + 2 }),
        );
        assert.deepEqual(
            onlyB.events?.map((e) => e.message),
            ["b2", "b4"],
        );
        const page1 = await c.logs.send(new FilterLogEventsCommand({ logGroupName: "/filter", limit: 4 }));
        assert.equal(page1.events?.length, 4);
        assert.ok(page1.nextToken);
        const page2 = await c.logs.send(new FilterLogEventsCommand({ logGroupName: "/filter", limit: 4, nextToken: page1.nextToken }));
        assert.deepEqual(
            page2.events?.map((e) => e.message),
            ["a4", "b4"],
        );
        assert.equal(page2.nextToken, undefined);
        const matching = await c.logs.send(new FilterLogEventsCommand({ logGroupName: "/filter", filterPattern: "a" }));
        assert.deepEqual(
            matching.events?.map((e) => e.message),
            ["a0", "a2", "a4"],
        );
    });

    it("FilterLogEvents: an event keeps its eventId whatever is asked and when a late event is inserted before it", async () => {
        const ids = async (names?: string[]): Promise<Record<string, string>> => {
            const out = await c.logs.send(
                new FilterLogEventsCommand({ logGroupName: "/filter", ...(names ? { logStreamNames: names } : {}) }),
            );
            return Object.fromEntries((out.events ?? []).map((e) => [e.message ?? "", e.eventId ?? ""]));
        };
        const before = await ids();
        assert.equal(new Set(Object.values(before)).size, 6, "ids are unique");
        for (const id of Object.values(before)) assert.match(id, /^\d{56}$/);
        assert.deepEqual(await ids(["b"]), { b0: before.b0, b2: before.b2, b4: before.b4 });
        await c.logs.send(
            new PutLogEventsCommand({
                logGroupName: "/filter",
                logStreamName: "a",
                logEvents: [{ timestamp: base + 1, message: "a1 (late)" }],
            }),
        );
        const after = await ids();
        for (const [message, id] of Object.entries(before)) assert.equal(after[message], id, message);
        assert.ok(!Object.values(before).includes(after["a1 (late)"]));
    });

    it("FilterLogEvents takes at most 100 logStreamNames", async () => {
        const names = Array.from({ length: 101 }, (_, i) => `s${i}`);
        const err = await errorOf(c.logs.send(new FilterLogEventsCommand({ logGroupName: "/filter", logStreamNames: names })));
        assert.ok(err instanceof InvalidParameterException, err.name);
        const ok = await c.logs.send(
            new FilterLogEventsCommand({ logGroupName: "/filter", logStreamNames: names.slice(0, 99).concat("a") }),
        );
        assert.ok((ok.events ?? []).every((e) => e.logStreamName === "a"));
    });

    it("FilterLogEvents answers empty pages with a nextToken when the fault asks, then goes on from the same place", async () => {
        emulator.setFaults({ filterEmptyPages: 2 });
        try {
            const first = await c.logs.send(
                new FilterLogEventsCommand({ logGroupName: "/filter", logStreamNames: ["b"], startTime: base + 2 }),
            );
            assert.deepEqual(first.events, []);
            assert.ok(first.nextToken);
            const second = await c.logs.send(
                new FilterLogEventsCommand({
                    logGroupName: "/filter",
                    logStreamNames: ["b"],
                    startTime: base + 2,
                    nextToken: first.nextToken,
                }),
            );
            assert.deepEqual(second.events, []);
            const third = await c.logs.send(
                new FilterLogEventsCommand({
                    logGroupName: "/filter",
                    logStreamNames: ["b"],
                    startTime: base + 2,
                    nextToken: second.nextToken,
                }),
            );
            assert.deepEqual(
                third.events?.map((e) => e.message),
                ["b2", "b4"],
            );
            assert.equal(third.nextToken, undefined);
        } finally {
            emulator.resetFaults();
        }
    });

    it("logQuotas: AWS's 25 GetLogEvents and 5 FilterLogEvents per second; calls beyond a bucket are throttled", async () => {
        emulator.setFaults({ logQuotas: true });
        assert.deepEqual(emulator.getFaults().logQuotas, {
            enabled: true,
            buckets: { GetLogEvents: { capacity: 25, refillPerSecond: 25 }, FilterLogEvents: { capacity: 5, refillPerSecond: 5 } },
        });
        // No refill, so that the count does not depend on how fast this machine sends.
        emulator.setFaults({
            logQuotas: {
                enabled: true,
                buckets: { GetLogEvents: { capacity: 25, refillPerSecond: 0 }, FilterLogEvents: { capacity: 5, refillPerSecond: 0 } },
            },
        });
        try {
            const filter = await Promise.allSettled(
                Array.from({ length: 8 }, () =>
                    c.logs.send(new FilterLogEventsCommand({ logGroupName: "/filter", logStreamNames: ["a"] })),
                ),
            );
            const get = await Promise.allSettled(
                Array.from({ length: 30 }, () =>
                    c.logs.send(new GetLogEventsCommand({ logGroupName: "/filter", logStreamName: "a", startFromHead: true })),
                ),
            );
            const throttled = (r: PromiseSettledResult<unknown>[]): number =>
                r.filter((x) => x.status === "rejected" && (x.reason as Error).name === "ThrottlingException").length;
            assert.equal(throttled(filter), 3, "FilterLogEvents beyond 5");
            assert.equal(throttled(get), 5, "GetLogEvents beyond 25");
        } finally {
            emulator.resetFaults();
        }
    });

    it("DescribeLogStreams and DescribeLogGroups", async () => {
        const streams = await c.logs.send(new DescribeLogStreamsCommand({ logGroupName: "/filter" }));
        assert.deepEqual(
            streams.logStreams?.map((s) => s.logStreamName),
            ["a", "b"],
        );
        assert.equal(streams.logStreams?.[0].lastEventTimestamp, base + 4);
        const prefixed = await c.logs.send(new DescribeLogStreamsCommand({ logGroupName: "/filter", logStreamNamePrefix: "b" }));
        assert.deepEqual(
            prefixed.logStreams?.map((s) => s.logStreamName),
            ["b"],
        );
        const groups = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/f" }));
        assert.deepEqual(
            groups.logGroups?.map((g) => g.logGroupName),
            ["/filter"],
        );
    });
});
