import assert from "node:assert/strict";
import { prepareRunTaskRequest } from "../../../provider/plan/runTaskRequest";
import type { TaskRunSpec } from "../../../provider/types";
import { settingsOf } from "./fixtures";

const NETWORK = { awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "ENABLED" } };
const ARGS = { taskDefinitionArn: "arn:td:1", containerName: "main", startedBy: "etr-x", inputsHash: "h" };
const HASH_TAG = { key: "ecs-task-run:inputs-hash", value: "h" };

function request(spec: TaskRunSpec, args: Partial<typeof ARGS> & { networkConfiguration?: Record<string, unknown> } = {}) {
    return prepareRunTaskRequest(settingsOf(spec), { ...ARGS, ...args });
}

describe("plan/runTaskRequest prepareRunTaskRequest", () => {
    it("makes the minimal request", () => {
        assert.deepStrictEqual(request({}, { networkConfiguration: NETWORK }), {
            taskDefinition: "arn:td:1",
            launchType: "FARGATE",
            networkConfiguration: NETWORK,
            overrides: { containerOverrides: [{ name: "main" }] },
            startedBy: "etr-x",
            tags: [HASH_TAG],
            count: 1,
        });
    });

    it("sends every given setting", () => {
        const spec: TaskRunSpec = {
            command: ["sh", "-c", "echo $B $A"],
            env: { B: "2", A: "1", GONE: null },
            cpu: 512,
            memory: 1024,
            executionRoleArn: "arn:exec",
            taskRoleArn: "arn:task",
            cluster: "my-cluster",
            tags: { team: "data", app: "shop" },
            propagateTags: "TASK_DEFINITION",
            platformVersion: "1.4.0",
            enableExecuteCommand: true,
        };
        assert.deepStrictEqual(request(spec, { containerName: "app", networkConfiguration: NETWORK }), {
            taskDefinition: "arn:td:1",
            cluster: "my-cluster",
            launchType: "FARGATE",
            networkConfiguration: NETWORK,
            overrides: {
                containerOverrides: [
                    {
                        name: "app",
                        command: ["sh", "-c", "echo $B $A"],
                        environment: [
                            { name: "A", value: "1" },
                            { name: "B", value: "2" },
                        ],
                        // Container-level sizes on Fargate too, as Prefect sends them.
                        cpu: 512,
                        memory: 1024,
                    },
                ],
                cpu: "512",
                memory: "1024",
                executionRoleArn: "arn:exec",
                taskRoleArn: "arn:task",
            },
            startedBy: "etr-x",
            tags: [{ key: "app", value: "shop" }, { key: "team", value: "data" }, HASH_TAG],
            propagateTags: "TASK_DEFINITION",
            platformVersion: "1.4.0",
            enableExecuteCommand: true,
            count: 1,
        });
    });

    it("overrides container sizes too on EC2, and sends no network configuration when there is none", () => {
        assert.deepStrictEqual(request({ launchType: "EC2", cpu: 256, memory: 512 }), {
            taskDefinition: "arn:td:1",
            launchType: "EC2",
            overrides: { containerOverrides: [{ name: "main", cpu: 256, memory: 512 }], cpu: "256", memory: "512" },
            startedBy: "etr-x",
            tags: [HASH_TAG],
            count: 1,
        });
    });

    it("sends neither a launch type nor a strategy for CLUSTER_DEFAULT (the cluster's default strategy applies)", () => {
        assert.deepStrictEqual(request({ launchType: "CLUSTER_DEFAULT", memory: 512 }), {
            taskDefinition: "arn:td:1",
            overrides: { containerOverrides: [{ name: "main", memory: 512 }], memory: "512" },
            startedBy: "etr-x",
            tags: [HASH_TAG],
            count: 1,
        });
    });

    it("sends FARGATE_SPOT as a capacity provider strategy", () => {
        const r = request({ launchType: "FARGATE_SPOT" }, { networkConfiguration: NETWORK });
        assert.deepStrictEqual([r.capacityProviderStrategy, "launchType" in r], [[{ capacityProvider: "FARGATE_SPOT", weight: 1 }], false]);
    });

    it("sends a given strategy instead of the launch type", () => {
        const strategy = [
            { capacityProvider: "FARGATE", weight: 1, base: 1 },
            { capacityProvider: "FARGATE_SPOT", weight: 3 },
        ];
        const r = request({ capacityProviderStrategy: strategy });
        assert.deepStrictEqual([r.capacityProviderStrategy, "launchType" in r], [strategy, false]);
    });

    it("leaves out enableExecuteCommand when false", () => {
        assert.equal("enableExecuteCommand" in request({ enableExecuteCommand: false }), false);
    });

    it("applies the customizations last", () => {
        const r = request(
            {
                taskCustomizations: [
                    { op: "replace", path: "/networkConfiguration/awsvpcConfiguration/assignPublicIp", value: "DISABLED" },
                    { op: "replace", path: "/tags/0/value", value: "changed" },
                    { op: "add", path: "/group", value: "batch" },
                ],
            },
            { networkConfiguration: NETWORK },
        );
        assert.deepStrictEqual(
            [r.networkConfiguration, r.tags, r.group],
            [
                { awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "DISABLED" } },
                [{ key: "ecs-task-run:inputs-hash", value: "changed" }],
                "batch",
            ],
        );
        assert.deepStrictEqual(NETWORK.awsvpcConfiguration.assignPublicIp, "ENABLED");
    });

    it("throws when a customization does not apply", () => {
        assert.throws(() => request({ taskCustomizations: [{ op: "replace", path: "/cluster", value: "c" }] }), {
            message:
                "`taskCustomizations` operation 0 (replace /cluster): Cannot perform the operation at a path that does not exist " +
                "(OPERATION_PATH_UNRESOLVABLE); the planned RunTask request has no `/cluster`.",
        });
    });
});
