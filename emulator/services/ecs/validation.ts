/**
 * ECS input rules that AWS enforces where a user would hit them.
 * Figures from /work/shared/reference/ecs-facts.md and the ECS API reference.
 */
import { clientException, invalidParameter } from "../../errors";
import type { Input } from "../../protocol/input";
import type { Tag } from "./model";

/** Family: up to 255 letters, digits, hyphens and underscores. */
export const FAMILY_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

export function validateFamily(family: string): void {
    if (!FAMILY_PATTERN.test(family)) {
        throw clientException(
            "Family contains invalid characters or is too long. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.",
        );
    }
}

/** startedBy: up to 128 letters, digits, `-`, `/`, `_`. */
export function validateStartedBy(startedBy: string): void {
    if (!/^[A-Za-z0-9_/-]{1,128}$/.test(startedBy)) {
        throw invalidParameter(
            "startedBy can have up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slashes (/), and underscores (_).",
        );
    }
}

/** clientToken: up to 64 ASCII characters 33-126. */
export function validateClientToken(token: string): void {
    if (!/^[\x21-\x7e]{1,64}$/.test(token)) {
        throw invalidParameter("clientToken must be 1 to 64 ASCII characters (codes 33-126).");
    }
}

/** Reads and checks `tags` (at most 50; key 1-128, value 0-256; `aws:` is reserved). */
export function readTags(input: Input, name = "tags"): Tag[] {
    const list = input.optObjectList(name) ?? [];
    if (list.length > 50) throw invalidParameter("The number of tags exceeds the limit of 50.");
    return list.map((t) => {
        const key = t.optString("key") ?? "";
        const value = t.optString("value") ?? "";
        if (key.length < 1 || key.length > 128) throw invalidParameter("Tag keys must be between 1 and 128 characters.");
        if (value.length > 256) throw invalidParameter("Tag values must be at most 256 characters.");
        if (key.toLowerCase().startsWith("aws:")) throw invalidParameter("Tag keys beginning with 'aws:' are reserved.");
        return { key, value };
    });
}

/** Merges tags (later keys win); checks the total against the limit of 50. */
export function mergeTags(current: Tag[], added: Tag[]): Tag[] {
    const map = new Map(current.map((t) => [t.key, t.value]));
    for (const t of added) map.set(t.key, t.value);
    if (map.size > 50) throw invalidParameter("The number of tags exceeds the limit of 50.");
    return [...map].map(([key, value]) => ({ key, value }));
}

/** Fargate task cpu → allowed memory (MiB). */
const FARGATE_MEMORY: ReadonlyMap<number, readonly number[]> = new Map([
    [256, [512, 1024, 2048]],
    [512, range(1024, 4096, 1024)],
    [1024, range(2048, 8192, 1024)],
    [2048, range(4096, 16384, 1024)],
    [4096, range(8192, 30720, 1024)],
    [8192, range(16384, 61440, 4096)],
    [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/** Task cpu as registered: `1024`, or `1 vCPU` → `1024`. Undefined when not a number. */
export function normalizeCpu(cpu: string): string | undefined {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(cpu);
    if (!m) return undefined;
    return String(Math.round(m[2] ? Number(m[1]) * 1024 : Number(m[1])));
}

/** Task memory as registered: `2048`, or `2 GB` → `2048`. Undefined when not a number. */
export function normalizeMemory(memory: string): string | undefined {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(gb|mb)?\s*$/i.exec(memory);
    if (!m) return undefined;
    return String(Math.round(m[2]?.toLowerCase() === "gb" ? Number(m[1]) * 1024 : Number(m[1])));
}

/** True when cpu/memory (normalized MiB strings) is a valid Fargate pair. */
export function isFargatePair(cpu: string | undefined, memory: string | undefined): boolean {
    if (cpu === undefined || memory === undefined) return false;
    return FARGATE_MEMORY.get(Number(cpu))?.includes(Number(memory)) ?? false;
}

/** RegisterTaskDefinition checks for `requiresCompatibilities: ["FARGATE"]`. */
export function validateFargateDefinition(networkMode: string, cpu: string | undefined, memory: string | undefined): void {
    if (networkMode !== "awsvpc") throw clientException("Fargate only supports network mode ‘awsvpc’.");
    if (cpu === undefined) throw clientException("Fargate requires that 'cpu' be defined at the task level.");
    if (memory === undefined) throw clientException("Fargate requires that 'memory' be defined at the task level.");
    const allowed = FARGATE_MEMORY.get(Number(cpu));
    if (!allowed) throw clientException("Invalid 'cpu' setting for task.");
    if (!allowed.includes(Number(memory))) {
        throw clientException(
            `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the possible combinations and try again.`,
        );
    }
}
