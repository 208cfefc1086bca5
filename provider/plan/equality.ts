/** Whether two task definitions mean the same, and the request that registers one. */
import type { TaskDefinition } from "../types";
import { READ_ONLY_TASK_DEFINITION_FIELDS } from "./constants";
import { deepClone, isPlainObject, jsonEqual } from "./json";
import { parseCpu, parseMemory } from "./units";

/**
 * Whether two task definitions mean the same, one possibly as DescribeTaskDefinition returns it
 * (with the defaults AWS fills in) and the other as it would be registered. Both null or
 * undefined: equal; only one: not. Otherwise both are normalized, then compared as JSON:
 *
 * - the fields AWS adds on registration are dropped (`POST_REGISTRATION_FIELDS`, `deleteRequestedAt`);
 * - AWS's defaults are applied: `networkMode: "bridge"`, and `essential: true` on every container
 *   that does not say (AWS's documented default; the reference only marked the first container
 *   when none was essential, which made `essential` omitted and `essential: false` look equal);
 * - "empty" values are dropped recursively, as the reference does (`if not value`): `""`, `[]`,
 *   `{}`, `null`, `false` and `0`. So `cpu: 0` on a container (what AWS returns when unset) equals
 *   no `cpu`, and an option set to `false` equals the option left out. Unlike the reference,
 *   objects and lists emptied by that are dropped too;
 * - task-level `cpu`/`memory` are compared as numbers (`"1 vCPU"` = `"1024"` = `1024`);
 * - order that carries no meaning is ignored: `tags` (by key), `requiresCompatibilities`, and a
 *   container's `environment` and `secrets` (by name).
 *
 * Does not mutate its arguments.
 */
export function taskDefinitionsEqual(a: TaskDefinition | null | undefined, b: TaskDefinition | null | undefined): boolean {
    if (a == null || b == null) return a == null && b == null;
    return jsonEqual(normalize(a), normalize(b));
}

/**
 * The RegisterTaskDefinition input for a definition (which may come from DescribeTaskDefinition):
 * a copy without the fields AWS adds on registration; `tags` given as an object are turned into
 * the `[{ key, value }]` list RegisterTaskDefinition takes (sorted by key), and an empty tag list is
 * left out. Does not mutate its argument.
 */
export function registrationRequest(td: TaskDefinition): TaskDefinition {
    const request = deepClone(td);
    for (const field of READ_ONLY_TASK_DEFINITION_FIELDS) delete request[field];
    const tags: unknown = request.tags;
    if (isPlainObject(tags)) {
        request.tags = Object.keys(tags)
            .sort()
            .map((key) => ({ key, value: tags[key] }));
    }
    if (Array.isArray(request.tags) && request.tags.length === 0) delete request.tags;
    return request;
}

function normalize(td: TaskDefinition): unknown {
    const copy = registrationRequest(td);
    copy.networkMode ??= "bridge";
    if (Array.isArray(copy.containerDefinitions)) {
        for (const container of copy.containerDefinitions) {
            if (!isPlainObject(container)) continue;
            container.essential ??= true;
            if (Array.isArray(container.environment)) container.environment = sortBy(container.environment, "name");
            if (Array.isArray(container.secrets)) container.secrets = sortBy(container.secrets, "name");
        }
    }
    // null (as JSON gives an unset size) is dropped below like undefined, not compared as "null".
    if (copy.cpu != null) copy.cpu = String(parseCpu(copy.cpu) ?? copy.cpu);
    if (copy.memory != null) copy.memory = String(parseMemory(copy.memory) ?? copy.memory);
    if (Array.isArray(copy.requiresCompatibilities)) copy.requiresCompatibilities = [...copy.requiresCompatibilities].sort();
    if (Array.isArray(copy.tags)) copy.tags = sortBy(copy.tags, "key");
    return dropEmpty(copy);
}

function sortBy<T>(items: T[], key: string): T[] {
    const keyOf = (item: T): string => (isPlainObject(item) ? String(item[key]) : "");
    return [...items].sort((x, y) => (keyOf(x) < keyOf(y) ? -1 : keyOf(x) > keyOf(y) ? 1 : 0));
}

/** Drops members with falsy values and the objects and lists left empty, recursively; `undefined`
 * when nothing is left. Items of lists are kept (`["sh", "-c", ""]` keeps its `""`); objects in
 * lists are cleaned but kept. */
function dropEmpty(value: unknown): unknown {
    if (Array.isArray(value)) {
        if (value.length === 0) return undefined;
        return value.map((item) => {
            if (isPlainObject(item)) return dropEmpty(item) ?? {};
            if (Array.isArray(item)) return dropEmpty(item) ?? [];
            return item;
        });
    }
    if (isPlainObject(value)) {
        const result: Record<string, unknown> = {};
        for (const [key, member] of Object.entries(value)) {
            const kept = dropEmpty(member);
            if (kept !== undefined) result[key] = kept;
        }
        return Object.keys(result).length > 0 ? result : undefined;
    }
    return value ? value : undefined;
}
