/**
 * RunTask: validation as AWS does it, client-token idempotency, the
 * `runTaskFailures` fault, and creation of the task records (the runner then
 * moves them through their lifecycle).
 */
import type { EmulatorContext, JsonHandler } from "../../context";
import { AwsError, clientException, invalidParameter } from "../../errors";
import { randomHex, randomUUID } from "../../ids";
import type { Input, JsonObject } from "../../protocol/input";
import type { Subnet } from "../ec2/store";
import { readStrategy } from "./clusters";
import type { ClusterRecord, ContainerOverride, EniAttachment, Tag, TaskDefinition, TaskRecord } from "./model";
import { findTaskDefinition } from "./taskDefinitions";
import { taskToWire } from "./taskWire";
import { mergeTags, readTags, validateClientToken, validateStartedBy } from "./validation";

/** RunTask's limits (ECS API reference). */
export const MAX_COUNT = 10;
export const MAX_OVERRIDES_CHARS = 8192;
/** A client token is remembered this long (per cluster). */
export const CLIENT_TOKEN_TTL_MS = 24 * 3600 * 1000;

const LAUNCH_TYPES = new Set(["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"]);
const FARGATE_PROVIDERS = new Set(["FARGATE", "FARGATE_SPOT"]);

/** JSON with sorted keys, to compare two requests. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as JsonObject)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : 1));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
    }
    return JSON.stringify(value);
}

interface Placement {
    launchType: string;
    capacityProviderName?: string;
}

function resolvePlacement(input: Input, cluster: ClusterRecord, def: TaskDefinition): Placement {
    const launchType = input.optString("launchType");
    const strategy = readStrategy(input.optObjectList("capacityProviderStrategy"));
    if (launchType !== undefined && strategy.length > 0) {
        throw invalidParameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
    }
    let placement: Placement;
    const effective = strategy.length > 0 ? strategy : launchType === undefined ? cluster.defaultCapacityProviderStrategy : [];
    if (effective.length > 0) {
        const pick = effective.find((s) => (s.base ?? 0) > 0) ?? [...effective].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0))[0];
        const provider = pick.capacityProvider;
        if (!FARGATE_PROVIDERS.has(provider) && !cluster.capacityProviders.includes(provider)) {
            throw invalidParameter(
                "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.",
            );
        }
        placement = { launchType: FARGATE_PROVIDERS.has(provider) ? "FARGATE" : "EC2", capacityProviderName: provider };
    } else {
        placement = { launchType: launchType ?? "EC2" };
    }
    if (!LAUNCH_TYPES.has(placement.launchType)) throw invalidParameter(`Invalid launch type '${placement.launchType}'.`);
    if (placement.launchType === "FARGATE" && !def.compatibilities.includes("FARGATE")) {
        throw invalidParameter("Task definition does not support launch_type FARGATE.");
    }
    return placement;
}

function resolveSubnets(input: Input, ctx: EmulatorContext, def: TaskDefinition, launchType: string): Subnet[] {
    const networkConfiguration = input.optObject("networkConfiguration");
    const awsvpc = networkConfiguration?.optObject("awsvpcConfiguration");
    if (def.networkMode !== "awsvpc") {
        if (awsvpc) throw invalidParameter("Network Configuration is not valid for the given networkMode of this task definition.");
        return [];
    }
    const ids = awsvpc?.optStringList("subnets") ?? [];
    if (ids.length === 0) throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    if (ids.length > 16) throw invalidParameter("subnets can have at most 16 items.");
    const assignPublicIp = awsvpc?.optString("assignPublicIp");
    if (assignPublicIp !== undefined && assignPublicIp !== "ENABLED" && assignPublicIp !== "DISABLED") {
        throw invalidParameter(`Invalid assignPublicIp '${assignPublicIp}'.`);
    }
    if (assignPublicIp === "ENABLED" && launchType !== "FARGATE") {
        throw invalidParameter("Assign public IP is not supported for this launch type.");
    }
    const subnets = ids.map((id) => {
        const subnet = ctx.ec2.subnets.get(id);
        if (!subnet) {
            throw invalidParameter(
                `Error retrieving subnet information for [${id}]: The subnet ID '${id}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound)`,
            );
        }
        return subnet;
    });
    if (new Set(subnets.map((s) => s.vpcId)).size > 1) throw invalidParameter("Subnets must all belong to the same VPC.");
    return subnets;
}

function readOverrides(input: Input, def: TaskDefinition): { overrides: JsonObject; containerOverrides: ContainerOverride[] } {
    const raw = input.optObject("overrides");
    if (!raw) return { overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [] }, containerOverrides: [] };
    if (JSON.stringify(raw.raw).length > MAX_OVERRIDES_CHARS) {
        throw invalidParameter(`Container Overrides length must be at most ${MAX_OVERRIDES_CHARS}`);
    }
    const containerOverrides = (raw.optObjectList("containerOverrides") ?? []).map((o): ContainerOverride => {
        const name = o.optString("name");
        if (name === undefined || !def.containerDefinitions.some((c) => c.name === name)) {
            throw invalidParameter(`Override for container named ${name ?? "null"} is not a container in the TaskDefinition.`);
        }
        const environment = (o.optObjectList("environment") ?? []).map((e) => ({
            name: e.optString("name") ?? "",
            value: e.optString("value") ?? "",
        }));
        const command = o.optStringList("command");
        return { ...o.raw, name, ...(command !== undefined ? { command } : {}), environment };
    });
    return {
        overrides: { inferenceAcceleratorOverrides: [], ...raw.raw, containerOverrides },
        containerOverrides,
    };
}

function privateIp(subnet: Subnet): string {
    const [a, b, c] = subnet.cidrBlock.split("/")[0].split(".");
    return `${a}.${b}.${Number(c) + Math.floor(Math.random() * 15)}.${4 + Math.floor(Math.random() * 250)}`;
}

function newAttachment(subnet: Subnet): EniAttachment {
    const mac = Array.from({ length: 6 }, () => randomHex(2)).join(":");
    return {
        id: randomUUID(),
        status: "PRECREATED",
        subnetId: subnet.subnetId,
        networkInterfaceId: `eni-${randomHex(17)}`,
        macAddress: mac,
        privateIPv4Address: privateIp(subnet),
    };
}

interface TaskSpec {
    cluster: ClusterRecord;
    def: TaskDefinition;
    placement: Placement;
    subnets: Subnet[];
    overrides: JsonObject;
    containerOverrides: ContainerOverride[];
    tags: Tag[];
    startedBy?: string;
    group: string;
    enableExecuteCommand: boolean;
    platformVersion?: string;
}

function createTask(ctx: EmulatorContext, spec: TaskSpec, index: number): TaskRecord {
    const taskId = randomHex(32);
    const clusterName = spec.cluster.clusterName;
    const subnet = spec.subnets.length > 0 ? spec.subnets[index % spec.subnets.length] : undefined;
    const now = Date.now();
    const fargate = spec.placement.launchType === "FARGATE";
    const taskOverrides = spec.overrides;
    return {
        taskId,
        taskArn: ctx.ecs.arns.task(clusterName, taskId),
        clusterName,
        clusterArn: spec.cluster.clusterArn,
        definition: spec.def,
        lastStatus: "PROVISIONING",
        desiredStatus: "RUNNING",
        launchType: spec.placement.launchType,
        capacityProviderName: spec.placement.capacityProviderName,
        platformVersion: fargate
            ? spec.platformVersion === undefined || spec.platformVersion === "LATEST"
                ? "1.4.0"
                : spec.platformVersion
            : undefined,
        platformFamily: fargate ? "Linux" : undefined,
        createdAt: now,
        startedBy: spec.startedBy,
        group: spec.group,
        tags: spec.tags,
        overrides: taskOverrides,
        cpu: typeof taskOverrides.cpu === "string" ? taskOverrides.cpu : spec.def.cpu,
        memory: typeof taskOverrides.memory === "string" ? taskOverrides.memory : spec.def.memory,
        enableExecuteCommand: spec.enableExecuteCommand,
        availabilityZone: subnet?.availabilityZone ?? `${ctx.region}a`,
        attachment: subnet ? newAttachment(subnet) : undefined,
        containers: spec.def.containerDefinitions.map((cd) => ({
            name: cd.name,
            image: cd.image,
            containerArn: ctx.ecs.arns.container(clusterName, taskId, randomUUID()),
            lastStatus: "PENDING",
            essential: cd.essential,
            definition: cd,
            override: spec.containerOverrides.find((o) => o.name === cd.name),
        })),
        version: 1,
        visibleAfter: now + ctx.faults.missingWindowMs,
    };
}

const runTask: JsonHandler = (input, ctx) => {
    const count = input.optNumber("count") ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
        throw invalidParameter(`count must be between 1 and ${MAX_COUNT}.`);
    }
    const startedBy = input.optString("startedBy");
    if (startedBy !== undefined) validateStartedBy(startedBy);
    const requestTags = readTags(input);
    const clientToken = input.optString("clientToken");
    if (clientToken !== undefined) validateClientToken(clientToken);
    const cluster = ctx.ecs.activeCluster(input.optString("cluster"));
    const ref = input.string("taskDefinition", () => invalidParameter("TaskDefinition cannot be empty."));
    const record = findTaskDefinition(ctx.ecs, ref);
    if (!record) throw clientException("TaskDefinition not found.");
    const def = record.definition;
    if (def.status !== "ACTIVE") throw clientException("TaskDefinition is inactive");
    const { overrides, containerOverrides } = readOverrides(input, def);
    const placement = resolvePlacement(input, cluster, def);
    const subnets = resolveSubnets(input, ctx, def, placement.launchType);
    const propagate = input.optString("propagateTags");
    const tags = propagate === "TASK_DEFINITION" ? mergeTags(record.tags, requestTags) : requestTags;

    // Idempotency: the same token with the same request returns the same tasks.
    const now = Date.now();
    const tokenKey = clientToken !== undefined ? `${cluster.clusterArn}|${clientToken}` : undefined;
    const { clientToken: _omit, ...rest } = input.raw;
    const fingerprint = canonical(rest);
    if (tokenKey !== undefined) {
        const seen = ctx.ecs.clientTokens.get(tokenKey);
        if (seen && now - seen.time < CLIENT_TOKEN_TTL_MS) {
            if (seen.fingerprint !== fingerprint) {
                throw new AwsError(
                    "ConflictException",
                    `The clientToken '${clientToken}' has already been used with different parameters.`,
                    400,
                    {
                        resourceIds: seen.taskArns,
                    },
                );
            }
            const tasks = seen.taskArns
                .map((arn) => ctx.ecs.tasks.get(arn.slice(arn.lastIndexOf("/") + 1)))
                .filter((t): t is TaskRecord => t !== undefined);
            return { tasks: tasks.map((t) => taskToWire(t, false)), failures: seen.failures };
        }
    }

    const spec: TaskSpec = {
        cluster,
        def,
        placement,
        subnets,
        overrides,
        containerOverrides,
        tags,
        startedBy,
        group: input.optString("group") ?? `family:${def.family}`,
        enableExecuteCommand: input.optBoolean("enableExecuteCommand") ?? false,
        platformVersion: input.optString("platformVersion"),
    };

    const failure = ctx.faults.takeRunTaskFailure();
    if (failure) {
        const failures = Array.from({ length: count }, () => ({
            arn: ctx.ecs.arns.containerInstance(cluster.clusterName, randomHex(32)),
            reason: failure.reason,
            ...(failure.detail !== undefined ? { detail: failure.detail } : {}),
        }));
        if (failure.startTaskAnyway) {
            const started = launchAll(ctx, spec, count);
            // A retry with the same token finds the task that did start.
            if (tokenKey !== undefined) {
                ctx.ecs.clientTokens.set(tokenKey, { fingerprint, taskArns: started.map((t) => t.taskArn), failures: [], time: now });
            }
        }
        return { tasks: [], failures };
    }

    const tasks = launchAll(ctx, spec, count);
    if (tokenKey !== undefined) {
        ctx.ecs.clientTokens.set(tokenKey, { fingerprint, taskArns: tasks.map((t) => t.taskArn), failures: [], time: now });
    }
    return { tasks: tasks.map((t) => taskToWire(t, false)), failures: [] };
};

function launchAll(ctx: EmulatorContext, spec: TaskSpec, count: number): TaskRecord[] {
    const tasks: TaskRecord[] = [];
    for (let i = 0; i < count; i += 1) {
        const task = createTask(ctx, spec, i);
        ctx.ecs.tasks.set(task.taskId, task);
        tasks.push(task);
    }
    for (const task of tasks) ctx.ecs.launcher?.launch(task);
    return tasks;
}

export { runTask };
