import assert from "node:assert/strict";
import { RequestBudget } from "../../../provider/run/logBudget";
import { FakeClock } from "../aws/fakeClock";

/** The most of `times` within any `windowMs` (a window [t, t + windowMs)). */
function peak(times: number[], windowMs: number): number {
    let best = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i] - times[j] >= windowMs) j++;
        best = Math.max(best, i - j + 1);
    }
    return best;
}

/** Acquires `n` slots at once and answers when each started. */
async function starts(clock: FakeClock, budget: RequestBudget, n: number): Promise<number[]> {
    const at: number[] = [];
    await clock.run(Promise.all(Array.from({ length: n }, () => budget.acquire().then(() => at.push(clock.now())))));
    return at;
}

describe("RequestBudget (the log reader's per-API budget)", () => {
    it("spaces calls evenly, (1000 + margin) / rate apart: 4 a second start 312.5 ms apart", async () => {
        const clock = new FakeClock(1_000_000);
        const budget = new RequestBudget({ ratePerSecond: 4, clock });
        const at = await starts(clock, budget, 9);
        assert.deepEqual(
            at.map((t) => t - at[0]),
            [0, 312.5, 625, 937.5, 1250, 1562.5, 1875, 2187.5, 2500],
        );
        assert.equal(budget.intervalMs(), 312.5);
    });

    it("never lets more than the rate start within any second plus the margin, so none within a second", async () => {
        const clock = new FakeClock(1_000_000);
        const budget = new RequestBudget({ ratePerSecond: 20, clock });
        const at = await starts(clock, budget, 200);
        assert.equal(peak(at, 1250), 20);
        assert.equal(peak(at, 1000), 16, "16 a second: the margin's price");
    });

    it("a margin of 0 spaces calls a whole second / rate apart", async () => {
        const clock = new FakeClock(1_000_000);
        const budget = new RequestBudget({ ratePerSecond: 4, windowMarginMs: 0, clock });
        const at = await starts(clock, budget, 5);
        assert.deepEqual(
            at.map((t) => t - at[0]),
            [0, 250, 500, 750, 1000],
        );
    });

    it("a call asked for after a pause starts at once", async () => {
        const clock = new FakeClock(1_000_000);
        const budget = new RequestBudget({ ratePerSecond: 4, clock });
        await starts(clock, budget, 2);
        await clock.advance(5000);
        const before = clock.now();
        const [at] = await starts(clock, budget, 1);
        assert.equal(at, before);
    });

    it("halves the rate on ThrottlingException, waits a whole lowered interval, and holds it", async () => {
        const clock = new FakeClock(1_000_000);
        const budget = new RequestBudget({ ratePerSecond: 4, clock, holdMs: 10_000 });
        await starts(clock, budget, 1);
        budget.onThrottled();
        assert.equal(budget.currentRate(), 2);
        assert.equal(budget.nextSlotAt() - clock.now(), 625);
        budget.onSuccess();
        assert.equal(budget.currentRate(), 2, "held");
        await clock.advance(10_000);
        budget.onSuccess();
        assert.equal(budget.currentRate(), 2.4, "raised by a tenth of the configured rate after the hold");
    });
});
