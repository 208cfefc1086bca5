/**
 * Where one container's output goes when it uses the awslogs driver: the
 * stream `<awslogs-stream-prefix>/<container name>/<task id>` of `awslogs-group`.
 * With the `logStreamDelayMs` fault the stream appears late and lines produced
 * before are buffered, then delivered (with a later ingestion time).
 */
import type { LogStore, LogStream } from "../services/logs/store";
import { splitOversized } from "../services/logs/store";
import type { Timers } from "../timers";

export class LogSink {
    private stream: LogStream | undefined;
    private buffer: Array<{ timestamp: number; message: string }> = [];

    constructor(
        private readonly store: LogStore,
        private readonly groupName: string,
        readonly streamName: string,
        delayMs: number,
        timers: Timers,
    ) {
        if (delayMs <= 0) this.open();
        else timers.after(delayMs, () => this.open());
    }

    write(timestamp: number, message: string): void {
        for (const part of splitOversized(message)) {
            if (this.stream) this.stream.append(timestamp, part, Date.now());
            else this.buffer.push({ timestamp, message: part });
        }
    }

    private open(): void {
        const group = this.store.getGroup(this.groupName);
        if (!group) {
            this.buffer = [];
            return;
        }
        this.stream = group.ensureStream(this.streamName, Date.now());
        const now = Date.now();
        for (const e of this.buffer) this.stream.append(e.timestamp, e.message, now);
        this.buffer = [];
    }
}
