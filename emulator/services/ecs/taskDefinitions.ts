/**
 * RegisterTaskDefinition, DescribeTaskDefinition, DeregisterTaskDefinition,
 * ListTaskDefinitions, ListTaskDefinitionFamilies.
 */
import type { EmulatorContext, JsonHandler } from "../../context";
import { clientException, invalidParameter } from "../../errors";
import { Input, type JsonObject } from "../../protocol/input";
import { parseTaskDefinitionRef } from "./arns";
import { toEpochSeconds, type ContainerDefinition, type KeyValuePair, type TaskDefinition, type TaskDefinitionRecord } from "./model";
import type { EcsState } from "./state";
import { isFargatePair, normalizeCpu, normalizeMemory, readTags, validateFamily, validateFargateDefinition } from "./validation";

const NETWORK_MODES = new Set(["bridge", "host", "awsvpc", "none"]);
const COMPATIBILITIES = new Set(["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"]);
const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Members RegisterTaskDefinition copies as given (besides those it normalizes). */
const PASSTHROUGH = [
    "taskRoleArn",
    "executionRoleArn",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
    "ephemeralStorage",
    "runtimePlatform",
    "enableFaultInjection",
];

function normalizeContainer(raw: Input, networkMode: string, taskMemory: string | undefined, needsMemory: boolean): ContainerDefinition {
    const name = raw.optString("name");
    if (name === undefined || name === "") throw clientException("Container.name should not be null or empty.");
    if (!CONTAINER_NAME.test(name)) {
        throw clientException(
            `Container name '${name}' is invalid. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.`,
        );
    }
    const image = raw.optString("image");
    if (image === undefined || image === "") throw clientException("Container.image should not be null or empty.");
    const memory = raw.optNumber("memory");
    const memoryReservation = raw.optNumber("memoryReservation");
    if (needsMemory && taskMemory === undefined && memory === undefined && memoryReservation === undefined) {
        throw clientException(
            `Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
        );
    }
    const command = raw.optStringList("command");
    const entryPoint = raw.optStringList("entryPoint");
    const environment = (raw.optObjectList("environment") ?? []).map((e): KeyValuePair => {
        const n = e.optString("name");
        if (n === undefined || n === "") throw clientException("Environment variable name should not be null or empty.");
        return { name: n, value: e.optString("value") ?? "" };
    });
    const portMappings = (raw.optObjectList("portMappings") ?? []).map((p) => {
        const containerPort = p.optNumber("containerPort");
        const hostPort = p.optNumber("hostPort") ?? (networkMode === "awsvpc" || networkMode === "host" ? containerPort : undefined);
        return { ...p.raw, containerPort, hostPort, protocol: p.optString("protocol") ?? "tcp" };
    });
    for (const secret of raw.optObjectList("secrets") ?? []) {
        if (!secret.optString("name")) throw clientException("Secret name should not be null or empty.");
        if (!secret.optString("valueFrom")) throw clientException("Secret valueFrom should not be null or empty.");
    }
    const logConfiguration = raw.optObject("logConfiguration");
    if (logConfiguration && !logConfiguration.optString("logDriver")) throw clientException("Log driver should not be null or empty.");
    const stopTimeout = raw.optNumber("stopTimeout");
    if (stopTimeout !== undefined && (stopTimeout < 0 || stopTimeout > 120)) {
        throw clientException("Invalid 'stopTimeout' setting for container. The value must be between 0 and 120 seconds.");
    }
    return {
        ...raw.raw,
        name,
        image,
        cpu: raw.optNumber("cpu") ?? 0,
        portMappings,
        essential: raw.optBoolean("essential") ?? true,
        ...(command !== undefined ? { command } : {}),
        ...(entryPoint !== undefined ? { entryPoint } : {}),
        environment,
        mountPoints: raw.optArray("mountPoints") ?? [],
        volumesFrom: raw.optArray("volumesFrom") ?? [],
        systemControls: raw.optArray("systemControls") ?? [],
    };
}

/** The attributes AWS adds for what the definition needs. */
function requiresAttributesOf(def: TaskDefinition): KeyValuePair[] {
    const names = new Set<string>();
    const awslogs = def.containerDefinitions.some((c) => c.logConfiguration?.logDriver === "awslogs");
    if (awslogs) {
        names.add("com.amazonaws.ecs.capability.logging-driver.awslogs");
        names.add("com.amazonaws.ecs.capability.docker-remote-api.1.19");
        if (def.executionRoleArn) names.add("ecs.capability.execution-role-awslogs");
    }
    if (def.taskRoleArn) names.add("com.amazonaws.ecs.capability.task-iam-role");
    if (def.networkMode === "awsvpc") names.add("ecs.capability.task-eni");
    names.add("com.amazonaws.ecs.capability.docker-remote-api.1.18");
    return [...names].sort().map((name) => ({ name }));
}

const registerTaskDefinition: JsonHandler = (input, ctx) => {
    const family = input.string("family", () => clientException("Family should not be null or empty."));
    validateFamily(family);
    const containers = input.optObjectList("containerDefinitions") ?? [];
    if (containers.length === 0) throw clientException("Container list cannot be empty.");
    const networkMode = input.optString("networkMode") ?? "bridge";
    if (!NETWORK_MODES.has(networkMode)) throw clientException(`Invalid networkMode '${networkMode}'.`);
    const requires = input.optStringList("requiresCompatibilities");
    for (const c of requires ?? []) if (!COMPATIBILITIES.has(c)) throw clientException(`Invalid requiresCompatibilities value '${c}'.`);
    const rawCpu = input.optString("cpu");
    const rawMemory = input.optString("memory");
    const cpu = rawCpu === undefined ? undefined : normalizeCpu(rawCpu);
    const memory = rawMemory === undefined ? undefined : normalizeMemory(rawMemory);
    if (rawCpu !== undefined && cpu === undefined) throw clientException("Invalid 'cpu' setting for task.");
    if (rawMemory !== undefined && memory === undefined) throw clientException("Invalid 'memory' setting for task.");
    const fargate = requires?.includes("FARGATE") ?? false;
    if (fargate) validateFargateDefinition(networkMode, cpu, memory);
    const tags = readTags(input);
    // EC2 (the default) needs memory at the task level or on every container.
    const needsMemory = !fargate;
    const containerDefinitions = containers.map((c) => normalizeContainer(c, networkMode, memory, needsMemory));
    const names = new Set<string>();
    for (const c of containerDefinitions) {
        if (names.has(c.name))
            throw clientException(`Duplicate container name '${c.name}'. Container names must be unique within a task definition.`);
        names.add(c.name);
    }
    if (!containerDefinitions.some((c) => c.essential)) {
        throw clientException("A task definition must have at least one essential container.");
    }
    const executionRoleArn = input.optString("executionRoleArn");
    if (fargate && !executionRoleArn && containerDefinitions.some((c) => c.logConfiguration?.logDriver === "awslogs")) {
        throw clientException("Fargate requires task definition to have execution role ARN to support log driver awslogs.");
    }
    const revisions = ctx.ecs.taskDefinitions.get(family) ?? [];
    const revision = revisions.length + 1;
    const passthrough: JsonObject = {};
    for (const key of PASSTHROUGH) if (input.has(key)) passthrough[key] = input.raw[key];
    const compatibilities = ["EC2"];
    if (networkMode !== "awsvpc") compatibilities.push("EXTERNAL");
    if (fargate || (networkMode === "awsvpc" && isFargatePair(cpu, memory))) compatibilities.push("FARGATE");
    const definition: TaskDefinition = {
        ...passthrough,
        taskDefinitionArn: ctx.ecs.arns.taskDefinition(family, revision),
        containerDefinitions,
        family,
        networkMode,
        revision,
        volumes: input.optArray("volumes") ?? [],
        status: "ACTIVE",
        requiresAttributes: [],
        placementConstraints: input.optArray("placementConstraints") ?? [],
        compatibilities,
        ...(cpu !== undefined ? { cpu } : {}),
        ...(memory !== undefined ? { memory } : {}),
        registeredAt: Date.now(),
        registeredBy: `arn:aws:iam::${ctx.accountId}:root`,
    };
    definition.requiresAttributes = requiresAttributesOf(definition);
    revisions.push({ definition, tags });
    ctx.ecs.taskDefinitions.set(family, revisions);
    return { taskDefinition: taskDefinitionToWire(definition), tags };
};

/** The definition with epoch-second timestamps, as the API answers it. */
export function taskDefinitionToWire(def: TaskDefinition): JsonObject {
    return { ...def, registeredAt: toEpochSeconds(def.registeredAt), deregisteredAt: toEpochSeconds(def.deregisteredAt) };
}

/**
 * Finds a definition by `family` (latest ACTIVE revision), `family:revision` or ARN.
 * Undefined when there is none.
 */
export function findTaskDefinition(state: EcsState, ref: string): TaskDefinitionRecord | undefined {
    const parsed = parseTaskDefinitionRef(ref);
    if (!parsed) return undefined;
    const revisions = state.taskDefinitions.get(parsed.family);
    if (!revisions) return undefined;
    if (parsed.revision !== undefined) return revisions[parsed.revision - 1];
    for (let i = revisions.length - 1; i >= 0; i -= 1) {
        if (revisions[i].definition.status === "ACTIVE") return revisions[i];
    }
    return undefined;
}

const describeTaskDefinition: JsonHandler = (input, ctx) => {
    const ref = input.string("taskDefinition", () => clientException("TaskDefinition should not be null or empty."));
    const record = findTaskDefinition(ctx.ecs, ref);
    if (!record) throw clientException("Unable to describe task definition.");
    const includeTags = (input.optStringList("include") ?? []).includes("TAGS");
    return { taskDefinition: taskDefinitionToWire(record.definition), ...(includeTags ? { tags: record.tags } : {}) };
};

const deregisterTaskDefinition: JsonHandler = (input, ctx) => {
    const ref = input.string("taskDefinition", () => clientException("TaskDefinition should not be null or empty."));
    const parsed = parseTaskDefinitionRef(ref);
    if (!parsed || parsed.revision === undefined) throw clientException("Invalid revision number. Number: null");
    const record = findTaskDefinition(ctx.ecs, ref);
    if (!record) throw clientException("The specified task definition does not exist.");
    if (record.definition.status === "ACTIVE") {
        record.definition.status = "INACTIVE";
        record.definition.deregisteredAt = Date.now();
    }
    return { taskDefinition: taskDefinitionToWire(record.definition) };
};

function pageOf<T>(items: T[], input: Input): { page: T[]; nextToken?: string } {
    const max = input.optNumber("maxResults") ?? 100;
    if (!Number.isInteger(max) || max < 1 || max > 100) throw invalidParameter("maxResults must be between 1 and 100.");
    const token = input.optString("nextToken");
    let start = 0;
    if (token !== undefined) {
        const m = /^p\/(\d+)$/.exec(token);
        if (!m) throw invalidParameter("Invalid nextToken.");
        start = Number(m[1]);
    }
    const page = items.slice(start, start + max);
    return start + max < items.length ? { page, nextToken: `p/${start + max}` } : { page };
}

/** `familyPrefix` is the full family name, as AWS documents it (not a prefix match). */
const listTaskDefinitions: JsonHandler = (input, ctx) => {
    const family = input.optString("familyPrefix");
    const status = input.optString("status") ?? "ACTIVE";
    if (status !== "ACTIVE" && status !== "INACTIVE" && status !== "DELETE_IN_PROGRESS")
        throw invalidParameter(`Invalid status '${status}'.`);
    const sort = input.optString("sort") ?? "ASC";
    if (sort !== "ASC" && sort !== "DESC") throw invalidParameter(`Invalid sort '${sort}'.`);
    const families = [...ctx.ecs.taskDefinitions.keys()].filter((f) => family === undefined || f === family).sort();
    const arns: string[] = [];
    for (const f of families) {
        for (const r of ctx.ecs.taskDefinitions.get(f) ?? []) if (r.definition.status === status) arns.push(r.definition.taskDefinitionArn);
    }
    if (sort === "DESC") arns.reverse();
    const { page, nextToken } = pageOf(arns, input);
    return { taskDefinitionArns: page, nextToken };
};

const listTaskDefinitionFamilies: JsonHandler = (input, ctx) => {
    const prefix = input.optString("familyPrefix") ?? "";
    const status = input.optString("status") ?? "ACTIVE";
    const families = [...ctx.ecs.taskDefinitions.entries()]
        .filter(([f, revs]) => f.startsWith(prefix) && (status === "ALL" || revs.some((r) => r.definition.status === status)))
        .map(([f]) => f)
        .sort();
    const { page, nextToken } = pageOf(families, input);
    return { families: page, nextToken };
};

/** Tags of a definition ARN (with revision); undefined when there is no such definition. */
export function taskDefinitionTagsHolder(ctx: EmulatorContext, arn: string): TaskDefinitionRecord | undefined {
    const parsed = parseTaskDefinitionRef(arn);
    if (!parsed || parsed.revision === undefined) return undefined;
    return findTaskDefinition(ctx.ecs, arn);
}

/** Task definition operations by name. */
export const taskDefinitionOperations: Readonly<Record<string, JsonHandler>> = {
    RegisterTaskDefinition: registerTaskDefinition,
    DescribeTaskDefinition: describeTaskDefinition,
    DeregisterTaskDefinition: deregisterTaskDefinition,
    ListTaskDefinitions: listTaskDefinitions,
    ListTaskDefinitionFamilies: listTaskDefinitionFamilies,
};

export { pageOf };
