/**
 * Journal of every AWS request the emulator answered (control requests are not journaled).
 */

/** One journaled AWS request. */
export interface JournalEntry {
    /** When the request arrived (ISO 8601). */
    time: string;
    /** `ecs`, `ec2`, `logs` or `unknown`. */
    service: string;
    /** Operation name, e.g. `RunTask`. */
    operation: string;
    /** HTTP status of the answer. */
    status: number;
    /** Error code when the answer is an error. */
    errorCode?: string;
    /** Time spent answering, in milliseconds. */
    durationMs: number;
}

/** Bounded, in-memory request journal. */
export class Journal {
    private entries: JournalEntry[] = [];

    /** @param limit oldest entries are dropped past this many (default 100,000). */
    constructor(private readonly limit = 100_000) {}

    add(entry: JournalEntry): void {
        this.entries.push(entry);
        if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    }

    /** A copy of the entries, oldest first; optionally only those of one operation/service. */
    list(filter: { operation?: string; service?: string } = {}): JournalEntry[] {
        return this.entries.filter(
            (e) =>
                (filter.operation === undefined || e.operation === filter.operation) &&
                (filter.service === undefined || e.service === filter.service),
        );
    }

    /** Number of requests per operation name. */
    countByOperation(): Record<string, number> {
        const counts: Record<string, number> = {};
        for (const e of this.entries) counts[e.operation] = (counts[e.operation] ?? 0) + 1;
        return counts;
    }

    clear(): void {
        this.entries = [];
    }
}
