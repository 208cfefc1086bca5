/** Task sizes as ECS writes them: CPU units or `"N vCPU"`, memory MiB or `"N GB"`. */

/** CPU units of a task or container `cpu` value: a positive integer, an integer string, or
 * `"N vCPU"` (1 vCPU = 1024 units). `undefined` when the value is none of these. */
export function parseCpu(value: unknown): number | undefined {
    return parseSize(value, /^(\d+(?:\.\d+)?)\s*vcpu$/i);
}

/** MiB of a task or container `memory` value: a positive integer, an integer string, or
 * `"N GB"` (1 GB = 1024 MiB). `undefined` when the value is none of these. */
export function parseMemory(value: unknown): number | undefined {
    return parseSize(value, /^(\d+(?:\.\d+)?)\s*gb$/i);
}

function parseSize(value: unknown, unitPattern: RegExp): number | undefined {
    if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
    if (typeof value !== "string") return undefined;
    const text = value.trim();
    if (/^\d+$/.test(text)) {
        const n = Number(text);
        return n > 0 ? n : undefined;
    }
    const match = unitPattern.exec(text);
    if (!match) return undefined;
    const n = Math.round(Number(match[1]) * 1024);
    return n > 0 ? n : undefined;
}
