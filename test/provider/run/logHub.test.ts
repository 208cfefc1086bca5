import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { AccessDeniedException } from "@aws-sdk/client-cloudwatch-logs";
import { HubLogReader, LogHub, type LogHubDeps } from "../../../provider/run/logHub";
import { FakeClock } from "../aws/fakeClock";
import { FakeLogs } from "./fakeLogs";

const G = "ecs-task-run";

function setup(extra: Partial<LogHubDeps> = {}) {
    const clock = new FakeClock(1_700_000_000_000);
    const logs = new FakeLogs(clock);
    const hub = new LogHub({ getLogEvents: logs.getLogEvents, filterLogEvents: logs.filterLogEvents, clock, ...extra });
    const relayed: Record<string, string[]> = {};
    const warnings: string[] = [];
    const open = (stream: string): HubLogReader =>
        new HubLogReader(hub, {
            region: "us-east-1",
            group: G,
            stream,
            clock,
            onLine: (l) => (relayed[stream] ??= []).push(l),
            onWarning: (w) => warnings.push(w),
        });
    return { clock, logs, hub, relayed, warnings, open };
}

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `p/main/t${String(i).padStart(3, "0")}`);

describe("LogHub (one budgeted log reader per process)", () => {
    it("reads the first streams by GetLogEvents and the others in FilterLogEvents batches of one group", async () => {
        const { clock, logs, open } = setup({ maxGetStreams: 2 });
        const streams = names(5);
        for (const s of streams) logs.put(G, s, `hello from ${s}`);
        const readers = streams.map(open);
        assert.deepEqual(
            readers.map((r) => r.mode()),
            ["get", "get", "filter", "filter", "filter"],
        );
        await clock.run(Promise.all(readers.map((r) => r.poll())));
        assert.deepEqual([...new Set(logs.calls.filter((c) => c.api === "GetLogEvents").map((c) => c.streams[0]))], streams.slice(0, 2));
        const filters = logs.calls.filter((c) => c.api === "FilterLogEvents");
        assert.equal(filters.length, 1);
        assert.deepEqual(filters[0].streams, streams.slice(2));
        assert.deepEqual(
            readers.map((r) => r.tail()),
            streams.map((s) => [`hello from ${s}`]),
        );
    });

    it("stays within the budget: 100 streams polling every second for a minute", async () => {
        const { clock, logs, open } = setup();
        const streams = names(100);
        const readers = streams.map(open);
        const end = clock.now() + 60_000;
        const follow = async (r: HubLogReader, s: string, i: number): Promise<void> => {
            for (let k = 0; clock.now() < end; k++) {
                logs.put(G, s, `${s} line ${k}`);
                await r.poll();
                await clock.sleep(1000 + i);
            }
        };
        await clock.run(Promise.all(readers.map((r, i) => follow(r, streams[i], i))));
        assert.ok(logs.peakPerSecond("GetLogEvents") <= 20, `GetLogEvents peak ${logs.peakPerSecond("GetLogEvents")}`);
        assert.ok(logs.peakPerSecond("FilterLogEvents") <= 4, `FilterLogEvents peak ${logs.peakPerSecond("FilterLogEvents")}`);
        assert.ok(logs.calls.length > 0);
        // Batched: the 90 filtered streams cost far fewer calls than one per stream per round.
        const filterCalls = logs.calls.filter((c) => c.api === "FilterLogEvents").length;
        assert.ok(filterCalls <= 4 * 61, `FilterLogEvents calls ${filterCalls}`);
    });

    it("keeps to a configured budget (2 GetLogEvents, 1 FilterLogEvents per second)", async () => {
        const { clock, logs, open } = setup({ getLogEventsPerSecond: 2, filterLogEventsPerSecond: 1 });
        const streams = names(6);
        const readers = streams.map(open);
        for (let round = 0; round < 10; round++) {
            for (const s of streams) logs.put(G, s, `r${round}`);
            await clock.run(Promise.all(readers.map((r) => r.poll())));
        }
        assert.ok(logs.peakPerSecond("GetLogEvents") <= 2);
        assert.ok(logs.peakPerSecond("FilterLogEvents") <= 1);
        for (const r of readers)
            assert.deepEqual(
                r.tail(),
                Array.from({ length: 10 }, (_, i) => `r${i}`),
            );
    });

    it("serves a stream that had new lines before a quiet one when the budget is short", async () => {
        const { clock, logs, open } = setup({ getLogEventsPerSecond: 1, maxGetStreams: 3 });
        const [quiet1, busy, quiet2] = names(3);
        const readers = [quiet1, busy, quiet2].map(open);
        logs.create(G, quiet1);
        logs.create(G, quiet2);
        logs.put(G, busy, "first");
        await clock.run(Promise.all(readers.map((r) => r.poll())));
        logs.calls.length = 0;
        logs.put(G, busy, "second");
        // The quiet streams ask first; the busy one (its last read brought a line) is read first all the same.
        await clock.run(Promise.all([readers[0].poll(), readers[2].poll(), readers[1].poll()]));
        const order = logs.calls.map((c) => c.streams[0]);
        assert.equal(order[0], busy);
        assert.ok(order.indexOf(quiet1) < order.indexOf(quiet2));
    });

    it("relays every line exactly once and in order per stream, across batches, pages and empty pages", async () => {
        const { clock, logs, open, relayed } = setup({ maxGetStreams: 3, batchSize: 7 });
        logs.pageSize = 5;
        logs.emptyFilterPages = 2;
        const streams = names(20);
        const readers = streams.map(open);
        const expected: Record<string, string[]> = {};
        for (let round = 0; round < 12; round++) {
            streams.forEach((s, i) => {
                for (let k = 0; k < (i % 4) + (round % 3); k++) {
                    const line = `${s} ${round}.${k}`;
                    logs.put(G, s, line, clock.now() - (k % 2)); // equal and slightly older stamps
                    (expected[s] ??= []).push(line);
                }
            });
            await clock.run(Promise.all(readers.map((r) => r.poll())));
            await clock.advance(700);
        }
        await clock.run(Promise.all(readers.map((r) => r.drain())));
        for (const s of streams) {
            const got = [...(relayed[s] ?? [])].sort();
            assert.deepEqual(got, [...expected[s]].sort(), s);
            assert.equal(new Set(relayed[s]).size, relayed[s]?.length ?? 0, `${s} has a duplicate`);
        }
        // In order per stream: each stream's lines come in the order of its events.
        for (const s of streams)
            assert.deepEqual(
                relayed[s],
                logs.streams[`${G}/${s}`].map((e) => e.message),
                s,
            );
    });

    it("relays a late event (an older timestamp, ingested after newer lines were read) once", async () => {
        const { clock, logs, open, relayed } = setup({ maxGetStreams: 0 });
        const [s] = names(1);
        const r = open(s);
        assert.equal(r.mode(), "filter");
        const t0 = clock.now();
        logs.put(G, s, "one", t0);
        logs.put(G, s, "three", t0 + 2000);
        await clock.run(r.poll());
        logs.put(G, s, "two (late)", t0 + 1000);
        logs.put(G, s, "four", t0 + 3000);
        await clock.advance(3000);
        await clock.run(r.poll());
        await clock.run(r.poll());
        assert.deepEqual(relayed[s], ["one", "three", "two (late)", "four"]);
        assert.deepEqual(r.tail(), ["one", "three", "two (late)", "four"]);
    });

    it("finds an event that arrives later than the short look-back of live reads at the next deep read (every 5 s), once", async () => {
        const { clock, logs, open, relayed } = setup({ maxGetStreams: 0 });
        const [s] = names(1);
        const r = open(s);
        const t0 = clock.now();
        logs.put(G, s, "one", t0);
        logs.put(G, s, "five", t0 + 5000);
        await clock.run(r.poll());
        await clock.advance(1000);
        logs.put(G, s, "two (4 s late)", t0 + 1000);
        await clock.run(r.poll()); // live: looks back 2 s only
        assert.deepEqual(relayed[s], ["one", "five"]);
        await clock.advance(5000);
        await clock.run(r.poll()); // deep: the whole window
        await clock.run(r.poll());
        assert.deepEqual(relayed[s], ["one", "five", "two (4 s late)"]);
    });

    it("a live read of a stream takes one page when it is not full; a drain reads to the end", async () => {
        const { clock, logs, open, relayed } = setup({ maxGetStreams: 1 });
        const [s] = names(1);
        const r = open(s);
        logs.put(G, s, "a");
        await clock.run(r.poll());
        assert.equal(logs.calls.length, 1, "one GetLogEvents: the page was not full");
        logs.put(G, s, "b");
        const stoppedAt = clock.now();
        await clock.advance(2000);
        await clock.run(r.drain({ since: stoppedAt }));
        assert.deepEqual(relayed[s], ["a", "b"]);
        assert.equal(logs.calls.length, 3, "the drain read on until GetLogEvents answered the token it was sent");
    });

    it("halves the rate on ThrottlingException and raises it back after the hold", async () => {
        const { clock, logs, open, hub } = setup({ maxGetStreams: 1 });
        const [s] = names(1);
        logs.put(G, s, "x");
        const r = open(s);
        logs.throttleNext = 1;
        await clock.run(r.poll());
        assert.equal(hub.throttledCalls, 1);
        assert.equal(hub.getBudget.currentRate(), 10);
        assert.deepEqual(r.tail(), ["x"], "the throttled read was retried");
        await clock.advance(11_000);
        for (let i = 0; i < 10; i++) await clock.run(r.poll());
        assert.equal(hub.getBudget.currentRate(), 20);
    });

    it("drains until nothing was ingested for the quiet time since the stop, then forgets the stream", async () => {
        const { clock, logs, open, hub, relayed } = setup({ maxGetStreams: 0 });
        const [s] = names(1);
        const r = open(s);
        const stoppedAt = clock.now();
        logs.put(G, s, "written before the stop");
        await clock.advance(1500);
        // Read only now, but ingested before the stop: no second of waiting more.
        const started = clock.now();
        await clock.run(r.drain({ since: stoppedAt }));
        assert.equal(clock.now() - started, 0, "one read, complete, found nothing more to wait for");
        assert.deepEqual(relayed[s], ["written before the stop"]);
        assert.equal(hub.openStreams(), 0);
    });

    it("drain waits for a line that arrives after the stop", async () => {
        const { clock, logs, open, relayed } = setup({ maxGetStreams: 0 });
        const [s] = names(1);
        const r = open(s);
        logs.create(G, s);
        const stoppedAt = clock.now();
        void clock.sleep(600).then(() => logs.put(G, s, "late line"));
        await clock.run(r.drain({ since: stoppedAt }));
        assert.deepEqual(relayed[s], ["late line"]);
    });

    it("keeps two budget intervals between live batches, and a draining stream's read does not wait for that gap", async () => {
        const { clock, logs, open, relayed } = setup({ maxGetStreams: 0 });
        const [a, b] = names(2);
        logs.put(G, a, "a1");
        logs.put(G, b, "b1");
        const [ra, rb] = [a, b].map(open);
        const t0 = clock.now();
        await clock.run(Promise.all([ra.poll(), rb.poll()]));
        // Live reads only: the next batch comes two intervals (2 x 312.5 ms) after the last.
        logs.put(G, a, "a2");
        await clock.run(ra.poll());
        assert.deepEqual(
            logs.calls.map((c) => c.at - t0),
            [0, 625],
        );
        // A live read is waiting for the gap when a stopped task's stream asks: both go at the
        // budget's next slot (one interval), in one batch.
        logs.put(G, a, "a3");
        logs.put(G, b, "b2");
        const live = ra.poll();
        await clock.advance(10);
        const drained = rb.drain({ since: clock.now() - 5000 });
        await clock.run(Promise.all([live, drained]));
        const last = logs.calls[2];
        assert.equal(last.at - t0, 625 + 312.5);
        assert.deepEqual([...last.streams].sort(), [a, b]);
        assert.deepEqual(relayed[a], ["a1", "a2", "a3"]);
        assert.deepEqual(relayed[b], ["b1", "b2"]);
    });

    it("a draining stream whose live read was in flight is read at the next slot, not after the live gap", async () => {
        const { clock, logs, open, relayed } = setup({ maxGetStreams: 0 });
        logs.latencyMs = 100;
        const [a, b, c] = names(3);
        for (const s of [a, b, c]) logs.put(G, s, `${s} 1`);
        const [ra, rb, rc] = [a, b, c].map(open);
        const t0 = clock.now();
        await clock.run(Promise.all([ra.poll(), rb.poll(), rc.poll()])); // batch at 0, answered at 100
        const liveAB = Promise.all([ra.poll(), rb.poll()]); // the next live batch: at 625 (the gap), answered at 725
        await clock.advance(650 - (clock.now() - t0));
        assert.deepEqual(
            logs.calls.map((call) => call.at - t0),
            [0, 625],
        );
        logs.put(G, b, `${b} 2`);
        const liveC = rc.poll(); // live: waits for the gap after 625, until 1250
        await clock.advance(10);
        const drained = rb.drain({ since: clock.now() - 5000 }); // b's read is in flight until 725
        await clock.run(Promise.all([liveAB, liveC, drained]));
        const third = logs.calls[2];
        assert.equal(third.at - t0, 625 + 312.5, "the budget's next slot after 625");
        assert.deepEqual([...third.streams].sort(), [b, c]);
        assert.deepEqual(relayed[b], [`${b} 1`, `${b} 2`]);
    });

    it("a live read given up while it waits for its turn resolves at once and sends nothing; one in flight is answered", async () => {
        const { clock, logs, open, relayed } = setup({ maxGetStreams: 0 });
        logs.latencyMs = 100;
        const [a, b] = names(2);
        logs.put(G, a, "a1");
        const [ra, rb] = [a, b].map(open);
        const t0 = clock.now();
        await clock.run(ra.poll()); // a batch at 0: the next live batch waits for the gap (625)
        logs.put(G, a, "a2");
        const stop = new AbortController();
        let given = false;
        const waiting = ra.poll(stop.signal).then(() => (given = true));
        await clock.advance(200);
        assert.equal(given, false);
        stop.abort(); // the task stopped: the run reads on with its drain
        await clock.advance(0);
        assert.equal(given, true);
        await waiting;
        await clock.advance(2000);
        assert.equal(logs.calls.length, 1, "the given-up read was never sent");
        assert.deepEqual(relayed[a], ["a1"]);
        // A read already sent is answered when it ends, whatever the signal says.
        const late = new AbortController();
        const inFlight = rb.poll(late.signal);
        const sent = logs.calls.length;
        await clock.advance(50);
        assert.equal(logs.calls.length, sent + 1);
        late.abort();
        await clock.run(Promise.all([inFlight, ra.drain({ since: clock.now() - 5000 })]));
        assert.deepEqual(relayed[a], ["a1", "a2"]);
        assert.deepEqual(
            logs.calls.map((c) => c.at - t0),
            [0, 2300, 2300 + 312.5], // b alone when asked; then the drain of a at the next slot
        );
    });

    it("reads answered under one signal leave no listener on it (a run polls with one signal for its whole life)", async () => {
        const { clock, logs, open } = setup({ maxGetStreams: 0 });
        const [a] = names(1);
        const r = open(a);
        const live = new AbortController();
        for (let i = 0; i < 20; i++) {
            logs.put(G, a, `line ${i}`);
            await clock.run(r.poll(live.signal));
        }
        assert.equal(getEventListeners(live.signal, "abort").length, 0);
    });

    it("stops reading a stream it may not read, with one warning", async () => {
        const { clock, logs, open, warnings } = setup({ maxGetStreams: 1 });
        const [s] = names(1);
        logs.put(G, s, "x");
        const r = open(s);
        logs.failNext.push(new AccessDeniedException({ message: "not allowed", $metadata: { httpStatusCode: 400 } }));
        await clock.run(r.poll());
        await clock.run(r.poll());
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /Log lines will not be streamed/);
    });
});
