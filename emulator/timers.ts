/**
 * Timers that can all be cancelled at once (on `close()`).
 */
export class Timers {
    private readonly pending = new Set<NodeJS.Timeout>();
    private closed = false;

    /** Runs `fn` after `ms` milliseconds (0 or less: on the next turn); returns a cancel function. No-op once closed. */
    after(ms: number, fn: () => void): () => void {
        if (this.closed) return () => undefined;
        const handle = setTimeout(
            () => {
                this.pending.delete(handle);
                fn();
            },
            Math.max(0, ms),
        );
        this.pending.add(handle);
        return () => {
            clearTimeout(handle);
            this.pending.delete(handle);
        };
    }

    /** Cancels every pending timer and refuses new ones. */
    close(): void {
        this.closed = true;
        this.clearAll();
    }

    /** Cancels every pending timer. */
    clearAll(): void {
        for (const handle of this.pending) clearTimeout(handle);
        this.pending.clear();
    }
}
