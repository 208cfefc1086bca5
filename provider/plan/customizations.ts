/** RFC 6902 customizations of the RunTask request (`taskCustomizations`). */
import { applyOperation, JsonPatchError, validate, type Operation } from "fast-json-patch";
import type { JsonPatchOperation } from "../types";
import { deepClone, isPlainObject, quote } from "./json";

/**
 * The operations of a `taskCustomizations` input: the list itself (copied), the operations of a
 * JSON string, or `[]` when absent or an empty string. Throws an `Error` naming the input
 * when the string is not JSON or is not a list.
 */
export function parseCustomizations(value: JsonPatchOperation[] | string | undefined): JsonPatchOperation[] {
    if (value === undefined) return [];
    let parsed: unknown = value;
    if (typeof value === "string") {
        if (value.trim() === "") return [];
        try {
            parsed = JSON.parse(value);
        } catch (e) {
            throw new Error(`\`taskCustomizations\` is not valid JSON (${(e as Error).message}); give a list of RFC 6902 operations.`);
        }
    }
    if (!Array.isArray(parsed)) {
        throw new Error(`\`taskCustomizations\` must be a list of RFC 6902 operations; got ${quote(parsed)}.`);
    }
    return deepClone(parsed) as JsonPatchOperation[];
}

/** Why a customization cannot be used: which operation, and fast-json-patch's error name. */
export interface CustomizationProblem {
    /** The index of the failing operation (`-1` when the list itself is wrong). */
    index: number;
    /** fast-json-patch's error name, e.g. `OPERATION_OP_INVALID`, `OPERATION_PATH_UNRESOLVABLE`. */
    name: string;
    /** A sentence saying what is wrong and what to do. */
    message: string;
}

/** The operations RFC 6902 defines (fast-json-patch also accepts its internal `_get`). */
const RFC6902_OPS: readonly string[] = ["add", "remove", "replace", "move", "copy", "test"];

/**
 * Checks operations: their form (RFC 6902), and, when `document` is given, that each applies to
 * the document as changed by the ones before it (the document itself is not changed).
 * `null` when they are fine.
 */
export function findCustomizationProblem(ops: readonly unknown[], document?: Record<string, unknown>): CustomizationProblem | null {
    return applyAll(ops, document).problem;
}

/**
 * Applies operations to a deep copy of `request`, validating each (an `add` whose parent does
 * not exist fails, as RFC 6902 says), and returns the new document. Throws an `Error` naming the
 * failing operation. Does not mutate its arguments.
 */
export function applyCustomizations<T extends Record<string, unknown>>(request: T, ops: readonly JsonPatchOperation[]): T {
    const { document, problem } = applyAll(ops, request);
    if (problem) throw new Error(problem.message);
    return document as T;
}

/** Applies the operations one by one (fast-json-patch reports every validation error at index 0
 * when it applies a whole patch, so the index is tracked here). */
function applyAll(
    ops: readonly unknown[],
    original: Record<string, unknown> | undefined,
): { document: unknown; problem: CustomizationProblem | null } {
    if (!Array.isArray(ops)) {
        return {
            document: original,
            problem: { index: -1, name: "SEQUENCE_NOT_AN_ARRAY", message: "`taskCustomizations` must be a list of RFC 6902 operations." },
        };
    }
    let document: unknown = deepClone(original);
    for (let index = 0; index < ops.length; index++) {
        const op = ops[index];
        const formError =
            isPlainObject(op) && !RFC6902_OPS.includes(String(op.op))
                ? { name: "OPERATION_OP_INVALID", message: `\`op\` must be one of ${RFC6902_OPS.join(", ")}` }
                : validate([op as Operation]);
        if (formError) return { document, problem: problem(index, op, formError.name, formError.message, "") };
        if (original === undefined) continue;
        const before = document;
        try {
            document = applyOperation(document, deepClone(op) as Operation, true, true, true, index).newDocument;
        } catch (e) {
            const name = e instanceof JsonPatchError ? e.name : "OPERATION_PATH_UNRESOLVABLE";
            const message = e instanceof JsonPatchError ? e.message : "Cannot perform the operation at the desired path";
            return { document: before, problem: problem(index, op, name, message, missingPathHint(op, before)) };
        }
    }
    return { document, problem: null };
}

function problem(index: number, op: unknown, name: string, message: string, hint: string): CustomizationProblem {
    return {
        index,
        name,
        message: `\`taskCustomizations\` operation ${index} ${describeOperation(op)}: ${message.split("\n")[0]} (${name})${hint}.`,
    };
}

function describeOperation(op: unknown): string {
    if (isPlainObject(op) && typeof op.op === "string" && typeof op.path === "string") {
        const from = typeof op.from === "string" ? ` from ${op.from}` : "";
        return `(${op.op} ${op.path}${from})`;
    }
    return quote(op, 60);
}

/** Names the first segment of the operation's path (or `from`) that the document lacks. */
function missingPathHint(op: unknown, document: unknown): string {
    if (!isPlainObject(op)) return "";
    for (const pointer of [op.from, op.path]) {
        if (typeof pointer !== "string" || pointer === "") continue;
        const segments = pointer
            .split("/")
            .slice(1)
            .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
        let node: unknown = document;
        // An `add` may create the last segment; only its parent must exist.
        const creates = pointer === op.path && (op.op === "add" || op.op === "move" || op.op === "copy");
        const needed = creates ? segments.length - 1 : segments.length;
        for (let i = 0; i < needed; i++) {
            const next = childOf(node, segments[i]);
            if (next === undefined) {
                const at = "/" + segments.slice(0, i + 1).join("/");
                return `; the planned RunTask request has no \`${at}\``;
            }
            node = next;
        }
    }
    return "";
}

function childOf(node: unknown, segment: string): unknown {
    if (Array.isArray(node)) return /^\d+$/.test(segment) ? node[Number(segment)] : undefined;
    if (isPlainObject(node) && Object.prototype.hasOwnProperty.call(node, segment)) return node[segment];
    return undefined;
}
