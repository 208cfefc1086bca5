/**
 * ECS state: clusters, task definitions, tasks and RunTask client tokens.
 */
import { clusterNotFound } from "../../errors";
import { EcsArns, clusterNameOf } from "./arns";
import type { ClusterRecord, TaskDefinitionRecord, TaskRecord } from "./model";

/** What RunTask remembers of a client token (for 24 hours, per cluster). */
export interface ClientTokenRecord {
    fingerprint: string;
    taskArns: string[];
    failures: Array<{ arn?: string; reason: string; detail?: string }>;
    time: number;
}

/** The part of the task runner the API needs. */
export interface TaskLauncher {
    /** Starts the lifecycle of a new task (PROVISIONING onwards). */
    launch(task: TaskRecord): void;
    /** StopTask: stops the task (see the runner for the details). */
    stop(task: TaskRecord, reason: string): void;
}

/** All ECS state of the emulated account and Region. */
export class EcsState {
    readonly arns: EcsArns;
    readonly clusters = new Map<string, ClusterRecord>();
    /** Revisions per family, index = revision - 1. */
    readonly taskDefinitions = new Map<string, TaskDefinitionRecord[]>();
    readonly tasks = new Map<string, TaskRecord>();
    readonly clientTokens = new Map<string, ClientTokenRecord>();
    launcher: TaskLauncher | undefined;

    constructor(region: string, accountId: string) {
        this.arns = new EcsArns(region, accountId);
        this.createCluster("default");
    }

    /** Creates (or returns the ACTIVE) cluster of that name. */
    createCluster(name: string): ClusterRecord {
        const existing = this.clusters.get(name);
        if (existing && existing.status === "ACTIVE") return existing;
        const cluster: ClusterRecord = {
            clusterName: name,
            clusterArn: this.arns.cluster(name),
            status: "ACTIVE",
            tags: [],
            settings: [{ name: "containerInsights", value: "disabled" }],
            capacityProviders: [],
            defaultCapacityProviderStrategy: [],
        };
        this.clusters.set(name, cluster);
        return cluster;
    }

    /** An ACTIVE cluster by name or ARN (default `default`), else ClusterNotFoundException. */
    activeCluster(ref: string | undefined): ClusterRecord {
        const cluster = this.clusters.get(clusterNameOf(ref ?? "default"));
        if (!cluster) throw clusterNotFound("Cluster not found.");
        if (cluster.status !== "ACTIVE") throw clusterNotFound("The referenced cluster was inactive.");
        return cluster;
    }

    /** The tasks of a cluster. */
    tasksOf(clusterName: string): TaskRecord[] {
        return [...this.tasks.values()].filter((t) => t.clusterName === clusterName);
    }
}
