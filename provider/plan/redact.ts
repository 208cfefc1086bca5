/** What a redacted value shows instead of a secret. */
export const REDACTED = "[secret]";

/**
 * The string leaves of the inputs named secret, longest first: every value that a secret input
 * contributes to a plan or a log line appears there verbatim. A string that is JSON of an object
 * or a list (`taskCustomizations` may be given so) contributes its parsed leaves too, since the
 * plan holds the parsed values.
 */
export function secretStrings(inputs: Record<string, unknown>, secretKeys: string[] | undefined): string[] {
    const found: string[] = [];
    const visit = (value: unknown): void => {
        if (typeof value === "string") {
            if (value.length > 0) found.push(value);
            const parsed = parsedJson(value);
            if (parsed !== undefined) visit(parsed);
        } else if (typeof value === "number" || typeof value === "boolean") {
            found.push(String(value));
        } else if (Array.isArray(value)) {
            value.forEach(visit);
        } else if (value && typeof value === "object") {
            Object.values(value).forEach(visit);
        }
    };
    for (const key of secretKeys ?? []) visit(inputs[key]);
    return [...new Set(found)].sort((a, b) => b.length - a.length);
}

/** The value of a string that is JSON of an object or a list; undefined otherwise. */
function parsedJson(text: string): unknown {
    const trimmed = text.trim();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
    try {
        const value: unknown = JSON.parse(trimmed);
        return typeof value === "object" && value !== null ? value : undefined;
    } catch {
        return undefined;
    }
}

/** Replaces every occurrence of a secret string within a string. */
export function redactText(text: string, secrets: string[]): string {
    let out = text;
    for (const s of secrets) out = out.split(s).join(REDACTED);
    return out;
}

/**
 * A deep copy of `value` in which every string that contains a secret has it replaced by
 * {@link REDACTED} (numbers and booleans equal to a secret become the marker too). Keys are kept,
 * so the shape of what would be sent stays visible.
 */
export function redactDeep<T>(value: T, secrets: string[]): T {
    if (secrets.length === 0) return value;
    const walk = (v: unknown): unknown => {
        if (typeof v === "string") return redactText(v, secrets);
        if ((typeof v === "number" || typeof v === "boolean") && secrets.includes(String(v))) return REDACTED;
        if (Array.isArray(v)) return v.map(walk);
        if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
        return v;
    };
    return walk(value) as T;
}
