/**
 * ECS records as the emulator stores them (wire field names; times in epoch milliseconds).
 */

/** A resource tag. */
export interface Tag {
    key: string;
    value: string;
}

/** `{name, value}` pair (environment variables, attributes, details). */
export interface KeyValuePair {
    name: string;
    value?: string;
}

/** A capacity provider strategy item. */
export interface CapacityProviderStrategyItem {
    capacityProvider: string;
    weight?: number;
    base?: number;
}

/** A cluster. */
export interface ClusterRecord {
    clusterName: string;
    clusterArn: string;
    status: "ACTIVE" | "INACTIVE";
    tags: Tag[];
    settings: unknown[];
    capacityProviders: string[];
    defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
    configuration?: unknown;
}

/** `logConfiguration` of a container definition. */
export interface LogConfiguration {
    logDriver: string;
    options?: Record<string, string>;
}

/** A registered container definition (AWS's defaults filled in; other members passed through). */
export interface ContainerDefinition {
    name: string;
    image: string;
    cpu: number;
    memory?: number;
    memoryReservation?: number;
    essential: boolean;
    command?: string[];
    entryPoint?: string[];
    environment: KeyValuePair[];
    logConfiguration?: LogConfiguration;
    stopTimeout?: number;
    workingDirectory?: string;
    [member: string]: unknown;
}

/** A registered task definition as DescribeTaskDefinition answers it (times in epoch ms). */
export interface TaskDefinition {
    taskDefinitionArn: string;
    family: string;
    revision: number;
    status: "ACTIVE" | "INACTIVE";
    containerDefinitions: ContainerDefinition[];
    networkMode: string;
    requiresCompatibilities?: string[];
    compatibilities: string[];
    requiresAttributes: KeyValuePair[];
    cpu?: string;
    memory?: string;
    executionRoleArn?: string;
    taskRoleArn?: string;
    registeredAt: number;
    registeredBy: string;
    deregisteredAt?: number;
    [member: string]: unknown;
}

/** A registered revision with its tags. */
export interface TaskDefinitionRecord {
    definition: TaskDefinition;
    tags: Tag[];
}

/** Task lifecycle states the emulator moves through. */
export type TaskStatus = "PROVISIONING" | "PENDING" | "RUNNING" | "DEPROVISIONING" | "STOPPED";

/** A container of a task. */
export interface ContainerRecord {
    name: string;
    image: string;
    containerArn: string;
    runtimeId?: string;
    lastStatus: "PENDING" | "RUNNING" | "STOPPED";
    exitCode?: number;
    reason?: string;
    essential: boolean;
    definition: ContainerDefinition;
    /** The RunTask override for this container, if any. */
    override?: ContainerOverride;
    pid?: number;
}

/** A RunTask container override. */
export interface ContainerOverride {
    name?: string;
    command?: string[];
    environment?: KeyValuePair[];
    [member: string]: unknown;
}

/** The ENI attachment of an awsvpc task. */
export interface EniAttachment {
    id: string;
    status: "PRECREATED" | "ATTACHED" | "DELETED";
    subnetId: string;
    networkInterfaceId: string;
    macAddress: string;
    privateIPv4Address: string;
}

/** A task. */
export interface TaskRecord {
    taskId: string;
    taskArn: string;
    clusterName: string;
    clusterArn: string;
    definition: TaskDefinition;
    lastStatus: TaskStatus;
    desiredStatus: "RUNNING" | "STOPPED";
    launchType?: string;
    capacityProviderName?: string;
    platformVersion?: string;
    platformFamily?: string;
    createdAt: number;
    pullStartedAt?: number;
    pullStoppedAt?: number;
    startedAt?: number;
    connectivityAt?: number;
    stoppingAt?: number;
    executionStoppedAt?: number;
    stoppedAt?: number;
    stopCode?: string;
    stoppedReason?: string;
    startedBy?: string;
    group: string;
    tags: Tag[];
    overrides: Record<string, unknown>;
    cpu?: string;
    memory?: string;
    enableExecuteCommand: boolean;
    availabilityZone: string;
    attachment?: EniAttachment;
    containers: ContainerRecord[];
    /** Incremented at every change, like the task's `version`. */
    version: number;
    /** Before this time (epoch ms) DescribeTasks answers the task as MISSING (fault `missingWindowMs`). */
    visibleAfter: number;
}

/** Epoch milliseconds → the epoch seconds (with fraction) the JSON protocol carries. */
export const toEpochSeconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.round(ms) / 1000);
