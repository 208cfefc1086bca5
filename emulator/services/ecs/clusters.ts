/**
 * CreateCluster, DescribeClusters, DeleteCluster, ListClusters.
 */
import type { EmulatorContext, JsonHandler } from "../../context";
import { AwsError, clusterNotFound, invalidParameter } from "../../errors";
import type { Input } from "../../protocol/input";
import { clusterNameOf } from "./arns";
import type { CapacityProviderStrategyItem, ClusterRecord } from "./model";
import { readTags } from "./validation";

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

function clusterToWire(ctx: EmulatorContext, c: ClusterRecord, include: string[]): Record<string, unknown> {
    const tasks = ctx.ecs.tasksOf(c.clusterName);
    return {
        clusterArn: c.clusterArn,
        clusterName: c.clusterName,
        status: c.status,
        registeredContainerInstancesCount: 0,
        runningTasksCount: tasks.filter((t) => t.lastStatus === "RUNNING").length,
        pendingTasksCount: tasks.filter((t) => t.lastStatus === "PROVISIONING" || t.lastStatus === "PENDING").length,
        activeServicesCount: 0,
        statistics: [],
        tags: include.includes("TAGS") ? c.tags : [],
        settings: include.includes("SETTINGS") ? c.settings : [],
        capacityProviders: c.capacityProviders,
        defaultCapacityProviderStrategy: c.defaultCapacityProviderStrategy,
        ...(include.includes("CONFIGURATIONS") && c.configuration !== undefined ? { configuration: c.configuration } : {}),
    };
}

/** Reads a capacity provider strategy. */
export function readStrategy(items: Input[] | undefined): CapacityProviderStrategyItem[] {
    return (items ?? []).map((i) => {
        const capacityProvider = i.optString("capacityProvider");
        if (!capacityProvider) throw invalidParameter("capacityProvider must not be empty.");
        return { capacityProvider, weight: i.optNumber("weight") ?? 0, base: i.optNumber("base") ?? 0 };
    });
}

const createCluster: JsonHandler = (input, ctx) => {
    const name = input.optString("clusterName") ?? "default";
    if (!CLUSTER_NAME.test(name)) {
        throw invalidParameter("Cluster name can be up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.");
    }
    const tags = readTags(input);
    const existing = ctx.ecs.clusters.get(name);
    const cluster = ctx.ecs.createCluster(name);
    if (!existing || existing.status !== "ACTIVE") {
        cluster.tags = tags;
        cluster.capacityProviders = input.optStringList("capacityProviders") ?? [];
        cluster.defaultCapacityProviderStrategy = readStrategy(input.optObjectList("defaultCapacityProviderStrategy"));
        if (input.has("settings")) cluster.settings = input.optArray("settings") ?? [];
        if (input.has("configuration")) cluster.configuration = input.raw.configuration;
    }
    return { cluster: clusterToWire(ctx, cluster, ["TAGS", "SETTINGS", "CONFIGURATIONS"]) };
};

const describeClusters: JsonHandler = (input, ctx) => {
    const refs = input.optStringList("clusters") ?? ["default"];
    if (refs.length > 100) throw invalidParameter("Clusters cannot have more than 100 elements.");
    const include = input.optStringList("include") ?? [];
    const clusters: Array<Record<string, unknown>> = [];
    const failures: Array<{ arn: string; reason: string }> = [];
    for (const ref of refs) {
        const c = ctx.ecs.clusters.get(clusterNameOf(ref));
        if (c) clusters.push(clusterToWire(ctx, c, include));
        else failures.push({ arn: ref.startsWith("arn:") ? ref : ctx.ecs.arns.cluster(ref), reason: "MISSING" });
    }
    return { clusters, failures };
};

const deleteCluster: JsonHandler = (input, ctx) => {
    const ref = input.string("cluster", () => invalidParameter("cluster must not be empty."));
    const c = ctx.ecs.clusters.get(clusterNameOf(ref));
    if (!c || c.status !== "ACTIVE") throw clusterNotFound("Cluster not found.");
    if (ctx.ecs.tasksOf(c.clusterName).some((t) => t.lastStatus !== "STOPPED")) {
        throw new AwsError("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.");
    }
    c.status = "INACTIVE";
    return { cluster: clusterToWire(ctx, c, ["TAGS", "SETTINGS"]) };
};

const listClusters: JsonHandler = (_input, ctx) => ({
    clusterArns: [...ctx.ecs.clusters.values()].filter((c) => c.status === "ACTIVE").map((c) => c.clusterArn),
});

/** Cluster operations by name. */
export const clusterOperations: Readonly<Record<string, JsonHandler>> = {
    CreateCluster: createCluster,
    DescribeClusters: describeClusters,
    DeleteCluster: deleteCluster,
    ListClusters: listClusters,
};
