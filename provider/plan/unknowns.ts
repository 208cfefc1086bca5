/** Values Pulumi does not know yet (during preview, an output of a resource not created yet). */
import { UNKNOWN_VALUE } from "./constants";
import { isPlainObject } from "./json";

/** Whether a value is Pulumi's unknown-value sentinel. */
export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN_VALUE;
}

/** Whether a value is, or contains at any depth, Pulumi's unknown-value sentinel. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (isPlainObject(value)) return Object.values(value).some(containsUnknown);
    return false;
}
