import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../../provider/plan/constants";
import { resolveSettings, RUN_KEYS, SPEC_KEYS, WATCH_KEYS } from "../../../provider/plan/settings";
import type { TaskRunInputs } from "../../../provider/types";
import { CTX, inputs } from "./fixtures";

describe("plan/settings", () => {
    it("applies every default", () => {
        assert.deepStrictEqual(resolveSettings(inputs({})), {
            configureCloudwatchLogs: false,
            cloudwatchLogsOptions: {},
            streamOutput: false,
            launchType: "FARGATE",
            networkConfiguration: { assignPublicIp: "ENABLED" },
            env: {},
            secrets: {},
            tags: {},
            enableExecuteCommand: false,
            taskCustomizations: [],
            taskStartTimeoutSeconds: 300,
            taskWatchPollInterval: 5,
            autoDeregisterTaskDefinition: true,
            waitForCompletion: true,
            failOnNonZeroExit: true,
            triggers: [],
            retryStrategy: { attempts: 1, evaluateOnExit: [], backoffSeconds: 10 },
            context: CTX,
        });
    });

    it("keeps every given value", () => {
        const given = inputs({
            command: ["echo", "hi"],
            image: "alpine",
            taskDefinitionArn: "arn:aws:ecs:us-east-1:1:task-definition/app:3",
            family: "app",
            containerName: "app",
            cpu: 512,
            memory: 1024,
            executionRoleArn: "arn:exec",
            taskRoleArn: "arn:task",
            configureCloudwatchLogs: true,
            cloudwatchLogsOptions: { "awslogs-group": "g" },
            streamOutput: true,
            launchType: "EC2",
            capacityProviderStrategy: [{ capacityProvider: "cp", weight: 2, base: 1 }],
            vpcId: "vpc-1",
            networkConfiguration: { subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: "DISABLED" },
            cluster: "c",
            env: { A: "1", B: null },
            secrets: { DB_PASSWORD: "/shop/db-password" },
            tags: { team: "data" },
            propagateTags: "TASK_DEFINITION",
            platformVersion: "1.4.0",
            enableExecuteCommand: true,
            taskCustomizations: [{ op: "add", path: "/group", value: "g" }],
            taskStartTimeoutSeconds: 60,
            taskWatchPollInterval: 1.5,
            autoDeregisterTaskDefinition: false,
            waitForCompletion: false,
            failOnNonZeroExit: false,
            triggers: [1, "a"],
            region: "eu-west-1",
            retryStrategy: { attempts: 3, evaluateOnExit: [{ onStopCode: "SpotInterruption", action: "RETRY" }], backoffSeconds: 0 },
        });
        const { __context, ...spec } = given;
        assert.deepStrictEqual(resolveSettings(given), { ...spec, context: __context });
        // Rule actions are upper-cased; members left out take their defaults.
        assert.deepStrictEqual(
            resolveSettings(inputs({ retryStrategy: { evaluateOnExit: [{ onExitCode: "75", action: "retry" as "RETRY" }] } }))
                .retryStrategy,
            {
                attempts: 1,
                evaluateOnExit: [{ onExitCode: "75", action: "RETRY" }],
                backoffSeconds: 10,
            },
        );
    });

    it("treats empty lists, nulls and empty security groups as not given", () => {
        const raw = {
            command: [],
            capacityProviderStrategy: [],
            image: null,
            networkConfiguration: { securityGroups: [], subnets: null },
            __context: CTX,
        } as unknown as TaskRunInputs;
        const s = resolveSettings(raw);
        assert.deepStrictEqual(
            [s.command, s.capacityProviderStrategy, s.image, s.networkConfiguration, "command" in s, "image" in s],
            [undefined, undefined, undefined, { assignPublicIp: "ENABLED" }, false, false],
        );
    });

    it("plans unknown lists, objects, numbers and flags (preview) with their defaults, and keeps unknown strings", () => {
        const raw = {
            image: UNKNOWN_VALUE,
            command: UNKNOWN_VALUE,
            env: UNKNOWN_VALUE,
            cpu: UNKNOWN_VALUE,
            streamOutput: UNKNOWN_VALUE,
            launchType: UNKNOWN_VALUE,
            taskCustomizations: UNKNOWN_VALUE,
            networkConfiguration: { subnets: UNKNOWN_VALUE, securityGroups: UNKNOWN_VALUE, assignPublicIp: UNKNOWN_VALUE },
            __context: CTX,
        } as unknown as TaskRunInputs;
        const s = resolveSettings(raw);
        assert.deepStrictEqual(
            [s.image, s.command, s.env, s.cpu, s.streamOutput, s.launchType, s.taskCustomizations, s.networkConfiguration],
            [UNKNOWN_VALUE, undefined, {}, undefined, false, "FARGATE", [], { subnets: UNKNOWN_VALUE, assignPublicIp: "ENABLED" }],
        );
    });

    it("parses customizations given as a JSON string", () => {
        const s = resolveSettings(inputs({ taskCustomizations: '[{"op":"remove","path":"/count"}]' }));
        assert.deepStrictEqual(s.taskCustomizations, [{ op: "remove", path: "/count" }]);
    });

    it("configures CloudWatch logs when streaming, unless the container already logs with awslogs", () => {
        assert.equal(resolveSettings(inputs({ streamOutput: true })).configureCloudwatchLogs, true);
        const logged = {
            containerDefinitions: [
                { name: "main", image: "a", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "mine" } } },
            ],
        };
        assert.equal(resolveSettings(inputs({ streamOutput: true, taskDefinition: logged })).configureCloudwatchLogs, false);
        assert.equal(
            resolveSettings(inputs({ streamOutput: true, taskDefinition: logged, configureCloudwatchLogs: true })).configureCloudwatchLogs,
            true,
        );
        assert.equal(resolveSettings(inputs({ streamOutput: true, configureCloudwatchLogs: false })).configureCloudwatchLogs, false);
    });

    it("does not mutate its input", () => {
        const given = inputs({ env: { A: "1" }, taskDefinition: { containerDefinitions: [] } });
        const copy = JSON.parse(JSON.stringify(given)) as unknown;
        const s = resolveSettings(given);
        s.env.B = "2";
        s.taskDefinition?.containerDefinitions?.push({ name: "x" });
        assert.deepStrictEqual(given, copy);
    });

    it("splits the inputs into those that define the run and those that only watch it", () => {
        assert.equal(SPEC_KEYS.length, 33);
        assert.deepStrictEqual([...WATCH_KEYS].sort(), [
            "autoDeregisterTaskDefinition",
            "failOnNonZeroExit",
            "retryStrategy",
            "streamOutput",
            "taskStartTimeoutSeconds",
            "taskWatchPollInterval",
            "waitForCompletion",
        ]);
        assert.equal(RUN_KEYS.length + WATCH_KEYS.length, SPEC_KEYS.length);
        assert.ok(RUN_KEYS.every((k) => !WATCH_KEYS.includes(k)));
        assert.ok(RUN_KEYS.includes("secrets"), "a change of secrets runs the task again");
    });
});
