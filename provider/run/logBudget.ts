/**
 * A request budget for one CloudWatch Logs read API, shared by every log stream of the process.
 *
 * CloudWatch Logs' read quotas are hard and per account and region (GetLogEvents 25/s,
 * FilterLogEvents 5/s; ecs-facts.md), shared with the console, log shippers and other
 * deployments. The budget spaces calls evenly at `rate` per second and never lets more than
 * `ceil(rate)` start within any 1.1 s (a sliding window a little longer than the quota's second,
 * so that network jitter cannot bunch a second's calls into fewer than 1000 ms on arrival). It adapts: a ThrottlingException (someone else is using the quota)
 * halves the rate, down to `minRate`, and holds it for `holdMs`; after that, each successful call
 * raises it by a tenth of the configured rate, back up to the configured rate.
 *
 * Slots are handed out in the order they are asked for; the log reader decides who asks first.
 * State is plain fields set in the constructor (closure serialization; see waiting.ts).
 */
import type { Clock } from "../aws/retry";

/** What a {@link RequestBudget} is made with. */
export interface RequestBudgetOptions {
    /** Calls per second at most (the configured rate). */
    ratePerSecond: number;
    /** The rate never goes below this after throttling. Default: a tenth of `ratePerSecond`, at least 0.2. */
    minRatePerSecond?: number;
    /** How long (ms) a lowered rate is held before successes raise it again. Default: 10000. */
    holdMs?: number;
    clock: Clock;
}

/** Spaces calls of one API; see the module comment. */
export class RequestBudget {
    /** Slots handed out. */
    granted: number;
    /** Throttling errors reported. */
    throttled: number;

    private readonly clock: Clock;
    private maxRate: number;
    private minRate: number;
    private rate: number;
    private readonly holdMs: number;
    private holdUntil: number;
    /** The earliest time the next slot may start. */
    private nextAt: number;
    /** Start times of the slots of the last second (for the sliding window). */
    private recent: number[];

    constructor(opts: RequestBudgetOptions) {
        this.clock = opts.clock;
        this.maxRate = positive(opts.ratePerSecond, 1);
        this.minRate = Math.min(this.maxRate, opts.minRatePerSecond ?? Math.max(0.2, this.maxRate / 10));
        this.rate = this.maxRate;
        this.holdMs = opts.holdMs ?? 10_000;
        this.holdUntil = 0;
        this.nextAt = 0;
        this.recent = [];
        this.granted = 0;
        this.throttled = 0;
    }

    /** The rate (calls per second) now. */
    currentRate(): number {
        return this.rate;
    }

    /** The configured rate. */
    configuredRate(): number {
        return this.maxRate;
    }

    /** Changes the configured rate (the current rate follows at once when it is above it). */
    configure(ratePerSecond: number, minRatePerSecond?: number): void {
        this.maxRate = positive(ratePerSecond, this.maxRate);
        this.minRate = Math.min(this.maxRate, minRatePerSecond ?? Math.max(0.2, this.maxRate / 10));
        this.rate = Math.min(this.rate, this.maxRate);
        if (this.rate < this.minRate) this.rate = this.minRate;
    }

    /** When (epoch ms) a slot asked for now would start. Reserves nothing. */
    nextSlotAt(): number {
        return this.slotAt(this.clock.now());
    }

    /**
     * Reserves the next slot and resolves when it starts. `signal` gives the slot up (resolving
     * false); otherwise resolves true.
     */
    async acquire(signal?: AbortSignal): Promise<boolean> {
        const now = this.clock.now();
        const at = this.slotAt(now);
        this.nextAt = at + 1000 / this.rate;
        this.recent.push(at);
        this.granted++;
        if (at > now) await this.clock.sleep(at - now, signal);
        return !signal?.aborted;
    }

    /** A call made in a slot was throttled: lower the rate and hold it. */
    onThrottled(): void {
        this.throttled++;
        const now = this.clock.now();
        this.rate = Math.max(this.minRate, this.rate / 2);
        this.holdUntil = now + this.holdMs;
        // The quota's bucket is empty now: leave it a whole interval at the lowered rate.
        this.nextAt = Math.max(this.nextAt, now + 1000 / this.rate);
    }

    /** A call made in a slot succeeded: after the hold, raise the rate a step. */
    onSuccess(): void {
        if (this.rate >= this.maxRate || this.clock.now() < this.holdUntil) return;
        this.rate = Math.min(this.maxRate, this.rate + this.maxRate / 10);
    }

    private slotAt(now: number): number {
        let at = Math.max(now, this.nextAt);
        // Sliding window: at most ceil(rate) starts within any WINDOW_MS.
        const perSecond = Math.max(1, Math.ceil(this.rate));
        while (this.recent.length > 0 && this.recent[0] <= at - WINDOW_MS) this.recent.shift();
        if (this.recent.length >= perSecond) {
            at = Math.max(at, this.recent[this.recent.length - perSecond] + WINDOW_MS);
        }
        return at;
    }
}

/** The sliding window of the budget (ms): a second plus a margin for network jitter. */
const WINDOW_MS = 1100;

function positive(value: number, fallback: number): number {
    return Number.isFinite(value) && value > 0 ? value : fallback;
}
