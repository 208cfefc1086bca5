/**
 * Typed access to an untyped JSON request body.
 *
 * The SDK always sends well-formed members, but anything can reach the port:
 * a member of the wrong type answers `SerializationException`, like AWS.
 */
import { serializationException } from "../errors";

/** A JSON object as parsed from a request body. */
export type JsonObject = Record<string, unknown>;

/** True for a plain (non-array, non-null) object. */
export function isObject(value: unknown): value is JsonObject {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeError(name: string, expected: string): Error {
    return serializationException(`Member '${name}' must be ${expected}.`);
}

/** Reads members of a request object with type checks. */
export class Input {
    constructor(readonly raw: JsonObject) {}

    /** Wraps an unknown value that must be an object (or absent: then empty). */
    static of(value: unknown, name = "body"): Input {
        if (value === undefined || value === null) return new Input({});
        if (!isObject(value)) throw typeError(name, "an object");
        return new Input(value);
    }

    has(name: string): boolean {
        return this.raw[name] !== undefined && this.raw[name] !== null;
    }

    optString(name: string): string | undefined {
        const v = this.raw[name];
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "string") throw typeError(name, "a string");
        return v;
    }

    string(name: string, missing: () => Error): string {
        const v = this.optString(name);
        if (v === undefined || v === "") throw missing();
        return v;
    }

    optNumber(name: string): number | undefined {
        const v = this.raw[name];
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "number" || !Number.isFinite(v)) throw typeError(name, "a number");
        return v;
    }

    optBoolean(name: string): boolean | undefined {
        const v = this.raw[name];
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "boolean") throw typeError(name, "a boolean");
        return v;
    }

    optObject(name: string): Input | undefined {
        const v = this.raw[name];
        if (v === undefined || v === null) return undefined;
        return Input.of(v, name);
    }

    optArray(name: string): unknown[] | undefined {
        const v = this.raw[name];
        if (v === undefined || v === null) return undefined;
        if (!Array.isArray(v)) throw typeError(name, "a list");
        return v;
    }

    /** A list of strings (absent: undefined). */
    optStringList(name: string): string[] | undefined {
        const list = this.optArray(name);
        if (list === undefined) return undefined;
        return list.map((item) => {
            if (typeof item !== "string") throw typeError(name, "a list of strings");
            return item;
        });
    }

    /** A list of objects (absent: undefined). */
    optObjectList(name: string): Input[] | undefined {
        const list = this.optArray(name);
        if (list === undefined) return undefined;
        return list.map((item) => Input.of(item, name));
    }
}
