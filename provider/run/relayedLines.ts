/**
 * What both log readers (the shared hub's `HubLogReader` and the per-stream `LogStreamer`) do with
 * a line once it is read: strip its trailing newline, count it, hand it to the observer, and keep
 * the last lines for `logTail` in a ring buffer (memory bounded however long the log).
 * State is plain fields set in the constructor (closure serialization; see waiting.ts).
 */

/** The relayed lines of one stream: a count and the last `tailLines`. */
export class RelayedLines {
    /** Lines relayed so far. */
    count: number;

    private readonly capacity: number;
    private readonly onLine: ((line: string) => void) | undefined;
    /** Ring buffer of the last lines: `ring[(start + i) % capacity]`. */
    private ring: string[];
    private start: number;

    /**
     * @param tailLines - how many last lines {@link RelayedLines.tail} keeps; default 50.
     * @param onLine - called with each line, in order; an exception it throws is ignored. Default: none.
     */
    constructor(tailLines: number | undefined, onLine: ((line: string) => void) | undefined) {
        this.count = 0;
        this.capacity = Math.max(0, tailLines ?? 50);
        this.onLine = onLine;
        this.ring = [];
        this.start = 0;
    }

    /** Relays one event's message as a line. */
    push(message: string): void {
        // Most lines have no trailing newline: no new string for them (a log flood makes millions).
        const line = message.endsWith("\n") ? message.replace(/\r?\n$/, "") : message;
        this.count++;
        try {
            this.onLine?.(line);
        } catch {
            // A faulty observer must not stop the reading.
        }
        const cap = this.capacity;
        if (cap === 0) return;
        if (this.ring.length < cap) {
            this.ring.push(line);
        } else {
            this.ring[this.start] = line;
            this.start = (this.start + 1) % cap;
        }
    }

    /** The last `tailLines` lines, oldest first. */
    tail(): string[] {
        if (this.ring.length < this.capacity) return [...this.ring];
        return [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
    }
}
