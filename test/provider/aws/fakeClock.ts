/**
 * A fake {@link Clock} for tests: time moves only when the test moves it; no real time passes.
 */
import type { Clock } from "../../../provider/aws/retry";

interface Sleeper {
    at: number;
    resolve: () => void;
}

/** Lets every pending promise callback run (several macrotask turns). */
export async function flush(turns = 3): Promise<void> {
    for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

export class FakeClock implements Clock {
    t: number;
    /** Every sleep asked for, in ms, in order. */
    readonly sleeps: number[] = [];
    private sleepers: Sleeper[] = [];
    private randomFn: () => number;

    constructor(start = 1_700_000_000_000, random: number | (() => number) = 0.5) {
        this.t = start;
        this.randomFn = typeof random === "number" ? () => random : random;
    }

    now(): number {
        return this.t;
    }

    random(): number {
        return this.randomFn();
    }

    setRandom(random: number | (() => number)): void {
        this.randomFn = typeof random === "number" ? () => random : random;
    }

    sleep(ms: number, signal?: AbortSignal): Promise<void> {
        this.sleeps.push(ms);
        return new Promise<void>((resolve) => {
            if (signal?.aborted) return resolve();
            const sleeper: Sleeper = { at: this.t + Math.max(0, ms), resolve };
            this.sleepers.push(sleeper);
            signal?.addEventListener(
                "abort",
                () => {
                    this.sleepers = this.sleepers.filter((s) => s !== sleeper);
                    resolve();
                },
                { once: true },
            );
        });
    }

    /** Sleeps not yet over. */
    pending(): number {
        return this.sleepers.length;
    }

    /** Moves time forward by `ms`, waking each sleeper at its time, in order. */
    async advance(ms: number): Promise<void> {
        const target = this.t + ms;
        for (;;) {
            await flush();
            const next = this.earliest();
            if (!next || next.at > target) break;
            this.wake(next);
        }
        this.t = target;
        await flush();
    }

    /** Moves time from sleeper to sleeper until `p` settles; fails when nothing sleeps or after `limitMs`. */
    async run<T>(p: Promise<T>, limitMs = 24 * 3600 * 1000): Promise<T> {
        let settled = false;
        const watched = p.then(
            (v) => {
                settled = true;
                return v;
            },
            (e: unknown) => {
                settled = true;
                throw e;
            },
        );
        watched.catch(() => undefined);
        const start = this.t;
        for (;;) {
            await flush();
            if (settled) return watched;
            const next = this.earliest();
            if (!next) throw new Error("FakeClock.run: the promise waits but nothing sleeps");
            if (next.at - start > limitMs) throw new Error(`FakeClock.run: not settled within ${limitMs} ms`);
            this.wake(next);
        }
    }

    private earliest(): Sleeper | undefined {
        let best: Sleeper | undefined;
        for (const s of this.sleepers) if (!best || s.at < best.at) best = s;
        return best;
    }

    private wake(s: Sleeper): void {
        this.sleepers = this.sleepers.filter((x) => x !== s);
        this.t = Math.max(this.t, s.at);
        s.resolve();
    }
}
