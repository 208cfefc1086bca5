/**
 * The deployment's output as a counting no-op. The provider writes its output to stdout (the
 * Pulumi provider host relays stdout as diagnostics), so the benchmark swaps `process.stdout.write`
 * for a function that only counts, for the length of a scenario. The benchmark's own progress
 * goes to stderr.
 */

/** What the sink counted. */
export interface SinkCounts {
    /** Every line written. */
    lines: number;
    /** Lines that are not the provider's own messages (those start with "[<resource name>]"): the task's log lines. */
    taskLines: number;
    /** When the first and the last task line arrived (epoch ms), 0 when none. */
    firstTaskLineAt: number;
    lastTaskLineAt: number;
    /** The last few provider messages (to explain failures). */
    lastMessages: string[];
}

/** Replaces stdout with a counter until `restore()`. */
export function installCountingSink(): { counts: SinkCounts; restore: () => void } {
    const counts: SinkCounts = { lines: 0, taskLines: 0, firstTaskLineAt: 0, lastTaskLineAt: 0, lastMessages: [] };
    const real = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array): boolean => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        // The provider writes one line per call, ending with "\n".
        counts.lines++;
        if (text.charCodeAt(0) === 91 /* "[" */) {
            counts.lastMessages.push(text.trimEnd());
            if (counts.lastMessages.length > 20) counts.lastMessages.shift();
        } else {
            const now = Date.now();
            if (counts.taskLines === 0) counts.firstTaskLineAt = now;
            counts.lastTaskLineAt = now;
            counts.taskLines++;
        }
        return true;
    }) as typeof process.stdout.write;
    return {
        counts,
        restore: () => {
            process.stdout.write = real;
        },
    };
}
