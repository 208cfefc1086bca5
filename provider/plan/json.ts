/** Small helpers for plain JSON data: narrowing, copying, canonical comparison, quoting in messages. */

/** Whether a value is a plain object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a value is a list of strings. Exported only for the tests. @internal */
export function isStringArray(value: unknown): value is string[] {
    return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** Whether a value is an object whose values are all strings. Exported only for the tests. @internal */
export function isStringRecord(value: unknown): value is Record<string, string> {
    return isPlainObject(value) && Object.values(value).every((v) => typeof v === "string");
}

/** A deep copy of JSON data (`undefined` members are dropped, as JSON would). */
export function deepClone<T>(value: T): T {
    return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** JSON text of a value with the keys of every object sorted and `undefined` members dropped:
 * two values that mean the same JSON give the same text. */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(sortKeys(value)) ?? "undefined";
}

/** Whether two values are the same JSON, whatever the order of their object keys. */
export function jsonEqual(a: unknown, b: unknown): boolean {
    return canonicalJson(a) === canonicalJson(b);
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
    if (isPlainObject(value)) {
        const sorted: Record<string, unknown> = {};
        for (const key of Object.keys(value).sort()) {
            if (value[key] !== undefined) sorted[key] = sortKeys(value[key]);
        }
        return sorted;
    }
    return value;
}

/** A short rendering of a value for an error message: JSON, cut to `max` characters. */
export function quote(value: unknown, max = 80): string {
    const text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
