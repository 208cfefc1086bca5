/** The checks of each input on its own: types, allowed values, AWS limits. */
import { LAUNCH_TYPES, type TaskRunSpec } from "../types";
import {
    ASSIGN_PUBLIC_IP_VALUES,
    INPUTS_HASH_TAG,
    MAX_CAPACITY_PROVIDER_BASE,
    MAX_CAPACITY_PROVIDER_WEIGHT,
    MAX_TAG_KEY_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    MAX_TAGS,
    PROPAGATE_TAGS_VALUES,
    RESERVED_TAG_PREFIX,
} from "./constants";
import { findCustomizationProblem, parseCustomizations } from "./customizations";
import { slugifyFamily } from "./family";
import { secretsRule } from "./secrets";
import { isPlainObject, quote } from "./json";
import { retryStrategyRule } from "./retryStrategy";
import { isUnknown } from "./unknowns";
import { parseCpu, parseMemory } from "./units";

/** A check of one input: the reason it is wrong, or null. Receives neither `undefined`, `null`
 * nor the unknown sentinel; values inside may be unknown and are then accepted. */
export type FieldRule = (value: unknown) => string | null;

/** The network modes ECS knows. */
const NETWORK_MODES: readonly string[] = ["awsvpc", "bridge", "host", "none"];

/** The check of every input. */
export const FIELD_RULES: Record<keyof TaskRunSpec, FieldRule> = {
    command: (v) => stringList("command", v, 'e.g. ["echo", "hello"]'),
    image: (v) => nonEmptyString("image", v),
    taskDefinitionArn: (v) => nonEmptyString("taskDefinitionArn", v),
    taskDefinition: taskDefinitionRule,
    family: (v) => nonEmptyString("family", v) ?? familyRule("family", v as string),
    containerName: (v) => nonEmptyString("containerName", v),
    cpu: (v) => positiveInteger("cpu", v, "CPU units, 1024 = 1 vCPU"),
    memory: (v) => positiveInteger("memory", v, "MiB"),
    executionRoleArn: (v) => nonEmptyString("executionRoleArn", v),
    taskRoleArn: (v) => nonEmptyString("taskRoleArn", v),
    configureCloudwatchLogs: (v) => boolean("configureCloudwatchLogs", v),
    cloudwatchLogsOptions: (v) => stringRecord("cloudwatchLogsOptions", v, '{ "awslogs-group": "my-group" }'),
    streamOutput: (v) => boolean("streamOutput", v),
    launchType: (v) => oneOf("launchType", v, LAUNCH_TYPES, "a launch type"),
    capacityProviderStrategy: capacityProviderStrategyRule,
    vpcId: (v) => nonEmptyString("vpcId", v),
    networkConfiguration: networkConfigurationRule,
    cluster: (v) => nonEmptyString("cluster", v),
    env: envRule,
    secrets: secretsRule,
    tags: tagsRule,
    propagateTags: (v) => oneOf("propagateTags", v, PROPAGATE_TAGS_VALUES, "a `propagateTags` value"),
    platformVersion: (v) => nonEmptyString("platformVersion", v),
    enableExecuteCommand: (v) => boolean("enableExecuteCommand", v),
    taskCustomizations: taskCustomizationsRule,
    taskStartTimeoutSeconds: (v) => positiveNumber("taskStartTimeoutSeconds", v),
    taskWatchPollInterval: (v) => positiveNumber("taskWatchPollInterval", v),
    autoDeregisterTaskDefinition: (v) => boolean("autoDeregisterTaskDefinition", v),
    waitForCompletion: (v) => boolean("waitForCompletion", v),
    failOnNonZeroExit: (v) => boolean("failOnNonZeroExit", v),
    triggers: (v) =>
        Array.isArray(v) ? null : `\`triggers\` must be a list of values (any change to them runs the task again); got ${quote(v)}.`,
    region: (v) => nonEmptyString("region", v),
    retryStrategy: retryStrategyRule,
};

function nonEmptyString(name: string, v: unknown): string | null {
    if (typeof v === "string" && v.trim() !== "") return null;
    return typeof v === "string"
        ? `\`${name}\` is empty; give a value or leave \`${name}\` out.`
        : `\`${name}\` must be a string; got ${quote(v)}.`;
}

function boolean(name: string, v: unknown): string | null {
    return typeof v === "boolean" ? null : `\`${name}\` must be true or false; got ${quote(v)}.`;
}

function positiveInteger(name: string, v: unknown, unit: string): string | null {
    return typeof v === "number" && Number.isInteger(v) && v > 0
        ? null
        : `\`${name}\` must be a positive integer (${unit}); got ${quote(v)}.`;
}

function positiveNumber(name: string, v: unknown): string | null {
    return typeof v === "number" && Number.isFinite(v) && v > 0
        ? null
        : `\`${name}\` must be a positive number of seconds; got ${quote(v)}.`;
}

function oneOf(name: string, v: unknown, values: readonly string[], what: string): string | null {
    return typeof v === "string" && values.includes(v) ? null : `\`${name}\` ${quote(v)} is not ${what}; valid: ${values.join(", ")}.`;
}

function stringList(name: string, v: unknown, example: string): string | null {
    return Array.isArray(v) && v.every((item) => typeof item === "string")
        ? null
        : `\`${name}\` must be a list of strings, ${example}; got ${quote(v)}.`;
}

function stringRecord(name: string, v: unknown, example: string): string | null {
    if (!isPlainObject(v)) return `\`${name}\` must be an object of string values, e.g. ${example}; got ${quote(v)}.`;
    for (const [key, value] of Object.entries(v)) {
        if (typeof value !== "string") return `\`${name}.${key}\` must be a string; got ${quote(value)}.`;
    }
    return null;
}

function familyRule(where: string, family: string): string | null {
    return slugifyFamily(family) === ""
        ? `\`${where}\` ${quote(family)} has no letter, digit, "-" or "_"; a family needs at least one.`
        : null;
}

function taskDefinitionRule(v: unknown): string | null {
    if (!isPlainObject(v)) return `\`taskDefinition\` must be an object (a RegisterTaskDefinition input, in camelCase); got ${quote(v)}.`;
    const at = (path: string): string => `\`taskDefinition.${path}\``;
    if (v.family !== undefined && !isUnknown(v.family)) {
        if (typeof v.family !== "string") return `${at("family")} must be a string; got ${quote(v.family)}.`;
        const problem = familyRule("taskDefinition.family", v.family);
        if (problem) return problem;
    }
    for (const [key, parse, example] of [
        ["cpu", parseCpu, '"1024" or "1 vCPU"'],
        ["memory", parseMemory, '"2048" or "2 GB"'],
    ] as const) {
        const size = v[key];
        if (size !== undefined && !isUnknown(size) && parse(size) === undefined) {
            return `${at(key)} ${quote(size)} is not a size ECS understands; give e.g. ${example}.`;
        }
    }
    if (
        v.networkMode !== undefined &&
        !isUnknown(v.networkMode) &&
        !(typeof v.networkMode === "string" && NETWORK_MODES.includes(v.networkMode))
    ) {
        return `${at("networkMode")} ${quote(v.networkMode)} is not a network mode; valid: ${NETWORK_MODES.join(", ")}.`;
    }
    for (const key of ["executionRoleArn", "taskRoleArn"]) {
        if (v[key] !== undefined && typeof v[key] !== "string") return `${at(key)} must be a string; got ${quote(v[key])}.`;
    }
    const compat = v.requiresCompatibilities;
    if (compat !== undefined && !(Array.isArray(compat) && compat.every((c) => typeof c === "string"))) {
        return `${at("requiresCompatibilities")} must be a list of strings, e.g. ["FARGATE"]; got ${quote(compat)}.`;
    }
    const containers = v.containerDefinitions;
    if (containers === undefined || isUnknown(containers)) return null;
    if (!Array.isArray(containers))
        return `${at("containerDefinitions")} must be a list of container definitions; got ${quote(containers)}.`;
    for (let i = 0; i < containers.length; i++) {
        const problem = containerRule(`taskDefinition.containerDefinitions[${i}]`, containers[i]);
        if (problem) return problem;
    }
    return null;
}

function containerRule(path: string, c: unknown): string | null {
    if (isUnknown(c)) return null;
    if (!isPlainObject(c)) return `\`${path}\` must be a container definition (an object); got ${quote(c)}.`;
    if (!isUnknown(c.name) && !(typeof c.name === "string" && c.name !== "")) {
        return `\`${path}.name\` must be a non-empty string (every container needs a name); got ${quote(c.name)}.`;
    }
    if (c.image !== undefined && typeof c.image !== "string") return `\`${path}.image\` must be a string; got ${quote(c.image)}.`;
    if (c.command !== undefined && !isUnknown(c.command) && !(Array.isArray(c.command) && c.command.every((s) => typeof s === "string"))) {
        return `\`${path}.command\` must be a list of strings; got ${quote(c.command)}.`;
    }
    const env = c.environment;
    if (env !== undefined && !isUnknown(env)) {
        const ok = Array.isArray(env) && env.every((e) => isUnknown(e) || (isPlainObject(e) && typeof e.name === "string"));
        if (!ok) return `\`${path}.environment\` must be a list of { name, value } objects; got ${quote(env)}.`;
    }
    const logs = c.logConfiguration;
    if (logs !== undefined && !isUnknown(logs) && !(isPlainObject(logs) && typeof logs.logDriver === "string")) {
        return `\`${path}.logConfiguration\` must be an object with a \`logDriver\`; got ${quote(logs)}.`;
    }
    return null;
}

function envRule(v: unknown): string | null {
    if (!isPlainObject(v)) return `\`env\` must be an object of variable names to strings (or null to remove a variable); got ${quote(v)}.`;
    for (const [name, value] of Object.entries(v)) {
        if (name === "") return "`env` has a variable with an empty name; give every variable a name.";
        if (value !== null && typeof value !== "string") {
            return `\`env.${name}\` must be a string, or null to remove the variable; got ${quote(value)}${typeof value === "number" ? ` (write "${value}")` : ""}.`;
        }
    }
    return null;
}

function tagsRule(v: unknown): string | null {
    const typeProblem = stringRecord("tags", v, '{ "team": "data" }');
    if (typeProblem || !isPlainObject(v)) return typeProblem;
    const keys = Object.keys(v);
    if (keys.length > MAX_TAGS - 1) {
        return `\`tags\` has ${keys.length} tags; AWS allows ${MAX_TAGS} per task including the \`${INPUTS_HASH_TAG}\` tag this resource adds, so give at most ${MAX_TAGS - 1}.`;
    }
    for (const key of keys) {
        const value = v[key] as string;
        if (key === "") return "`tags` has an empty key; AWS needs at least one character.";
        if (key === INPUTS_HASH_TAG) return `\`tags\` key \`${INPUTS_HASH_TAG}\` is set by this resource; use another key.`;
        if (key.toLowerCase().startsWith(RESERVED_TAG_PREFIX))
            return `\`tags\` key ${quote(key)} starts with \`aws:\`, which AWS reserves; use another key.`;
        if (!isUnknown(value) && value.toLowerCase().startsWith(RESERVED_TAG_PREFIX)) {
            return `\`tags.${key}\` value ${quote(value)} starts with \`aws:\`, which AWS reserves; use another value.`;
        }
        if ([...key].length > MAX_TAG_KEY_LENGTH)
            return `\`tags\` key ${quote(key, 40)} is ${[...key].length} characters; AWS allows ${MAX_TAG_KEY_LENGTH}.`;
        if ([...value].length > MAX_TAG_VALUE_LENGTH) {
            return `\`tags.${key}\` value is ${[...value].length} characters; AWS allows ${MAX_TAG_VALUE_LENGTH}.`;
        }
    }
    return null;
}

function capacityProviderStrategyRule(v: unknown): string | null {
    const example = 'e.g. [{ "capacityProvider": "FARGATE_SPOT", "weight": 1 }]';
    if (!Array.isArray(v))
        return `\`capacityProviderStrategy\` must be a list of { capacityProvider, weight, base }, ${example}; got ${quote(v)}.`;
    for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        const at = `\`capacityProviderStrategy[${i}]`;
        if (isUnknown(item)) continue;
        if (!isPlainObject(item)) return `${at}\` must be an object, ${example}; got ${quote(item)}.`;
        const extra = Object.keys(item).filter((k) => !["capacityProvider", "weight", "base"].includes(k));
        if (extra.length > 0) return `${at}\` has unknown key(s) ${extra.join(", ")}; valid: capacityProvider, weight, base.`;
        if (!(typeof item.capacityProvider === "string" && item.capacityProvider !== "")) {
            return `${at}.capacityProvider\` must be a non-empty string; got ${quote(item.capacityProvider)}.`;
        }
        for (const [key, max] of [
            ["weight", MAX_CAPACITY_PROVIDER_WEIGHT],
            ["base", MAX_CAPACITY_PROVIDER_BASE],
        ] as const) {
            const n = item[key];
            if (n === undefined || isUnknown(n)) continue;
            if (!(typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= max)) {
                return `${at}.${key}\` must be an integer from 0 to ${max}; got ${quote(n)}.`;
            }
        }
    }
    const placesTasks =
        v.length === 0 ||
        v.some(
            (item: unknown) =>
                isUnknown(item) ||
                (isPlainObject(item) && (isUnknown(item.weight) || (typeof item.weight === "number" && item.weight > 0))),
        );
    return placesTasks
        ? null
        : "`capacityProviderStrategy` needs a capacity provider with a `weight` above 0 (providers of weight 0, the default, place no tasks).";
}

function networkConfigurationRule(v: unknown): string | null {
    if (!isPlainObject(v))
        return `\`networkConfiguration\` must be an object { subnets, securityGroups, assignPublicIp }; got ${quote(v)}.`;
    const extra = Object.keys(v).filter((k) => !["subnets", "securityGroups", "assignPublicIp"].includes(k));
    if (extra.length > 0)
        return `\`networkConfiguration\` has unknown key(s) ${extra.join(", ")}; valid: subnets, securityGroups, assignPublicIp.`;
    const { subnets, securityGroups, assignPublicIp } = v;
    if (subnets !== undefined && subnets !== null && !isUnknown(subnets)) {
        const problem = stringList("networkConfiguration.subnets", subnets, 'e.g. ["subnet-0abc"]');
        if (problem) return problem;
        if ((subnets as string[]).length === 0)
            return "`networkConfiguration.subnets` is empty; give at least one subnet, or leave it out to use the VPC's subnets.";
    }
    if (securityGroups !== undefined && securityGroups !== null && !isUnknown(securityGroups)) {
        const problem = stringList("networkConfiguration.securityGroups", securityGroups, 'e.g. ["sg-0abc"]');
        if (problem) return problem;
    }
    if (assignPublicIp !== undefined && assignPublicIp !== null && !isUnknown(assignPublicIp)) {
        return oneOf("networkConfiguration.assignPublicIp", assignPublicIp, ASSIGN_PUBLIC_IP_VALUES, "an `assignPublicIp` value");
    }
    return null;
}

function taskCustomizationsRule(v: unknown): string | null {
    if (typeof v !== "string" && !Array.isArray(v)) {
        return `\`taskCustomizations\` must be a list of RFC 6902 operations (or a JSON string of one); got ${quote(v)}.`;
    }
    let ops: unknown[];
    try {
        ops = parseCustomizations(v as string);
    } catch (e) {
        return (e as Error).message;
    }
    return findCustomizationProblem(ops)?.message ?? null;
}
