/**
 * Splits a byte stream into lines (UTF-8 safe across chunk boundaries), as the
 * awslogs driver does: one event per line, `\r\n` trimmed, empty lines skipped.
 */
import { StringDecoder } from "node:string_decoder";

/** A line longer than this (characters) is emitted in pieces (CloudWatch's event limit is 256 KiB). */
export const MAX_LINE_CHARS = 256 * 1024 - 26;

export class LineSplitter {
    private readonly decoder = new StringDecoder("utf8");
    private partial = "";

    /** @param onLine called once per complete, non-empty line. */
    constructor(private readonly onLine: (line: string) => void) {}

    push(chunk: Buffer): void {
        const text = this.partial + this.decoder.write(chunk);
        let start = 0;
        for (;;) {
            const nl = text.indexOf("\n", start);
            if (nl < 0) break;
            this.emit(text.slice(start, nl));
            start = nl + 1;
        }
        this.partial = start === 0 ? text : text.slice(start);
        // Output without newlines is cut into events rather than kept forever.
        while (this.partial.length > MAX_LINE_CHARS) {
            this.emit(this.partial.slice(0, MAX_LINE_CHARS));
            this.partial = this.partial.slice(MAX_LINE_CHARS);
        }
    }

    /** Emits what is left (a last line without a newline). */
    end(): void {
        const rest = this.partial + this.decoder.end();
        this.partial = "";
        if (rest.length > 0) this.emit(rest);
    }

    private emit(line: string): void {
        const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
        if (trimmed.length > 0) this.onLine(trimmed);
    }
}
