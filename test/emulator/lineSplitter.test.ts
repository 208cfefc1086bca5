import assert from "node:assert/strict";
import { LineSplitter, MAX_LINE_CHARS } from "../../emulator/runner/lineSplitter";
import { LogStream, splitOversized, MAX_EVENT_BYTES } from "../../emulator/services/logs/store";

describe("emulator: line splitting and log storage", () => {
    it("splits lines across chunks, keeps UTF-8 intact, trims \\r and skips empty lines", () => {
        const lines: string[] = [];
        const s = new LineSplitter((l) => lines.push(l));
        const bytes = Buffer.from("héllo\r\nwor", "utf8");
        s.push(bytes.subarray(0, 2)); // cuts the é in half
        s.push(bytes.subarray(2));
        s.push(Buffer.from("ld\n\n\nlast"));
        s.end();
        assert.deepEqual(lines, ["héllo", "world", "last"]);
    });

    it("cuts output without newlines into pieces", () => {
        const lines: string[] = [];
        const s = new LineSplitter((l) => lines.push(l));
        s.push(Buffer.from("x".repeat(MAX_LINE_CHARS + 10)));
        s.end();
        assert.deepEqual(
            lines.map((l) => l.length),
            [MAX_LINE_CHARS, 10],
        );
    });

    it("splits oversized messages by bytes", () => {
        const parts = splitOversized("é".repeat(MAX_EVENT_BYTES));
        assert.ok(parts.length >= 2);
        for (const p of parts) assert.ok(Buffer.byteLength(p) <= MAX_EVENT_BYTES);
        assert.equal(parts.join(""), "é".repeat(MAX_EVENT_BYTES));
    });

    it("keeps events in timestamp order, also when one arrives late", () => {
        const s = new LogStream("s", "arn:aws:logs:us-east-1:1:log-group:g", 0);
        for (const t of [1, 2, 4, 5]) s.append(t, `m${t}`, 10);
        s.append(3, "m3", 11);
        assert.deepEqual(
            Array.from({ length: s.length }, (_, i) => s.message(i)),
            ["m1", "m2", "m3", "m4", "m5"],
        );
        assert.equal(s.lowerBound(3), 2);
        assert.equal(s.upperBound(3), 3);
        for (let i = 0; i < 1000; i += 1) s.append(10 + i, "x", 20);
        assert.equal(s.length, 1005);
        assert.equal(s.timestamp(1004), 1009);
    });
});
