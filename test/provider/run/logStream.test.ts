import assert from "node:assert/strict";
import { AccessDeniedException, ResourceNotFoundException, ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import { LogStreamer, type LogPage } from "../../../provider/run/logStream";
import { FakeClock } from "../aws/fakeClock";

const meta = { $metadata: { httpStatusCode: 400 } };

interface Args {
    group: string;
    stream: string;
    nextToken?: string;
    startFromHead: true;
}

/** A stream read like GetLogEvents: forward tokens `f/<index>`, the sent token again at the end. */
class FakeStream {
    lines: string[] = [];
    exists = true;
    pageSize = 2;
    sent: Args[] = [];
    fail: unknown[] = [];
    /** Called before each read (to make lines arrive). */
    beforeRead: (() => void) | undefined;

    getLogEvents = async (args: Args): Promise<LogPage> => {
        this.sent.push(args);
        this.beforeRead?.();
        const err = this.fail.shift();
        if (err) throw err;
        if (!this.exists) throw new ResourceNotFoundException({ message: "The specified log stream does not exist.", ...meta });
        const from = args.nextToken ? Number(args.nextToken.slice(2)) : 0;
        const events = this.lines.slice(from, from + this.pageSize).map((message, i) => ({ timestamp: from + i, message }));
        return { events, nextForwardToken: `f/${from + events.length}` };
    };
}

function setup(opts: { tailLines?: number } = {}) {
    const clock = new FakeClock(0);
    const stream = new FakeStream();
    const relayed: string[] = [];
    const warnings: string[] = [];
    const reader = new LogStreamer({
        getLogEvents: stream.getLogEvents,
        group: "ecs-task-run",
        stream: "web/main/abc",
        tailLines: opts.tailLines,
        onLine: (l) => relayed.push(l),
        onWarning: (w) => warnings.push(w),
        clock,
    });
    return { clock, stream, reader, relayed, warnings };
}

describe("run/logStream", () => {
    it("a poll given up (the task stopped) ends before its next page; the next read goes on from there", async () => {
        const { stream, reader, relayed } = setup();
        stream.lines = ["a", "b", "c", "d", "e"];
        const stop = new AbortController();
        stream.beforeRead = () => {
            if (stream.sent.length === 2) stop.abort();
        };
        await reader.poll(stop.signal);
        assert.deepEqual(relayed, ["a", "b", "c", "d"]);
        assert.equal(stream.sent.length, 2);
        assert.equal(await reader.read(), 1);
        assert.deepEqual(relayed, ["a", "b", "c", "d", "e"]);
    });

    it("reads forward page by page and stops when AWS returns the token it was sent", async () => {
        const { stream, reader, relayed } = setup();
        stream.lines = ["a", "b", "c"];
        assert.equal(await reader.read(), 3);
        assert.deepEqual(relayed, ["a", "b", "c"]);
        assert.deepEqual(
            stream.sent.map((s) => s.nextToken),
            [undefined, "f/2", "f/3"],
        );
        assert.ok(stream.sent.every((s) => s.startFromHead === true && s.group === "ecs-task-run" && s.stream === "web/main/abc"));
        // Nothing new: one call, with the last token, and no line.
        assert.equal(await reader.read(), 0);
        assert.deepEqual(stream.sent.at(-1)?.nextToken, "f/3");
        assert.equal(stream.sent.length, 4);
        stream.lines.push("d");
        assert.equal(await reader.read(), 1);
        assert.deepEqual(relayed, ["a", "b", "c", "d"]);
        assert.equal(reader.linesRelayed, 4);
    });

    it("an empty page with a new token goes on reading", async () => {
        const clock = new FakeClock(0);
        const pages: Record<string, LogPage> = {
            start: { events: [], nextForwardToken: "t1" },
            t1: { events: [], nextForwardToken: "t2" },
            t2: { events: [{ message: "late\n" }], nextForwardToken: "t3" },
            t3: { events: [], nextForwardToken: "t3" },
        };
        const sent: (string | undefined)[] = [];
        const reader = new LogStreamer({
            getLogEvents: async ({ nextToken }) => {
                sent.push(nextToken);
                return pages[nextToken ?? "start"];
            },
            group: "g",
            stream: "s",
            clock,
        });
        assert.equal(await reader.read(), 1);
        assert.deepEqual(sent, [undefined, "t1", "t2", "t3"]);
        assert.deepEqual(reader.tail(), ["late"]);
    });

    it("keeps only the last 50 lines of 10,000", async () => {
        const { stream, reader, relayed } = setup();
        stream.pageSize = 1000;
        stream.lines = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);
        let total = 0;
        for (let i = 0; i < 3; i++) total += await reader.read();
        assert.equal(total, 10_000);
        assert.equal(reader.linesRelayed, 10_000);
        assert.equal(relayed.length, 10_000);
        const tail = reader.tail();
        assert.equal(tail.length, 50);
        assert.equal(tail[0], "line 9950");
        assert.equal(tail[49], "line 9999");
        assert.ok((reader as unknown as { lines: { ring: string[] } }).lines.ring.length <= 50, "the ring buffer holds the tail only");
    });

    it("honours tailLines, including 0", async () => {
        const a = setup({ tailLines: 3 });
        a.stream.lines = ["1", "2", "3", "4", "5"];
        await a.reader.read();
        assert.deepEqual(a.reader.tail(), ["3", "4", "5"]);
        const b = setup({ tailLines: 0 });
        b.stream.lines = ["1", "2"];
        await b.reader.read();
        assert.deepEqual(b.reader.tail(), []);
        assert.equal(b.reader.linesRelayed, 2);
    });

    it("a stream not created yet is no error: the lines come on a later poll", async () => {
        const { stream, reader, relayed } = setup();
        stream.exists = false;
        assert.equal(await reader.read(), 0);
        assert.equal(await reader.read(), 0);
        assert.equal(reader.readErrors, 0);
        assert.equal(reader.found(), false);
        stream.exists = true;
        stream.lines = ["hello", "world"];
        assert.equal(await reader.read(), 2);
        assert.deepEqual(relayed, ["hello", "world"]);
        // The reads before the stream existed did not move the token: reading starts at the head.
        assert.equal(stream.sent[2].nextToken, undefined);
    });

    it("a throttled read is counted and retried next poll; access denied warns once and stops streaming", async () => {
        const { stream, reader, relayed, warnings } = setup();
        stream.lines = ["a", "b", "c"];
        stream.fail = [undefined, new ThrottlingException({ message: "Rate exceeded", ...meta })];
        assert.equal(await reader.read(), 2); // first page read, second throttled
        assert.equal(reader.readErrors, 1);
        assert.equal(await reader.read(), 1);
        assert.deepEqual(relayed, ["a", "b", "c"]);
        stream.fail = [
            new AccessDeniedException({
                message: "User: x is not authorized to perform: logs:GetLogEvents",
                $metadata: { httpStatusCode: 403 },
            }),
        ];
        assert.equal(await reader.read(), 0);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /grant logs:GetLogEvents.*will not be streamed/);
        const calls = stream.sent.length;
        assert.equal(await reader.read(), 0);
        assert.equal(stream.sent.length, calls);
    });

    it("drain reads the lines that arrive after STOPPED, until a quiet second", async () => {
        const { clock, stream, reader, relayed } = setup();
        stream.lines = ["started"];
        await reader.read();
        // The task stopped now; two lines arrive 700 ms and 1500 ms later.
        const stoppedAt = clock.now();
        const arrivals = [
            { at: stoppedAt + 700, line: "late 1" },
            { at: stoppedAt + 1500, line: "late 2" },
        ];
        stream.beforeRead = () => {
            while (arrivals.length > 0 && arrivals[0].at <= clock.now()) stream.lines.push(arrivals.shift()!.line);
        };
        await clock.run(reader.drain({ quietMs: 1000, pollIntervalMs: 500, since: stoppedAt }));
        assert.deepEqual(relayed, ["started", "late 1", "late 2"]);
        // It went on for a quiet second after the last line (read at 1500 ms), and not much longer.
        assert.ok(clock.now() - stoppedAt >= 2500 && clock.now() - stoppedAt <= 3000, `${clock.now() - stoppedAt}`);
    });

    it("drain is bounded by its deadline when lines keep coming, and returns at once when the stop is long past", async () => {
        const { clock, stream, reader } = setup();
        stream.beforeRead = () => {
            stream.lines.push(`tick ${clock.now()}`);
        };
        const start = clock.now();
        await clock.run(reader.drain({ quietMs: 1000, deadlineMs: 10_000 }));
        assert.ok(clock.now() - start >= 10_000 && clock.now() - start < 11_000);

        const quiet = setup();
        quiet.stream.lines = ["x"];
        await quiet.reader.read();
        await quiet.clock.advance(60_000);
        const calls = quiet.stream.sent.length;
        await quiet.clock.run(quiet.reader.drain({ since: 0 }));
        assert.deepEqual(quiet.reader.tail(), ["x"]);
        assert.equal(quiet.clock.now(), 60_000);
        assert.equal(quiet.stream.sent.length, calls + 1);
    });
});
