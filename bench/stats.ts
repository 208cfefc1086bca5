/** Small statistics for the benchmark: percentiles, rates, formatting. */

/** The p-th percentile (0..100) by the nearest-rank method; NaN for no values. */
export function percentile(values: number[], p: number): number {
    if (values.length === 0) return Number.NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return sorted[Math.min(sorted.length, rank) - 1];
}

/** p50, p95 and max of a list. */
export interface Summary {
    n: number;
    p50: number;
    p95: number;
    max: number;
}

export function summarize(values: number[]): Summary {
    return {
        n: values.length,
        p50: percentile(values, 50),
        p95: percentile(values, 95),
        max: values.length ? Math.max(...values) : Number.NaN,
    };
}

/** The most events in any window of `windowMs` (sliding, starting at each event). */
export function peakInWindow(timesMs: number[], windowMs = 1000): number {
    const t = [...timesMs].sort((a, b) => a - b);
    let best = 0;
    let j = 0;
    for (let i = 0; i < t.length; i++) {
        while (t[i] - t[j] >= windowMs) j++;
        best = Math.max(best, i - j + 1);
    }
    return best;
}

/** Counts per key. */
export function countBy<T>(items: T[], key: (item: T) => string | undefined): Record<string, number> {
    const out: Record<string, number> = {};
    for (const item of items) {
        const k = key(item);
        if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
}

/** Milliseconds as "1234 ms" or "12.3 s". */
export function ms(value: number): string {
    if (!Number.isFinite(value)) return "n/a";
    return Math.abs(value) < 10_000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

/** A number with `digits` decimals (no trailing ".0" for integers when digits is 0). */
export function num(value: number, digits = 1): string {
    if (!Number.isFinite(value)) return "n/a";
    return Number.isInteger(value) && digits <= 1 ? String(value) : value.toFixed(digits);
}

/** A ratio "a / b" as "12.3x"; "n/a" when b is 0. */
export function ratio(a: number, b: number): string {
    if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "n/a";
    return `${(a / b).toFixed(1)}x`;
}

/** Bytes as MB with one decimal. */
export function mb(bytes: number): string {
    return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : "n/a";
}
