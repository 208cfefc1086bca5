/**
 * Identifier helpers.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";

/** `n` random hex digits. */
export function randomHex(n: number): string {
    return randomBytes(Math.ceil(n / 2))
        .toString("hex")
        .slice(0, n);
}

/** `n` hex digits derived from a seed (stable across runs). */
export function stableHex(seed: string, n: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, n);
}

/** A random request id (UUID). */
export function requestId(): string {
    return randomUUID();
}

export { randomUUID };
