/**
 * Retries with exponential backoff, full jitter and a deadline, over an injectable clock.
 *
 * The SDK already retries one call (standard mode: 3 attempts). This wraps such calls when a
 * longer effort is wanted (throttling during a large deployment, RegisterTaskDefinition
 * collisions), bounded by a deadline rather than by a count.
 */
import { errorCode, errorMessage, retryExhaustedError } from "./errors";

export { isRetryExhaustedError, type RetryExhaustedError } from "./errors";

/** Time, sleeping and randomness, injectable so that tests use no real time. */
export interface Clock {
    /** Milliseconds since the epoch (or any fixed origin, consistently). */
    now(): number;
    /** Resolves after `ms` milliseconds, or early (resolving, not rejecting) when `signal` aborts. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
    /** A number in [0, 1). */
    random(): number;
}

/**
 * The real clock: `Date.now()`, `setTimeout`, `Math.random()`. Built inside this function so that
 * nothing native is captured at module level. A sleep's timer is cleared when its signal aborts,
 * so an abandoned sleep does not keep the process alive.
 */
export function realClock(): Clock {
    return {
        now: () => Date.now(),
        random: () => Math.random(),
        sleep: (ms: number, signal?: AbortSignal) =>
            new Promise<void>((resolve) => {
                if (signal?.aborted) return resolve();
                // Declared before the callbacks that use it: Pulumi's closure analysis cannot
                // follow a use that precedes its declaration.
                let timer: ReturnType<typeof setTimeout> | undefined = undefined;
                const onAbort = (): void => {
                    if (timer !== undefined) clearTimeout(timer);
                    resolve();
                };
                timer = setTimeout(
                    () => {
                        signal?.removeEventListener("abort", onAbort);
                        resolve();
                    },
                    Math.max(0, ms),
                );
                signal?.addEventListener("abort", onAbort, { once: true });
            }),
    };
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
    /** What is being done, for messages (e.g. `"RegisterTaskDefinition for family web"`). */
    what: string;
    /** How long (ms from the first attempt) retries may go on. At least one attempt is always made;
     * the last attempt starts no later than the deadline. */
    deadlineMs: number;
    /** The backoff cap of the first retry, doubled for each further retry. Default: 500. */
    baseDelayMs?: number;
    /** The largest backoff cap. Default: 20000. */
    maxDelayMs?: number;
    /** Whether an error may go away on a later attempt; others are thrown at once. */
    isRetryable: (err: unknown) => boolean;
    /** The clock to sleep on. */
    clock: Clock;
    /** Called before each sleep, e.g. to log the throttling. */
    onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * The backoff before retry number `attempt` (1 = the first retry): a uniform random delay in
 * [minFraction × cap, cap), cap = min(maxDelayMs, baseDelayMs * 2^(attempt-1)). `minFraction` 0
 * (the default) is "full jitter"; 0.5 is "equal jitter", for waits that must not be cut short
 * (a capacity shortfall is not over in a few milliseconds).
 */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number, minFraction = 0): number {
    const cap = Math.min(maxDelayMs, baseDelayMs * Math.pow(2, Math.max(0, attempt - 1)));
    return Math.floor(cap * (minFraction + (1 - minFraction) * random()));
}

/**
 * Calls `fn` until it succeeds, retrying errors for which `opts.isRetryable` is true with
 * exponential backoff and full jitter (see {@link backoffDelay}), until `opts.deadlineMs` has
 * passed. A non-retryable error is thrown at once, unchanged. When the deadline passes, throws a
 * {@link RetryExhaustedError} whose message says how many attempts were made over how long and
 * whose `cause` is the last error.
 *
 * @param fn - the call; receives the attempt number (1, 2, ...).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
    const base = opts.baseDelayMs ?? 500;
    const max = opts.maxDelayMs ?? 20000;
    const start = opts.clock.now();
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn(attempt);
        } catch (err) {
            if (!opts.isRetryable(err)) throw err;
            const elapsed = opts.clock.now() - start;
            const remaining = opts.deadlineMs - elapsed;
            if (remaining <= 0) {
                const code = errorCode(err) ?? "Error";
                throw retryExhaustedError(
                    `${opts.what}: gave up after ${attempt} attempt${attempt === 1 ? "" : "s"} over ${(elapsed / 1000).toFixed(1)} s; last error: ${code}: ${errorMessage(err)}`,
                    err,
                    attempt,
                    elapsed,
                );
            }
            const delay = Math.min(
                backoffDelay(attempt, base, max, () => opts.clock.random()),
                remaining,
            );
            opts.onRetry?.(err, attempt, delay);
            await opts.clock.sleep(delay);
        }
    }
}
