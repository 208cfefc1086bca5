/**
 * The log streamer at its edges, through its public methods (`read`, `drain`, `tail`): the page
 * budget of one read, the requests it sends, a page without a token, odd events, reads without
 * observers, and drain's exact schedule (each wait it sleeps, when it gives up), on a fake clock.
 */
import assert from "node:assert/strict";
import { AccessDeniedException, ResourceNotFoundException, ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import { LogStreamer, type LogPage, type LogStreamerDeps } from "../../../provider/run/logStream";
import { FakeClock } from "../aws/fakeClock";

const meta = { $metadata: { httpStatusCode: 400 } };

type Request = Parameters<LogStreamerDeps["getLogEvents"]>[0];

/** A stream read like GetLogEvents: one line per page, forward tokens `f/<index>`, the sent token again at the end. */
class Stream {
    lines: string[] = [];
    exists = true;
    sent: Request[] = [];
    fail: unknown[] = [];
    /** Called before each read (to make lines arrive or the stream appear). */
    beforeRead: (() => void) | undefined;

    getLogEvents = async (args: Request): Promise<LogPage> => {
        this.sent.push(args);
        this.beforeRead?.();
        const err = this.fail.shift();
        if (err) throw err;
        if (!this.exists) throw new ResourceNotFoundException({ message: "The specified log stream does not exist.", ...meta });
        const from = args.nextToken ? Number(args.nextToken.slice(2)) : 0;
        const events = this.lines.slice(from, from + 1).map((message) => ({ timestamp: from, message }));
        return { events, nextForwardToken: `f/${from + events.length}` };
    };
}

function setup(start = 1000, deps: Partial<LogStreamerDeps> = {}) {
    const clock = new FakeClock(start);
    const stream = new Stream();
    const relayed: string[] = [];
    const reader = new LogStreamer({
        getLogEvents: stream.getLogEvents,
        group: "g",
        stream: "s",
        clock,
        onLine: (l) => relayed.push(l),
        ...deps,
    });
    return { clock, stream, reader, relayed };
}

describe("run/logStream: edges", () => {
    describe("read", () => {
        it("reads at most maxPagesPerPoll pages, counts its calls, and sends no token on the first", async () => {
            const { stream, reader, relayed } = setup(1000, { maxPagesPerPoll: 2 });
            stream.lines = ["1", "2", "3", "4", "5"];
            assert.deepEqual([await reader.read(), await reader.read(), await reader.read()], [2, 2, 1]);
            assert.deepEqual(relayed, ["1", "2", "3", "4", "5"]);
            assert.equal(reader.calls, stream.sent.length);
            assert.equal(reader.calls, 6);
            assert.deepEqual(stream.sent[0], { group: "g", stream: "s", startFromHead: true });
            assert.ok(!("nextToken" in stream.sent[0]));
        });

        it("a page without a token ends the read (it does not start again from the head)", async () => {
            const pages: Record<string, LogPage> = {
                head: { events: [{ message: "a" }], nextForwardToken: "t1" },
                t1: { events: [{ message: "b" }] },
            };
            const sent: (string | undefined)[] = [];
            const reader = new LogStreamer({
                getLogEvents: async ({ nextToken }) => {
                    sent.push(nextToken);
                    return pages[nextToken ?? "head"];
                },
                group: "g",
                stream: "s",
                clock: new FakeClock(0),
            });
            assert.equal(await reader.read(), 2);
            assert.deepEqual(sent, [undefined, "t1"]);
            assert.deepEqual(reader.tail(), ["a", "b"]);
        });

        it("an event without a message is an empty line; only the final newline of a message is dropped", async () => {
            const reader = new LogStreamer({
                getLogEvents: async ({ nextToken }) =>
                    nextToken
                        ? { events: [], nextForwardToken: nextToken }
                        : { events: [{ timestamp: 1 }, { message: "two\nlines\n" }, { message: "crlf\r\n" }], nextForwardToken: "t" },
                group: "g",
                stream: "s",
                clock: new FakeClock(0),
            });
            assert.equal(await reader.read(), 3);
            assert.deepEqual(reader.tail(), ["", "two\nlines", "crlf"]);
        });

        it("without observers: lines are kept, and access denied ends streaming without a warning to give", async () => {
            const stream = new Stream();
            const reader = new LogStreamer({ getLogEvents: stream.getLogEvents, group: "g", stream: "s", clock: new FakeClock(0) });
            stream.lines = ["x"];
            assert.equal(await reader.read(), 1);
            stream.fail = [new AccessDeniedException({ message: "Access denied", $metadata: { httpStatusCode: 403 } })];
            assert.equal(await reader.read(), 0);
            assert.equal(reader.readErrors, 1);
            assert.deepEqual(reader.tail(), ["x"]);
        });

        it("the warning of a fatal read names the stream and the permission", async () => {
            const warnings: string[] = [];
            const { stream, reader } = setup(0, { onWarning: (w) => warnings.push(w) });
            stream.fail = [new AccessDeniedException({ message: "Access denied", $metadata: { httpStatusCode: 403 } })];
            await reader.read();
            assert.equal(warnings.length, 1);
            assert.match(
                warnings[0],
                /^Reading log stream g\/s failed: AccessDeniedException: Access denied\. .*grant logs:GetLogEvents .* Log lines will not be streamed\.$/,
            );
        });
    });

    describe("drain", () => {
        it("nothing new: ends exactly when the quiet time has passed since the stop", async () => {
            const { clock, stream, reader } = setup(1000);
            await clock.run(reader.drain({ quietMs: 1000, pollIntervalMs: 500, since: 1000 }));
            assert.equal(clock.now(), 2000);
            assert.deepEqual(clock.sleeps, [500, 500]);
            // Three reads; the first is two calls (an empty page with a new token, then the end).
            assert.equal(stream.sent.length, 4);
        });

        it("a stop long past (since given): one read, no wait", async () => {
            const { clock, stream, reader } = setup(61_000);
            await clock.run(reader.drain({ since: 1000 }));
            assert.equal(clock.now(), 61_000);
            assert.deepEqual(clock.sleeps, []);
            assert.equal(stream.sent.length, 2);
        });

        it("the wait after a quiet read is what is left of the quiet time; after new lines, the poll interval", async () => {
            const quiet = setup(1000);
            await quiet.clock.run(quiet.reader.drain({ quietMs: 300, pollIntervalMs: 500, since: 1000 }));
            assert.deepEqual(quiet.clock.sleeps, [300]);

            const busy = setup(1000);
            busy.stream.lines = ["new"];
            await busy.clock.run(busy.reader.drain({ quietMs: 300, pollIntervalMs: 500, since: 1000 }));
            assert.deepEqual(busy.clock.sleeps, [500]);
            assert.equal(busy.clock.now(), 1500);
        });

        it("ends exactly at its deadline, and never waits past it", async () => {
            const busy = setup(1000);
            busy.stream.beforeRead = () => busy.stream.lines.push(`tick ${busy.clock.now()}`);
            await busy.clock.run(busy.reader.drain({ quietMs: 1000, pollIntervalMs: 500, deadlineMs: 700 }));
            assert.deepEqual(busy.clock.sleeps, [500, 200]);
            assert.equal(busy.clock.now(), 1700);

            const quiet = setup(1000);
            await quiet.clock.run(quiet.reader.drain({ quietMs: 1000, pollIntervalMs: 500, deadlineMs: 300, since: 1000 }));
            assert.deepEqual(quiet.clock.sleeps, [300]);
            assert.equal(quiet.clock.now(), 1300);
        });

        it("failed reads are not quiet: the lines that come after them are read", async () => {
            const { clock, stream, reader, relayed } = setup(1000);
            stream.fail = [1, 2, 3, 4].map(() => new ThrottlingException({ message: "Rate exceeded", ...meta }));
            stream.lines = ["after the throttling"];
            await clock.run(reader.drain({ quietMs: 1000, pollIntervalMs: 500, since: 1000 }));
            assert.deepEqual(relayed, ["after the throttling"]);
            assert.equal(reader.readErrors, 4);
        });

        it("failed reads of a stream already found are not quiet either", async () => {
            const { clock, stream, reader, relayed } = setup(1000);
            await reader.poll();
            assert.equal(reader.found(), true);
            stream.fail = [1, 2, 3, 4].map(() => new ThrottlingException({ message: "Rate exceeded", ...meta }));
            stream.lines = ["after the throttling"];
            await clock.run(reader.drain({ quietMs: 1000, pollIntervalMs: 500, since: 1000 }));
            assert.deepEqual(relayed, ["after the throttling"]);
        });

        it("a stream not created yet is waited for within streamGraceMs (default 10 s), then its lines are read", async () => {
            const { clock, stream, reader, relayed } = setup(1000);
            stream.exists = false;
            stream.lines = ["late stream"];
            stream.beforeRead = () => {
                if (clock.now() >= 4000) stream.exists = true;
            };
            await clock.run(reader.drain({ quietMs: 1000, pollIntervalMs: 500, since: 1000 }));
            assert.deepEqual(relayed, ["late stream"]);

            const never = setup(1000);
            never.stream.exists = false;
            await never.clock.run(never.reader.drain({ quietMs: 1000, pollIntervalMs: 500, since: 1000, streamGraceMs: 2000 }));
            assert.equal(never.clock.now(), 3000);
        });

        it("ends at once when reading is denied", async () => {
            const { clock, stream, reader } = setup(1000);
            stream.fail = [new AccessDeniedException({ message: "Access denied", $metadata: { httpStatusCode: 403 } })];
            await clock.run(reader.drain({ quietMs: 1000, pollIntervalMs: 500, since: 1000 }));
            assert.equal(clock.now(), 1000);
            assert.equal(stream.sent.length, 1);
        });
    });
});
