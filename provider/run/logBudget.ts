/**
 * A request budget for one CloudWatch Logs read API, shared by every log stream of the process.
 *
 * CloudWatch Logs' read quotas are hard and per account and region (GetLogEvents 25/s,
 * FilterLogEvents 5/s; ecs-facts.md), shared with the console, log shippers and other
 * deployments. The budget spaces calls evenly, `(1000 + windowMarginMs) / rate` ms apart (default
 * margin 250 ms: 312.5 ms for 4 calls per second, 62.5 ms for 20), and never lets more than
 * `ceil(rate)` start within any `1000 + windowMarginMs` ms. The margin is for the way to the
 * service: calls sent within the budget arrive after network and scheduling delays, and a delay
 * that bunches five calls sent over 1250 ms into one second is unlikely, while one that bunches
 * them from 1000 ms is not (a loaded machine's endpoint counted 6 FilterLogEvents in a second from
 * a budget of 4 spaced 250 ms apart). The price is the rate: 3.2 FilterLogEvents and 16
 * GetLogEvents per second at most by default, more than the reader (logHub.ts) needs. Even
 * spacing, rather than bursts up to the window's limit, is also what keeps the wait for a call
 * that a run waits for short: at most one interval. It adapts: a ThrottlingException (someone
 * else is using the quota) halves the rate, down to `minRate`, and holds it for `holdMs`,
 * leaving a whole interval at the lowered rate before the next call; after the hold, each
 * successful call raises it by a tenth of the configured rate, back up to the configured rate.
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
    /** The sliding window is a second plus this (ms); see the module comment. Default: 250. */
    windowMarginMs?: number;
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
    private readonly windowMs: number;
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
        this.windowMs = 1000 + Math.max(0, opts.windowMarginMs ?? DEFAULT_WINDOW_MARGIN_MS);
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
        this.nextAt = at + this.intervalMs();
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
        this.nextAt = Math.max(this.nextAt, now + this.intervalMs());
    }

    /** A call made in a slot succeeded: after the hold, raise the rate a step. */
    onSuccess(): void {
        if (this.rate >= this.maxRate || this.clock.now() < this.holdUntil) return;
        this.rate = Math.min(this.maxRate, this.rate + this.maxRate / 10);
    }

    /** The time between two calls at the current rate (ms). */
    intervalMs(): number {
        return this.windowMs / this.rate;
    }

    private slotAt(now: number): number {
        let at = Math.max(now, this.nextAt);
        // Sliding window: at most ceil(rate) starts within any windowMs.
        const perWindow = Math.max(1, Math.ceil(this.rate));
        while (this.recent.length > 0 && this.recent[0] <= at - this.windowMs) this.recent.shift();
        if (this.recent.length >= perWindow) {
            at = Math.max(at, this.recent[this.recent.length - perWindow] + this.windowMs);
        }
        return at;
    }
}

/** The sliding window's margin over a second (ms): for delays on the way to the service. */
const DEFAULT_WINDOW_MARGIN_MS = 250;

function positive(value: number, fallback: number): number {
    return Number.isFinite(value) && value > 0 ? value : fallback;
}
