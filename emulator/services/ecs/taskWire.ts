/**
 * A task record as DescribeTasks/RunTask/StopTask answer it.
 */
import { toEpochSeconds, type ContainerRecord, type TaskRecord } from "./model";

function containerToWire(task: TaskRecord, c: ContainerRecord): Record<string, unknown> {
    return {
        containerArn: c.containerArn,
        taskArn: task.taskArn,
        name: c.name,
        image: c.image,
        runtimeId: c.runtimeId,
        lastStatus: c.lastStatus,
        exitCode: c.exitCode,
        reason: c.reason,
        networkBindings: [],
        networkInterfaces: task.attachment
            ? [{ attachmentId: task.attachment.id, privateIpv4Address: task.attachment.privateIPv4Address }]
            : [],
        healthStatus: "UNKNOWN",
        cpu: String(c.definition.cpu),
        memory: c.definition.memory !== undefined ? String(c.definition.memory) : undefined,
        memoryReservation: c.definition.memoryReservation !== undefined ? String(c.definition.memoryReservation) : undefined,
    };
}

/** Serializes a task (timestamps as epoch seconds); tags only when asked (`include: ["TAGS"]`). */
export function taskToWire(task: TaskRecord, includeTags: boolean): Record<string, unknown> {
    const a = task.attachment;
    return {
        attachments: a
            ? [
                  {
                      id: a.id,
                      type: "ElasticNetworkInterface",
                      status: a.status,
                      details: [
                          { name: "subnetId", value: a.subnetId },
                          { name: "networkInterfaceId", value: a.networkInterfaceId },
                          { name: "macAddress", value: a.macAddress },
                          { name: "privateDnsName", value: `ip-${a.privateIPv4Address.replace(/\./g, "-")}.ec2.internal` },
                          { name: "privateIPv4Address", value: a.privateIPv4Address },
                      ],
                  },
              ]
            : [],
        attributes: [{ name: "ecs.cpu-architecture", value: "x86_64" }],
        availabilityZone: task.availabilityZone,
        capacityProviderName: task.capacityProviderName,
        clusterArn: task.clusterArn,
        connectivity: task.connectivityAt !== undefined ? "CONNECTED" : undefined,
        connectivityAt: toEpochSeconds(task.connectivityAt),
        containers: task.containers.map((c) => containerToWire(task, c)),
        cpu: task.cpu,
        createdAt: toEpochSeconds(task.createdAt),
        desiredStatus: task.desiredStatus,
        enableExecuteCommand: task.enableExecuteCommand,
        ephemeralStorage: task.launchType === "FARGATE" ? { sizeInGiB: 20 } : undefined,
        executionStoppedAt: toEpochSeconds(task.executionStoppedAt),
        group: task.group,
        healthStatus: "UNKNOWN",
        lastStatus: task.lastStatus,
        launchType: task.launchType,
        memory: task.memory,
        overrides: task.overrides,
        platformFamily: task.platformFamily,
        platformVersion: task.platformVersion,
        pullStartedAt: toEpochSeconds(task.pullStartedAt),
        pullStoppedAt: toEpochSeconds(task.pullStoppedAt),
        startedAt: toEpochSeconds(task.startedAt),
        startedBy: task.startedBy,
        stopCode: task.stopCode,
        stoppedAt: toEpochSeconds(task.stoppedAt),
        stoppedReason: task.stoppedReason,
        stoppingAt: toEpochSeconds(task.stoppingAt),
        tags: includeTags ? task.tags : undefined,
        taskArn: task.taskArn,
        taskDefinitionArn: task.definition.taskDefinitionArn,
        version: task.version,
    };
}
