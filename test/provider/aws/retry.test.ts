import assert from "node:assert/strict";
import { ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import { ClientException, ClusterNotFoundException } from "@aws-sdk/client-ecs";
import { isFatal, isRetryExhaustedError, isTransient } from "../../../provider/aws/errors";
import { backoffDelay, realClock, withRetry } from "../../../provider/aws/retry";
import { FakeClock } from "./fakeClock";

const meta = { $metadata: { httpStatusCode: 400, requestId: "req-1" } };
const throttled = (): Error => new ThrottlingException({ message: "Rate exceeded", ...meta });

describe("aws/retry withRetry", () => {
    it("returns the first success without sleeping", async () => {
        const clock = new FakeClock();
        const out = await withRetry(async (n) => `ok ${n}`, { what: "x", deadlineMs: 1000, isRetryable: () => true, clock });
        assert.equal(out, "ok 1");
        assert.deepEqual(clock.sleeps, []);
    });

    it("retries retryable errors with exponentially growing backoff caps", async () => {
        const clock = new FakeClock(0, 0.999999);
        let calls = 0;
        const delays: number[] = [];
        const p = withRetry(
            async () => {
                calls++;
                if (calls < 6) throw throttled();
                return "done";
            },
            { what: "x", deadlineMs: 600_000, isRetryable: isTransient, clock, onRetry: (_e, _a, d) => delays.push(d) },
        );
        assert.equal(await clock.run(p), "done");
        assert.equal(calls, 6);
        // random ~1: each delay is just under its cap 500, 1000, 2000, 4000, 8000.
        assert.deepEqual(delays, [499, 999, 1999, 3999, 7999]);
        assert.deepEqual(clock.sleeps, delays);
    });

    it("caps the backoff at maxDelayMs", () => {
        assert.equal(
            backoffDelay(20, 500, 20_000, () => 0.999999),
            19_999,
        );
        assert.equal(
            backoffDelay(3, 100, 20_000, () => 0.999999),
            399,
        );
    });

    it("keeps the full-jitter delay within [0, cap)", () => {
        const clock = new FakeClock(0);
        let seed = 42;
        const rnd = (): number => {
            seed = (seed * 1103515245 + 12345) % 2 ** 31;
            return seed / 2 ** 31;
        };
        clock.setRandom(rnd);
        for (let attempt = 1; attempt <= 10; attempt++) {
            const cap = Math.min(20_000, 500 * 2 ** (attempt - 1));
            for (let i = 0; i < 50; i++) {
                const d = backoffDelay(attempt, 500, 20_000, () => clock.random());
                assert.ok(d >= 0 && d < cap, `attempt ${attempt}: ${d} not in [0, ${cap})`);
            }
        }
        assert.equal(
            backoffDelay(1, 500, 20_000, () => 0),
            0,
        );
    });

    it("stops at the deadline and says how many attempts over how long", async () => {
        const clock = new FakeClock(0, 0.999999);
        let calls = 0;
        const p = withRetry(
            async () => {
                calls++;
                throw throttled();
            },
            { what: "RegisterTaskDefinition of family web", deadlineMs: 5000, isRetryable: isTransient, clock },
        );
        const err = await clock.run(p).then(
            () => assert.fail("should fail"),
            (e: unknown) => e,
        );
        assert.ok(isRetryExhaustedError(err));
        // sleeps 499, 999, 1999, then the last sleep is cut to the 1503 ms left; attempt 5 at 5000 ms fails and ends it.
        assert.equal(calls, 5);
        assert.equal(err.attempts, 5);
        assert.equal(err.elapsedMs, 5000);
        assert.match(
            err.message,
            /RegisterTaskDefinition of family web: gave up after 5 attempts over 5\.0 s; last error: ThrottlingException: Rate exceeded/,
        );
        assert.ok(err.cause instanceof ThrottlingException);
        assert.equal(clock.now(), 5000);
    });

    it("fails at once on a non-retryable error, unchanged", async () => {
        const clock = new FakeClock(0);
        const fatal = new ClusterNotFoundException({ message: "Cluster not found.", ...meta });
        let calls = 0;
        await assert.rejects(
            withRetry(
                async () => {
                    calls++;
                    throw fatal;
                },
                { what: "x", deadlineMs: 60_000, isRetryable: (e) => !isFatal(e), clock },
            ),
            (e: unknown) => e === fatal,
        );
        assert.equal(calls, 1);
        assert.deepEqual(clock.sleeps, []);
    });

    it("makes one attempt even with a zero deadline", async () => {
        const clock = new FakeClock(0);
        let calls = 0;
        await assert.rejects(
            withRetry(
                async () => {
                    calls++;
                    throw new ClientException({
                        message: "Too many concurrent attempts to create a new revision of the specified family.",
                        ...meta,
                    });
                },
                { what: "x", deadlineMs: 0, isRetryable: isTransient, clock },
            ),
            isRetryExhaustedError,
        );
        assert.equal(calls, 1);
    });

    it("realClock sleeps and wakes early on abort", async () => {
        const clock = realClock();
        const t0 = clock.now();
        await clock.sleep(5);
        assert.ok(clock.now() - t0 >= 4);
        const ac = new AbortController();
        const p = clock.sleep(60_000, ac.signal);
        ac.abort();
        await p; // resolves at once; the timer is cleared, so mocha does not wait a minute
        const r = clock.random();
        assert.ok(r >= 0 && r < 1);
    });
});
