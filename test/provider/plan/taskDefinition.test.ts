import assert from "node:assert/strict";
import { EXECUTION_ROLE_REQUIRED_MESSAGE, prepareTaskDefinition } from "../../../provider/plan/taskDefinition";
import { SECRETS_NEED_EXECUTION_ROLE_MESSAGE } from "../../../provider/plan/secrets";
import type { TaskDefinition, TaskRunSpec } from "../../../provider/types";
import { CTX, FAMILY, settingsOf } from "./fixtures";

const EXEC = "arn:aws:iam::123456789012:role/exec";

function prepare(base: TaskDefinition, spec: TaskRunSpec, region = "us-east-1") {
    return prepareTaskDefinition(base, settingsOf(spec), region, CTX);
}

describe("plan/taskDefinition prepareTaskDefinition", () => {
    it("makes a minimal Fargate definition from nothing", () => {
        assert.deepStrictEqual(prepare({}, { image: "alpine:latest" }), {
            containerName: "main",
            taskDefinition: {
                family: FAMILY,
                containerDefinitions: [{ name: "main", image: "alpine:latest" }],
                cpu: "1024",
                memory: "2048",
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
            },
        });
    });

    it("prepares FARGATE_SPOT like FARGATE", () => {
        assert.deepStrictEqual(prepare({}, { image: "a", launchType: "FARGATE_SPOT" }), prepare({}, { image: "a" }));
    });

    it("removes variables set to null from the container's environment, and adds none", () => {
        const base = {
            containerDefinitions: [
                {
                    name: "main",
                    image: "a",
                    environment: [
                        { name: "KEEP", value: "1" },
                        { name: "DROP", value: "2" },
                    ],
                },
            ],
        };
        const { taskDefinition } = prepare(base, { env: { DROP: null, NEW: "3" } });
        assert.deepStrictEqual(taskDefinition.containerDefinitions, [
            { name: "main", image: "a", environment: [{ name: "KEEP", value: "1" }] },
        ]);
    });

    it("preserves extra containers and uses the one named in containerName", () => {
        const base = {
            family: "app",
            containerDefinitions: [
                { name: "log-router", image: "fluent-bit", memory: 128 },
                { name: "app", image: "app:1" },
            ],
        };
        assert.deepStrictEqual(prepare(base, { image: "app:2", containerName: "app" }), {
            containerName: "app",
            taskDefinition: {
                family: "app",
                containerDefinitions: [
                    { name: "log-router", image: "fluent-bit", memory: 128 },
                    { name: "app", image: "app:2" },
                ],
                cpu: "1024",
                memory: "2048",
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
            },
        });
    });

    it("refuses several containers without containerName instead of taking the first (a sidecar would get the run's image)", () => {
        const base = {
            containerDefinitions: [
                { name: "log-router", image: "fluent-bit" },
                { name: "app", image: "app:1" },
            ],
        };
        assert.throws(() => prepare(base, { image: "app:2" }), {
            message:
                "The task definition has 2 containers (log-router, app) and no `containerName` says which one runs the command: " +
                "set `containerName` to one of them (the others run beside it as sidecars).",
        });
        assert.throws(() => prepare({ ...base, taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/app:3" }, {}), {
            message: /^Task definition arn:aws:ecs:us-east-1:123456789012:task-definition\/app:3 has 2 containers \(log-router, app\)/,
        });
        assert.equal(prepare({ containerDefinitions: [{ name: "only", image: "a" }] }, {}).containerName, "only");
    });

    it("uses the container named in containerName", () => {
        const base = {
            family: "app",
            containerDefinitions: [
                { name: "app", image: "app:1" },
                { name: "migrate", image: "app:1" },
            ],
        };
        const { taskDefinition, containerName } = prepare(base, { containerName: "migrate", image: "app:2" });
        assert.equal(containerName, "migrate");
        assert.deepStrictEqual(taskDefinition.containerDefinitions, [
            { name: "app", image: "app:1" },
            { name: "migrate", image: "app:2" },
        ]);
    });

    it("adds the container named in containerName when the definition lacks it", () => {
        const base = { family: "app", containerDefinitions: [{ name: "app", image: "app:1" }] };
        const { taskDefinition, containerName } = prepare(base, { containerName: "worker", image: "worker:1" });
        assert.equal(containerName, "worker");
        assert.deepStrictEqual(taskDefinition.containerDefinitions, [
            { name: "app", image: "app:1" },
            { name: "worker", image: "worker:1" },
        ]);
    });

    it("configures awslogs with a stable stream prefix (the family), options merged over the defaults", () => {
        const { taskDefinition } = prepare(
            { family: "My App" },
            {
                image: "a",
                configureCloudwatchLogs: true,
                executionRoleArn: EXEC,
                cloudwatchLogsOptions: { "awslogs-group": "mine", mode: "non-blocking" },
            },
            "eu-west-1",
        );
        assert.deepStrictEqual(taskDefinition, {
            family: "My-App",
            containerDefinitions: [
                {
                    name: "main",
                    image: "a",
                    logConfiguration: {
                        logDriver: "awslogs",
                        options: {
                            "awslogs-create-group": "true",
                            "awslogs-group": "mine",
                            "awslogs-region": "eu-west-1",
                            "awslogs-stream-prefix": "My-App",
                            mode: "non-blocking",
                        },
                    },
                },
            ],
            cpu: "1024",
            memory: "2048",
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            executionRoleArn: EXEC,
        });
    });

    it("keeps an inline container's own awslogs configuration when streaming without configureCloudwatchLogs", () => {
        const logConfiguration = { logDriver: "awslogs", options: { "awslogs-group": "g", "awslogs-stream-prefix": "p" } };
        const base = { executionRoleArn: EXEC, containerDefinitions: [{ name: "main", image: "a", logConfiguration }] };
        assert.deepStrictEqual(prepare(base, { streamOutput: true, taskDefinition: base }).taskDefinition.containerDefinitions, [
            { name: "main", image: "a", logConfiguration },
        ]);
        // A definition given by ARN is not known when settings are resolved: streaming configures logs (as the reference does).
        const options = prepare(base, { streamOutput: true, taskDefinitionArn: "app:1" }).taskDefinition.containerDefinitions?.[0]
            .logConfiguration?.options;
        assert.equal(options?.["awslogs-group"], "ecs-task-run");
    });

    it("uses the definition's execution role for logs, and refuses logs without any", () => {
        assert.equal(prepare({ executionRoleArn: EXEC }, { image: "a", streamOutput: true }).taskDefinition.executionRoleArn, EXEC);
        assert.throws(() => prepare({}, { image: "a", streamOutput: true }), { message: EXECUTION_ROLE_REQUIRED_MESSAGE });
    });

    it("chooses the family: input, else the definition's, else derived; slugified, capitals kept", () => {
        assert.equal(prepare({ family: "Base" }, { family: "My Family!" }).taskDefinition.family, "My-Family");
        assert.equal(prepare({ family: "Base_Family" }, {}).taskDefinition.family, "Base_Family");
        assert.equal(prepare({}, {}).taskDefinition.family, FAMILY);
    });

    it("takes sizes from the inputs, else the definition, else the defaults", () => {
        const sizes = (base: TaskDefinition, spec: TaskRunSpec) => {
            const td = prepare(base, spec).taskDefinition;
            return [td.cpu, td.memory];
        };
        assert.deepStrictEqual(sizes({ cpu: "512", memory: "1024" }, { cpu: 2048, memory: 4096 }), ["2048", "4096"]);
        assert.deepStrictEqual(sizes({ cpu: "512", memory: "1024" }, {}), ["512", "1024"]);
        assert.deepStrictEqual(sizes({ cpu: "1 vCPU" }, {}), ["1 vCPU", "2048"]);
        assert.deepStrictEqual(sizes({}, { memory: 4096 }), ["1024", "4096"]);
    });

    it("adds FARGATE to the compatibilities, once", () => {
        const { taskDefinition } = prepare({ requiresCompatibilities: ["EC2"], networkMode: "awsvpc" }, { image: "a" });
        assert.deepStrictEqual([taskDefinition.requiresCompatibilities, taskDefinition.networkMode], [["EC2", "FARGATE"], "awsvpc"]);
        assert.deepStrictEqual(prepare({ requiresCompatibilities: ["FARGATE"] }, { image: "a" }).taskDefinition.requiresCompatibilities, [
            "FARGATE",
        ]);
    });

    it("refuses a Fargate definition whose network mode is not awsvpc (the reference only warned)", () => {
        assert.throws(() => prepare({ networkMode: "bridge" }, { image: "a", launchType: "FARGATE_SPOT" }), {
            message:
                'The task definition\'s network mode "bridge" cannot be used with launch type FARGATE_SPOT, which needs "awsvpc": ' +
                'use a definition with networkMode "awsvpc", or launchType "EC2".',
        });
        assert.equal(prepare({ networkMode: "bridge" }, { image: "a", launchType: "EC2" }).taskDefinition.networkMode, "bridge");
    });

    it("sets container sizes for EC2 when absent, and task sizes only when the base has them", () => {
        assert.deepStrictEqual(prepare({}, { image: "a", launchType: "EC2" }).taskDefinition, {
            family: FAMILY,
            containerDefinitions: [{ name: "main", image: "a", cpu: 1024, memory: 2048 }],
        });
        assert.deepStrictEqual(
            prepare({ containerDefinitions: [{ name: "main", image: "a", cpu: 128 }] }, { launchType: "EC2", memory: 512 }).taskDefinition,
            { family: FAMILY, containerDefinitions: [{ name: "main", image: "a", cpu: 128, memory: 512 }] },
        );
        assert.deepStrictEqual(prepare({ cpu: "512", memory: "1 GB" }, { image: "a", launchType: "EC2", cpu: 256 }).taskDefinition, {
            family: FAMILY,
            cpu: "256",
            memory: "1 GB",
            containerDefinitions: [{ name: "main", image: "a", cpu: 256, memory: 1024 }],
        });
    });

    it("gives EXTERNAL and CLUSTER_DEFAULT no default sizes (as Prefect), and task-level sizes when given", () => {
        for (const launchType of ["EXTERNAL", "CLUSTER_DEFAULT"] as const) {
            assert.deepStrictEqual(prepare({}, { image: "a", launchType }).taskDefinition, {
                family: FAMILY,
                containerDefinitions: [{ name: "main", image: "a" }],
            });
            assert.deepStrictEqual(prepare({}, { image: "a", launchType, cpu: 256, memory: 512 }).taskDefinition, {
                family: FAMILY,
                containerDefinitions: [{ name: "main", image: "a" }],
                cpu: "256",
                memory: "512",
            });
            assert.deepStrictEqual(
                prepare({ memory: "1 GB", containerDefinitions: [{ name: "main", image: "a", memory: 64 }] }, { launchType })
                    .taskDefinition,
                {
                    family: FAMILY,
                    memory: "1 GB",
                    containerDefinitions: [{ name: "main", image: "a", memory: 64 }],
                },
            );
        }
    });

    it("sets the execution role, and leaves the task role to the run-time overrides", () => {
        const { taskDefinition } = prepare(
            { taskRoleArn: "arn:old-task" },
            { image: "a", executionRoleArn: EXEC, taskRoleArn: "arn:new-task" },
        );
        assert.deepStrictEqual([taskDefinition.executionRoleArn, taskDefinition.taskRoleArn], [EXEC, "arn:old-task"]);
    });

    it("leaves the execution role to the run-time overrides for a base given by ARN, and counts it for logs", () => {
        const base = { family: "app", containerDefinitions: [{ name: "app", image: "a" }] };
        const options = { executionRoleAsOverride: true };
        const { taskDefinition } = prepareTaskDefinition(
            base,
            settingsOf({ executionRoleArn: EXEC, streamOutput: true }),
            "us-east-1",
            CTX,
            options,
        );
        assert.equal(taskDefinition.executionRoleArn, undefined);
        assert.equal(taskDefinition.containerDefinitions?.[0].logConfiguration?.logDriver, "awslogs");
    });

    it("writes secrets into the container, replacing an entry of the same name in place and appending the others sorted", () => {
        const base = {
            executionRoleArn: EXEC,
            containerDefinitions: [
                {
                    name: "main",
                    image: "a",
                    secrets: [
                        { name: "API_KEY", valueFrom: "/old/api-key" },
                        { name: "KEEP", valueFrom: "/keep" },
                    ],
                },
            ],
        };
        const secrets = {
            TOKEN: "/shop/token",
            API_KEY: "/shop/api-key",
            DB: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::",
        };
        assert.deepStrictEqual(prepare(base, { secrets }).taskDefinition.containerDefinitions, [
            {
                name: "main",
                image: "a",
                secrets: [
                    { name: "API_KEY", valueFrom: "/shop/api-key" },
                    { name: "KEEP", valueFrom: "/keep" },
                    { name: "DB", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::" },
                    { name: "TOKEN", valueFrom: "/shop/token" },
                ],
            },
        ]);
    });

    it("refuses secrets without an execution role to read them", () => {
        assert.throws(() => prepare({}, { image: "a", secrets: { A: "/a" } }), { message: SECRETS_NEED_EXECUTION_ROLE_MESSAGE });
        assert.equal(prepare({}, { image: "a", secrets: { A: "/a" }, executionRoleArn: EXEC }).taskDefinition.executionRoleArn, EXEC);
    });

    it("does not mutate the base", () => {
        const base: TaskDefinition = {
            family: "f",
            requiresCompatibilities: [],
            containerDefinitions: [{ name: "main", environment: [{ name: "A", value: "1" }] }],
        };
        const copy = structuredClone(base);
        prepare(base, { image: "b", env: { A: null }, containerName: "other" });
        assert.deepStrictEqual(base, copy);
    });
});
