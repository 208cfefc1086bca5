/**
 * Memory of this process while something runs: `process.memoryUsage()` sampled every 50 ms
 * (rss and heapUsed), against a baseline taken after a full GC when one can be forced.
 */
import * as v8 from "node:v8";
import * as vm from "node:vm";

/** `global.gc` if the process runs with --expose-gc, else one obtained by turning the flag on now. */
export function gcFunction(): (() => void) | undefined {
    const g = globalThis as unknown as { gc?: () => void };
    if (typeof g.gc === "function") return g.gc;
    try {
        v8.setFlagsFromString("--expose-gc");
        const gc = vm.runInNewContext("gc") as unknown;
        return typeof gc === "function" ? (gc as () => void) : undefined;
    } catch {
        return undefined;
    }
}

/** What a {@link MemorySampler} saw. */
export interface MemoryReport {
    /** Whether a full GC ran before the baseline. */
    gcBeforeBaseline: boolean;
    baselineRss: number;
    baselineHeapUsed: number;
    peakRss: number;
    peakHeapUsed: number;
    /** peak - baseline. */
    rssGrowth: number;
    heapGrowth: number;
    samples: number;
    /** heapUsed after the run and a full GC, minus the baseline: what the run left behind (NaN without GC). */
    retainedHeap: number;
    /** The process's largest RSS so far (`process.resourceUsage().maxRSS`), in bytes. */
    maxRssEver: number;
}

/** Samples this process's memory every `intervalMs` between {@link MemorySampler.start} and {@link MemorySampler.stop}. */
export class MemorySampler {
    private timer: NodeJS.Timeout | undefined;
    private baselineRss = 0;
    private baselineHeap = 0;
    private peakRss = 0;
    private peakHeap = 0;
    private samples = 0;
    private gcRan = false;

    constructor(private readonly intervalMs = 50) {}

    start(): void {
        const gc = gcFunction();
        if (gc) {
            gc();
            gc();
            this.gcRan = true;
        }
        const m = process.memoryUsage();
        this.baselineRss = this.peakRss = m.rss;
        this.baselineHeap = this.peakHeap = m.heapUsed;
        this.timer = setInterval(() => this.sample(), this.intervalMs);
    }

    private sample(): void {
        const m = process.memoryUsage();
        this.samples++;
        if (m.rss > this.peakRss) this.peakRss = m.rss;
        if (m.heapUsed > this.peakHeap) this.peakHeap = m.heapUsed;
    }

    stop(): MemoryReport {
        if (this.timer) clearInterval(this.timer);
        this.sample();
        const gc = gcFunction();
        let retainedHeap = Number.NaN;
        if (gc && this.gcRan) {
            gc();
            gc();
            retainedHeap = process.memoryUsage().heapUsed - this.baselineHeap;
        }
        return {
            retainedHeap,
            gcBeforeBaseline: this.gcRan,
            baselineRss: this.baselineRss,
            baselineHeapUsed: this.baselineHeap,
            peakRss: this.peakRss,
            peakHeapUsed: this.peakHeap,
            rssGrowth: this.peakRss - this.baselineRss,
            heapGrowth: this.peakHeap - this.baselineHeap,
            samples: this.samples,
            maxRssEver: process.resourceUsage().maxRSS * 1024,
        };
    }
}
