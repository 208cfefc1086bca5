import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../../provider/plan/constants";
import { describeSizes, validateInputs, type CheckFailure } from "../../../provider/plan/validate";
import { CTX } from "./fixtures";

const EXEC = "arn:aws:iam::123456789012:role/exec";
const OK = { command: ["echo", "hello"], image: "alpine" };

function check(spec: Record<string, unknown>): CheckFailure[] {
    return validateInputs({ ...spec, __context: CTX });
}

/** The only failure of a spec. */
function failure(spec: Record<string, unknown>): CheckFailure {
    const failures = check(spec);
    assert.equal(failures.length, 1, JSON.stringify(failures, null, 2));
    return failures[0];
}

describe("plan/validate validateInputs", () => {
    describe("valid inputs", () => {
        it("accepts every example of the reference", () => {
            const examples: Record<string, unknown>[] = [
                { ...OK },
                { ...OK, launchType: "FARGATE_SPOT" },
                { ...OK, launchType: "EC2" },
                { ...OK, vpcId: "vpc-01abcdf123456789a" },
                { ...OK, streamOutput: true, executionRoleArn: EXEC },
                { command: ["echo", "hello"], taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/app:3" },
                { ...OK, image: "alpine:latest" },
                { ...OK, memory: 4096, cpu: 2048 },
                { ...OK, env: { PLANET: "earth" } },
                { ...OK, cluster: "my-cluster-name" },
                {
                    ...OK,
                    taskCustomizations: [
                        { op: "add", path: "/networkConfiguration/awsvpcConfiguration/subnets", value: ["subnet-80b6fbcd"] },
                    ],
                },
                {
                    ...OK,
                    vpcId: "vpc-1",
                    taskCustomizations: [
                        { op: "replace", path: "/networkConfiguration/awsvpcConfiguration/assignPublicIp", value: "DISABLED" },
                    ],
                },
                {
                    ...OK,
                    vpcId: "vpc-1",
                    taskCustomizations: [{ op: "add", path: "/networkConfiguration/awsvpcConfiguration/securityGroups", value: ["sg-1"] }],
                },
            ];
            for (const example of examples) assert.deepStrictEqual(check(example), [], JSON.stringify(example));
        });

        it("accepts every input at once", () => {
            assert.deepStrictEqual(
                check({
                    ...OK,
                    family: "app",
                    containerName: "main",
                    cpu: 512,
                    memory: 1024,
                    executionRoleArn: EXEC,
                    taskRoleArn: "arn:task",
                    configureCloudwatchLogs: true,
                    cloudwatchLogsOptions: { "awslogs-group": "g" },
                    streamOutput: true,
                    launchType: "FARGATE",
                    capacityProviderStrategy: [
                        { capacityProvider: "FARGATE", weight: 1, base: 1 },
                        { capacityProvider: "FARGATE_SPOT", weight: 3 },
                    ],
                    networkConfiguration: { subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: "DISABLED" },
                    env: { A: "1", B: null },
                    secrets: { DB_PASSWORD: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::" },
                    tags: { team: "data" },
                    propagateTags: "TASK_DEFINITION",
                    platformVersion: "1.4.0",
                    enableExecuteCommand: true,
                    taskCustomizations: '[{"op":"add","path":"/group","value":"g"}]',
                    taskStartTimeoutSeconds: 60,
                    taskWatchPollInterval: 0.5,
                    autoDeregisterTaskDefinition: false,
                    waitForCompletion: false,
                    failOnNonZeroExit: false,
                    triggers: [1, { a: 2 }],
                    region: "eu-west-1",
                }),
                [],
            );
        });

        it("ignores the internal keys and inputs set to null", () => {
            assert.deepStrictEqual(check({ ...OK, __provider: "code", __secretKeys: ["env"], plan: {}, __other: 1, cluster: null }), []);
        });

        it("accepts an inline definition whose container has the image and the execution role for logs", () => {
            const taskDefinition = { executionRoleArn: EXEC, containerDefinitions: [{ name: "app", image: "app:1" }] };
            assert.deepStrictEqual(check({ taskDefinition, streamOutput: true }), []);
        });

        it("accepts streaming from an inline container that already logs with awslogs, without a role", () => {
            const taskDefinition = {
                containerDefinitions: [{ name: "app", image: "a", logConfiguration: { logDriver: "awslogs", options: {} } }],
            };
            assert.deepStrictEqual(check({ taskDefinition, streamOutput: true }), []);
        });
    });

    describe("names", () => {
        it("reports an unknown input, with the closest name", () => {
            assert.deepStrictEqual(check({ ...OK, imgae: "x", ExecutionRoleArn: "y", bogus: 1 }), [
                { property: "imgae", reason: "`imgae` is not an input of EcsTaskRun; did you mean `image`?" },
                {
                    property: "ExecutionRoleArn",
                    reason: "`ExecutionRoleArn` is not an input of EcsTaskRun; did you mean `executionRoleArn`?",
                },
                { property: "bogus", reason: "`bogus` is not an input of EcsTaskRun." },
            ]);
        });
    });

    describe("types", () => {
        const cases: [string, Record<string, unknown>, string, string][] = [
            [
                "command as a string",
                { command: "echo hi" },
                "command",
                '`command` must be a list of strings, e.g. ["echo", "hello"]; got "echo hi".',
            ],
            [
                "command with a number",
                { command: ["sleep", 5] },
                "command",
                '`command` must be a list of strings, e.g. ["echo", "hello"]; got ["sleep",5].',
            ],
            ["image as a number", { image: 5 }, "image", "`image` must be a string; got 5."],
            ["empty image", { image: " " }, "image", "`image` is empty; give a value or leave `image` out."],
            [
                "taskDefinitionArn as a number",
                { taskDefinitionArn: 3 },
                "taskDefinitionArn",
                "`taskDefinitionArn` must be a string; got 3.",
            ],
            ["family as a list", { family: ["a"] }, "family", '`family` must be a string; got ["a"].'],
            [
                "family without any valid character",
                { family: "!!!" },
                "family",
                '`family` "!!!" has no letter, digit, "-" or "_"; a family needs at least one.',
            ],
            [
                "containerName empty",
                { containerName: "" },
                "containerName",
                "`containerName` is empty; give a value or leave `containerName` out.",
            ],
            ["cpu as a string", { cpu: "1024" }, "cpu", '`cpu` must be a positive integer (CPU units, 1024 = 1 vCPU); got "1024".'],
            ["cpu zero", { cpu: 0 }, "cpu", "`cpu` must be a positive integer (CPU units, 1024 = 1 vCPU); got 0."],
            ["memory fractional", { memory: 1.5 }, "memory", "`memory` must be a positive integer (MiB); got 1.5."],
            ["executionRoleArn as an object", { executionRoleArn: {} }, "executionRoleArn", "`executionRoleArn` must be a string; got {}."],
            ["taskRoleArn as a boolean", { taskRoleArn: true }, "taskRoleArn", "`taskRoleArn` must be a string; got true."],
            [
                "configureCloudwatchLogs as a string",
                { configureCloudwatchLogs: "true" },
                "configureCloudwatchLogs",
                '`configureCloudwatchLogs` must be true or false; got "true".',
            ],
            ["streamOutput as a number", { streamOutput: 1 }, "streamOutput", "`streamOutput` must be true or false; got 1."],
            [
                "enableExecuteCommand as a string",
                { enableExecuteCommand: "yes" },
                "enableExecuteCommand",
                '`enableExecuteCommand` must be true or false; got "yes".',
            ],
            [
                "autoDeregisterTaskDefinition",
                { autoDeregisterTaskDefinition: 0 },
                "autoDeregisterTaskDefinition",
                "`autoDeregisterTaskDefinition` must be true or false; got 0.",
            ],
            ["waitForCompletion", { waitForCompletion: "no" }, "waitForCompletion", '`waitForCompletion` must be true or false; got "no".'],
            ["failOnNonZeroExit", { failOnNonZeroExit: [] }, "failOnNonZeroExit", "`failOnNonZeroExit` must be true or false; got []."],
            [
                "cloudwatchLogsOptions as a list",
                { configureCloudwatchLogs: true, executionRoleArn: EXEC, cloudwatchLogsOptions: ["a"] },
                "cloudwatchLogsOptions",
                '`cloudwatchLogsOptions` must be an object of string values, e.g. { "awslogs-group": "my-group" }; got ["a"].',
            ],
            [
                "cloudwatchLogsOptions with a number",
                { configureCloudwatchLogs: true, executionRoleArn: EXEC, cloudwatchLogsOptions: { "max-buffer-size": 5 } },
                "cloudwatchLogsOptions",
                "`cloudwatchLogsOptions.max-buffer-size` must be a string; got 5.",
            ],
            [
                "unknown launch type",
                { launchType: "SPOT" },
                "launchType",
                '`launchType` "SPOT" is not a launch type; valid: FARGATE, FARGATE_SPOT, EC2, EXTERNAL, CLUSTER_DEFAULT.',
            ],
            ["vpcId as a number", { vpcId: 1 }, "vpcId", "`vpcId` must be a string; got 1."],
            ["cluster empty", { cluster: "" }, "cluster", "`cluster` is empty; give a value or leave `cluster` out."],
            [
                "env as a string",
                { env: "A=1" },
                "env",
                '`env` must be an object of variable names to strings (or null to remove a variable); got "A=1".',
            ],
            [
                "env value as a number",
                { env: { PORT: 8080 } },
                "env",
                '`env.PORT` must be a string, or null to remove the variable; got 8080 (write "8080").',
            ],
            [
                "env value as a boolean",
                { env: { DEBUG: true } },
                "env",
                "`env.DEBUG` must be a string, or null to remove the variable; got true.",
            ],
            ["env with an empty name", { env: { "": "x" } }, "env", "`env` has a variable with an empty name; give every variable a name."],
            ["tags as a list", { tags: ["a"] }, "tags", '`tags` must be an object of string values, e.g. { "team": "data" }; got ["a"].'],
            ["tag value as a number", { tags: { n: 1 } }, "tags", "`tags.n` must be a string; got 1."],
            [
                "propagateTags SERVICE",
                { propagateTags: "SERVICE" },
                "propagateTags",
                '`propagateTags` "SERVICE" is not a `propagateTags` value; valid: TASK_DEFINITION, NONE.',
            ],
            ["platformVersion as a number", { platformVersion: 1.4 }, "platformVersion", "`platformVersion` must be a string; got 1.4."],
            [
                "taskStartTimeoutSeconds zero",
                { taskStartTimeoutSeconds: 0 },
                "taskStartTimeoutSeconds",
                "`taskStartTimeoutSeconds` must be a positive number of seconds; got 0.",
            ],
            [
                "taskWatchPollInterval negative",
                { taskWatchPollInterval: -1 },
                "taskWatchPollInterval",
                "`taskWatchPollInterval` must be a positive number of seconds; got -1.",
            ],
            [
                "taskWatchPollInterval as a string",
                { taskWatchPollInterval: "5" },
                "taskWatchPollInterval",
                '`taskWatchPollInterval` must be a positive number of seconds; got "5".',
            ],
            [
                "triggers as an object",
                { triggers: { a: 1 } },
                "triggers",
                '`triggers` must be a list of values (any change to them runs the task again); got {"a":1}.',
            ],
            ["region as a number", { region: 1 }, "region", "`region` must be a string; got 1."],
        ];
        for (const [name, spec, property, reason] of cases) {
            it(`reports ${name}`, () => {
                assert.deepStrictEqual(failure({ ...OK, ...spec }), { property, reason });
            });
        }
    });

    describe("taskDefinition", () => {
        const cases: [string, unknown, string][] = [
            [
                "not an object",
                "td.json",
                '`taskDefinition` must be an object (a RegisterTaskDefinition input, in camelCase); got "td.json".',
            ],
            [
                "containers not a list",
                { containerDefinitions: { name: "a" } },
                '`taskDefinition.containerDefinitions` must be a list of container definitions; got {"name":"a"}.',
            ],
            [
                "a container not an object",
                { containerDefinitions: ["app"] },
                '`taskDefinition.containerDefinitions[0]` must be a container definition (an object); got "app".',
            ],
            [
                "a container without a name",
                { containerDefinitions: [{ name: "a", image: "i" }, { image: "i" }] },
                "`taskDefinition.containerDefinitions[1].name` must be a non-empty string (every container needs a name); got undefined.",
            ],
            [
                "an image not a string",
                { containerDefinitions: [{ name: "a", image: 1 }] },
                "`taskDefinition.containerDefinitions[0].image` must be a string; got 1.",
            ],
            [
                "a command not a list",
                { containerDefinitions: [{ name: "a", image: "i", command: "run" }] },
                '`taskDefinition.containerDefinitions[0].command` must be a list of strings; got "run".',
            ],
            [
                "an environment not a list of pairs",
                { containerDefinitions: [{ name: "a", image: "i", environment: { A: "1" } }] },
                '`taskDefinition.containerDefinitions[0].environment` must be a list of { name, value } objects; got {"A":"1"}.',
            ],
            [
                "a log configuration without a driver",
                { containerDefinitions: [{ name: "a", image: "i", logConfiguration: { options: {} } }] },
                '`taskDefinition.containerDefinitions[0].logConfiguration` must be an object with a `logDriver`; got {"options":{}}.',
            ],
            [
                "a cpu ECS does not understand",
                { cpu: "lots", containerDefinitions: [{ name: "a", image: "i" }] },
                '`taskDefinition.cpu` "lots" is not a size ECS understands; give e.g. "1024" or "1 vCPU".',
            ],
            [
                "a memory ECS does not understand",
                { memory: "2 TB", containerDefinitions: [{ name: "a", image: "i" }] },
                '`taskDefinition.memory` "2 TB" is not a size ECS understands; give e.g. "2048" or "2 GB".',
            ],
            [
                "an unknown network mode",
                { networkMode: "vpc", containerDefinitions: [{ name: "a", image: "i" }] },
                '`taskDefinition.networkMode` "vpc" is not a network mode; valid: awsvpc, bridge, host, none.',
            ],
            [
                "a family without any valid character",
                { family: "???", containerDefinitions: [{ name: "a", image: "i" }] },
                '`taskDefinition.family` "???" has no letter, digit, "-" or "_"; a family needs at least one.',
            ],
            [
                "compatibilities not a list",
                { requiresCompatibilities: "FARGATE", containerDefinitions: [{ name: "a", image: "i" }] },
                '`taskDefinition.requiresCompatibilities` must be a list of strings, e.g. ["FARGATE"]; got "FARGATE".',
            ],
            [
                "an execution role not a string",
                { executionRoleArn: 1, containerDefinitions: [{ name: "a", image: "i" }] },
                "`taskDefinition.executionRoleArn` must be a string; got 1.",
            ],
        ];
        for (const [name, taskDefinition, reason] of cases) {
            it(`reports ${name}`, () => {
                assert.deepStrictEqual(failure({ command: ["x"], image: "i", taskDefinition }), { property: "taskDefinition", reason });
            });
        }

        it("fixes a family ECS would refuse instead of failing", () => {
            assert.deepStrictEqual(check({ ...OK, family: "My App v1.2", taskDefinition: { family: "Other App!" } }), []);
        });
    });

    describe("capacityProviderStrategy and networkConfiguration", () => {
        const cases: [string, Record<string, unknown>, string, string][] = [
            [
                "a strategy not a list",
                { capacityProviderStrategy: "FARGATE_SPOT" },
                "capacityProviderStrategy",
                '`capacityProviderStrategy` must be a list of { capacityProvider, weight, base }, e.g. [{ "capacityProvider": "FARGATE_SPOT", "weight": 1 }]; got "FARGATE_SPOT".',
            ],
            [
                "a strategy item without a provider",
                { capacityProviderStrategy: [{ weight: 1 }] },
                "capacityProviderStrategy",
                "`capacityProviderStrategy[0].capacityProvider` must be a non-empty string; got undefined.",
            ],
            [
                "a weight out of range",
                { capacityProviderStrategy: [{ capacityProvider: "cp", weight: 2000 }] },
                "capacityProviderStrategy",
                "`capacityProviderStrategy[0].weight` must be an integer from 0 to 1000; got 2000.",
            ],
            [
                "a base out of range",
                { capacityProviderStrategy: [{ capacityProvider: "cp", weight: 1, base: -1 }] },
                "capacityProviderStrategy",
                "`capacityProviderStrategy[0].base` must be an integer from 0 to 100000; got -1.",
            ],
            [
                "a misspelt strategy key",
                { capacityProviderStrategy: [{ capacityProvider: "cp", wieght: 1 }] },
                "capacityProviderStrategy",
                "`capacityProviderStrategy[0]` has unknown key(s) wieght; valid: capacityProvider, weight, base.",
            ],
            [
                "a strategy that places no task",
                {
                    capacityProviderStrategy: [
                        { capacityProvider: "cp", base: 1 },
                        { capacityProvider: "cp2", weight: 0 },
                    ],
                },
                "capacityProviderStrategy",
                "`capacityProviderStrategy` needs a capacity provider with a `weight` above 0 (providers of weight 0, the default, place no tasks).",
            ],
            [
                "network settings not an object",
                { networkConfiguration: ["subnet-1"] },
                "networkConfiguration",
                '`networkConfiguration` must be an object { subnets, securityGroups, assignPublicIp }; got ["subnet-1"].',
            ],
            [
                "a misspelt network key",
                { networkConfiguration: { subnet: ["s"] } },
                "networkConfiguration",
                "`networkConfiguration` has unknown key(s) subnet; valid: subnets, securityGroups, assignPublicIp.",
            ],
            [
                "subnets as a string",
                { networkConfiguration: { subnets: "subnet-1" } },
                "networkConfiguration",
                '`networkConfiguration.subnets` must be a list of strings, e.g. ["subnet-0abc"]; got "subnet-1".',
            ],
            [
                "no subnets",
                { networkConfiguration: { subnets: [] } },
                "networkConfiguration",
                "`networkConfiguration.subnets` is empty; give at least one subnet, or leave it out to use the VPC's subnets.",
            ],
            [
                "security groups not strings",
                { networkConfiguration: { securityGroups: [1] } },
                "networkConfiguration",
                '`networkConfiguration.securityGroups` must be a list of strings, e.g. ["sg-0abc"]; got [1].',
            ],
            [
                "assignPublicIp not ENABLED or DISABLED",
                { networkConfiguration: { assignPublicIp: "YES" } },
                "networkConfiguration",
                '`networkConfiguration.assignPublicIp` "YES" is not an `assignPublicIp` value; valid: ENABLED, DISABLED.',
            ],
        ];
        for (const [name, spec, property, reason] of cases) {
            it(`reports ${name}`, () => {
                assert.deepStrictEqual(failure({ ...OK, ...spec }), { property, reason });
            });
        }

        it("refuses a strategy with a launch type other than the default", () => {
            for (const launchType of ["EC2", "FARGATE_SPOT", "EXTERNAL", "CLUSTER_DEFAULT"]) {
                const sizes = launchType === "EXTERNAL" || launchType === "CLUSTER_DEFAULT" ? { memory: 512 } : {};
                assert.deepStrictEqual(
                    failure({ ...OK, ...sizes, launchType, capacityProviderStrategy: [{ capacityProvider: "cp", weight: 1 }] }),
                    {
                        property: "capacityProviderStrategy",
                        reason:
                            `\`capacityProviderStrategy\` cannot be used with \`launchType\` "${launchType}": RunTask takes one or the other. ` +
                            "Remove `launchType` (the strategy chooses where the task runs) or remove `capacityProviderStrategy`.",
                    },
                );
            }
            assert.deepStrictEqual(
                check({ ...OK, launchType: "FARGATE", capacityProviderStrategy: [{ capacityProvider: "cp", weight: 1 }] }),
                [],
            );
            assert.deepStrictEqual(check({ ...OK, launchType: "EC2", capacityProviderStrategy: [] }), []);
        });

        it("refuses network settings where the definition does not use awsvpc", () => {
            assert.deepStrictEqual(check({ ...OK, launchType: "EC2", vpcId: "vpc-1", networkConfiguration: { subnets: ["s"] } }), [
                {
                    property: "vpcId",
                    reason:
                        '`vpcId` is only used with the "awsvpc" network mode, but the task definition uses "bridge" (the default of launch type EC2): ' +
                        'set `taskDefinition.networkMode` to "awsvpc" or remove `vpcId`.',
                },
                {
                    property: "networkConfiguration",
                    reason:
                        '`networkConfiguration` is only used with the "awsvpc" network mode, but the task definition uses "bridge" (the default of launch type EC2): ' +
                        'set `taskDefinition.networkMode` to "awsvpc" or remove `networkConfiguration`.',
                },
            ]);
            assert.deepStrictEqual(
                failure({ ...OK, launchType: "EXTERNAL", memory: 512, taskDefinition: { networkMode: "host" }, vpcId: "vpc-1" }),
                {
                    property: "vpcId",
                    reason: '`vpcId` is only used with the "awsvpc" network mode, but the task definition uses "host": set `taskDefinition.networkMode` to "awsvpc" or remove `vpcId`.',
                },
            );
            assert.deepStrictEqual(check({ ...OK, launchType: "EC2", taskDefinition: { networkMode: "awsvpc" }, vpcId: "vpc-1" }), []);
            assert.deepStrictEqual(check({ command: ["x"], launchType: "EC2", taskDefinitionArn: "app:1", vpcId: "vpc-1" }), []);
        });
    });

    describe("tags", () => {
        const cases: [string, Record<string, string>, string][] = [
            [
                "too many tags",
                Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"])),
                "`tags` has 50 tags; AWS allows 50 per task including the `ecs-task-run:inputs-hash` tag this resource adds, so give at most 49.",
            ],
            ["a key too long", { ["k".repeat(129)]: "v" }, `\`tags\` key "${"k".repeat(38)}… is 129 characters; AWS allows 128.`],
            ["a value too long", { team: "v".repeat(257) }, "`tags.team` value is 257 characters; AWS allows 256."],
            [
                "a key starting with aws:",
                { "AWS:team": "x" },
                '`tags` key "AWS:team" starts with `aws:`, which AWS reserves; use another key.',
            ],
            [
                "a value starting with aws:",
                { team: "aws:x" },
                '`tags.team` value "aws:x" starts with `aws:`, which AWS reserves; use another value.',
            ],
            [
                "the inputs hash key",
                { "ecs-task-run:inputs-hash": "x" },
                "`tags` key `ecs-task-run:inputs-hash` is set by this resource; use another key.",
            ],
            ["an empty key", { "": "x" }, "`tags` has an empty key; AWS needs at least one character."],
        ];
        for (const [name, tags, reason] of cases) {
            it(`reports ${name}`, () => {
                assert.deepStrictEqual(failure({ ...OK, tags }), { property: "tags", reason });
            });
        }

        it("accepts 49 tags of the longest key and value", () => {
            const tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`${i}`.padStart(128, "k"), "v".repeat(256)]));
            assert.deepStrictEqual(check({ ...OK, tags }), []);
        });
    });

    describe("task definition sources and image", () => {
        it("refuses both taskDefinition and taskDefinitionArn", () => {
            assert.deepStrictEqual(failure({ ...OK, taskDefinition: {}, taskDefinitionArn: "app:1" }), {
                property: "taskDefinitionArn",
                reason: "Give either `taskDefinition` (a definition to register) or `taskDefinitionArn` (an existing one), not both.",
            });
        });

        it("requires an image", () => {
            const reason =
                "An image is required: set `image`, or give `taskDefinitionArn`, or a `taskDefinition` whose container `main` has an `image`.";
            assert.deepStrictEqual(failure({ command: ["x"] }), { property: "image", reason });
            assert.deepStrictEqual(failure({ taskDefinition: { containerDefinitions: [{ name: "app" }] } }), {
                property: "image",
                reason: "An image is required: set `image`, or give `taskDefinitionArn`, or a `taskDefinition` whose container `app` has an `image`.",
            });
            assert.deepStrictEqual(check({ taskDefinitionArn: "app:1" }), []);
            assert.deepStrictEqual(check({ taskDefinition: { containerDefinitions: [{ name: "app", image: "a" }] } }), []);
        });

        it("requires an image for a container that containerName adds", () => {
            const taskDefinition = { containerDefinitions: [{ name: "app", image: "app:1" }] };
            assert.deepStrictEqual(failure({ taskDefinition, containerName: "worker" }), {
                property: "image",
                reason:
                    "Container `worker` is not in `taskDefinition`, so it is added, and it needs an image: set `image` " +
                    "(or name a container of the definition in `containerName`).",
            });
            assert.deepStrictEqual(check({ taskDefinition, containerName: "worker", image: "worker:1" }), []);
            assert.deepStrictEqual(check({ taskDefinition, containerName: "app" }), []);
        });

        it("refuses an inline definition that is not awsvpc on Fargate", () => {
            for (const networkMode of ["bridge", "host", "none"]) {
                assert.deepStrictEqual(failure({ ...OK, launchType: "FARGATE_SPOT", taskDefinition: { networkMode } }), {
                    property: "taskDefinition",
                    reason:
                        `\`taskDefinition.networkMode\` "${networkMode}" cannot be used with launch type FARGATE_SPOT, which needs "awsvpc": ` +
                        'set `taskDefinition.networkMode` to "awsvpc" or use launchType "EC2".',
                });
            }
            assert.deepStrictEqual(check({ ...OK, launchType: "EC2", taskDefinition: { networkMode: "bridge" } }), []);
        });
    });

    describe("Prefect parity: container choice, secrets, launch types without default sizes", () => {
        const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/db-AbCdEf";
        const twoContainers = {
            containerDefinitions: [
                { name: "log-router", image: "fluent-bit" },
                { name: "app", image: "app:1" },
            ],
        };

        it("refuses a taskDefinition with several containers and no containerName, naming them", () => {
            assert.deepStrictEqual(failure({ command: ["x"], taskDefinition: twoContainers }), {
                property: "containerName",
                reason:
                    "`taskDefinition` has 2 containers (log-router, app) and no `containerName` says which one runs the command: " +
                    "set `containerName` to one of them (the others run beside it as sidecars).",
            });
            assert.deepStrictEqual(check({ command: ["x"], taskDefinition: twoContainers, containerName: "app" }), []);
            // Not knowable at check: a definition given by ARN, or a container not known yet (preview).
            assert.deepStrictEqual(check({ command: ["x"], taskDefinitionArn: "app:1" }), []);
            assert.deepStrictEqual(
                check({ command: ["x"], taskDefinition: { containerDefinitions: [UNKNOWN_VALUE, { name: "app", image: "a" }] } }),
                [],
            );
        });

        it("accepts every secret reference ECS takes", () => {
            const secrets = {
                A: SM,
                B: `${SM}:password::`,
                C: `${SM}:password:AWSCURRENT:`,
                D: `${SM}::AWSPREVIOUS:`,
                E: `${SM}:::0b9e4f4e-1111-2222-3333-444455556666`,
                F: "arn:aws:secretsmanager:us-gov-west-1:123456789012:secret:db",
                G: "arn:aws:ssm:us-east-1:123456789012:parameter/shop/db-password",
                H: "/shop/db-password",
                I: "db_password.v2",
                J: UNKNOWN_VALUE,
            };
            assert.deepStrictEqual(check({ ...OK, executionRoleArn: EXEC, secrets }), []);
        });

        const secretCases: [string, unknown, string][] = [
            [
                "not an object",
                ["a"],
                '`secrets` must be an object of variable names to secret ARNs or parameter names, e.g. { DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf" }; got ["a"].',
            ],
            ["a value not a string", { A: 1 }, "`secrets.A` must be a string (a secret ARN or parameter name); got 1."],
            ["an empty name", { "": "/a" }, "`secrets` has a variable with an empty name; give every variable a name."],
        ];
        for (const [name, secrets, reason] of secretCases) {
            it(`reports secrets ${name}`, () => {
                assert.deepStrictEqual(failure({ ...OK, executionRoleArn: EXEC, secrets }), { property: "secrets", reason });
            });
        }

        it("reports a reference that names neither a Secrets Manager secret nor an SSM parameter", () => {
            const bad = [
                `${SM}:a:b:c:d`, // more than json-key, version-stage, version-id
                "arn:aws:secretsmanager:us-east-1:123456789012:db", // no "secret:"
                "arn:aws:s3:::bucket/key",
                "arn:aws:ssm:us-east-1:123456789012:document/x",
                "has space",
                "aws-reserved",
                "/ssm/reserved",
                "",
            ];
            for (const valueFrom of bad) {
                assert.deepStrictEqual(
                    failure({ ...OK, executionRoleArn: EXEC, secrets: { A: valueFrom } }),
                    {
                        property: "secrets",
                        reason:
                            `\`secrets.A\` ${JSON.stringify(valueFrom)} names neither a Secrets Manager secret ` +
                            "(`arn:aws:secretsmanager:<region>:<account>:secret:<name>`, optionally followed by `:<json-key>:<version-stage>:<version-id>`) " +
                            "nor an SSM parameter (`arn:aws:ssm:<region>:<account>:parameter/<name>`, or the parameter's name in the task's region).",
                    },
                    valueFrom,
                );
            }
        });

        it("refuses a name in both secrets and env, but not one env removes (null)", () => {
            assert.deepStrictEqual(
                failure({ ...OK, executionRoleArn: EXEC, secrets: { B: "/b", A: "/a" }, env: { A: "1", B: "2", C: "3" } }),
                {
                    property: "secrets",
                    reason: "`A`, `B` are in both `secrets` and `env`: a variable comes from one or the other; remove it from `env` (or from `secrets`).",
                },
            );
            assert.deepStrictEqual(check({ ...OK, executionRoleArn: EXEC, secrets: { A: "/a" }, env: { A: null } }), []);
        });

        it("requires an execution role to read secrets, unless the definition has one or is given by ARN", () => {
            assert.deepStrictEqual(failure({ ...OK, secrets: { A: "/a" } }), {
                property: "executionRoleArn",
                reason:
                    "`secrets` are read at start by the task's execution role, but there is none: set `executionRoleArn` " +
                    "(a role with secretsmanager:GetSecretValue or ssm:GetParameters on them, and kms:Decrypt for a customer-managed key).",
            });
            assert.deepStrictEqual(check({ ...OK, secrets: { A: "/a" }, taskDefinition: { executionRoleArn: EXEC } }), []);
            assert.deepStrictEqual(check({ command: ["x"], secrets: { A: "/a" }, taskDefinitionArn: "app:1" }), []);
        });

        it("accepts CLUSTER_DEFAULT as a launch type, and requires memory where EXTERNAL and CLUSTER_DEFAULT get no default", () => {
            for (const launchType of ["EXTERNAL", "CLUSTER_DEFAULT"]) {
                assert.deepStrictEqual(failure({ ...OK, launchType }), {
                    property: "memory",
                    reason:
                        `Launch type ${launchType} gets no default sizes, and neither the task nor container \`main\` has memory, which AWS requires: ` +
                        "set `memory` (the task's MiB), or give the task definition `memory` or each container `memory` or `memoryReservation`.",
                });
                assert.deepStrictEqual(check({ ...OK, launchType, memory: 512 }), []);
                assert.deepStrictEqual(check({ ...OK, launchType, taskDefinition: { memory: "1 GB" } }), []);
                assert.deepStrictEqual(
                    check({
                        command: ["x"],
                        launchType,
                        taskDefinition: { containerDefinitions: [{ name: "app", image: "a", memoryReservation: 64 }] },
                    }),
                    [],
                );
                assert.deepStrictEqual(check({ command: ["x"], launchType, taskDefinitionArn: "app:1" }), []);
            }
            assert.equal(
                failure({
                    launchType: "CLUSTER_DEFAULT",
                    containerName: "job",
                    image: "a",
                    taskDefinition: { containerDefinitions: [{ name: "app", image: "a", memory: 64 }] },
                }).reason.startsWith(
                    "Launch type CLUSTER_DEFAULT gets no default sizes, and neither the task nor container `job` has memory",
                ),
                true,
            );
        });
    });

    describe("logs", () => {
        it("requires logs to be configured for cloudwatchLogsOptions (the reference's rule)", () => {
            const reason =
                "`configureCloudwatchLogs` must be enabled to use `cloudwatchLogsOptions`: set `configureCloudwatchLogs: true` or remove `cloudwatchLogsOptions`.";
            assert.deepStrictEqual(failure({ ...OK, cloudwatchLogsOptions: { "awslogs-group": "g" } }), {
                property: "cloudwatchLogsOptions",
                reason,
            });
            assert.deepStrictEqual(failure({ ...OK, configureCloudwatchLogs: false, cloudwatchLogsOptions: { a: "b" } }), {
                property: "cloudwatchLogsOptions",
                reason,
            });
            assert.deepStrictEqual(check({ ...OK, streamOutput: true, executionRoleArn: EXEC, cloudwatchLogsOptions: { a: "b" } }), []);
            assert.deepStrictEqual(check({ ...OK, cloudwatchLogsOptions: {} }), []);
        });

        it("requires an execution role for logs (the reference's rule)", () => {
            const reason =
                "An `executionRoleArn` must be provided to use `configureCloudwatchLogs` or `streamOutput`: the role that writes " +
                "the container's logs needs logs:CreateLogStream, logs:CreateLogGroup and logs:PutLogEvents.";
            assert.deepStrictEqual(failure({ ...OK, streamOutput: true }), { property: "executionRoleArn", reason });
            assert.deepStrictEqual(failure({ ...OK, configureCloudwatchLogs: true }), { property: "executionRoleArn", reason });
            assert.deepStrictEqual(check({ ...OK, streamOutput: true, executionRoleArn: EXEC }), []);
            assert.deepStrictEqual(check({ command: ["x"], streamOutput: true, taskDefinitionArn: "app:1" }), []);
            assert.deepStrictEqual(check({ ...OK, streamOutput: true, taskDefinition: { executionRoleArn: EXEC } }), []);
        });

        it("refuses streaming when nothing sends the logs to CloudWatch", () => {
            assert.deepStrictEqual(failure({ ...OK, streamOutput: true, configureCloudwatchLogs: false }), {
                property: "streamOutput",
                reason:
                    "`streamOutput` needs the container's logs in CloudWatch, but `configureCloudwatchLogs` is false and container `main` " +
                    "has no awslogs `logConfiguration`: set `configureCloudwatchLogs: true` or remove `streamOutput`.",
            });
        });
    });

    describe("Fargate sizes", () => {
        it("refuses a cpu that is not a Fargate size", () => {
            assert.deepStrictEqual(failure({ ...OK, cpu: 300 }), {
                property: "cpu",
                reason: "`cpu` 300 is not a Fargate size; valid: 256, 512, 1024, 2048, 4096, 8192, 16384.",
            });
            assert.deepStrictEqual(failure({ ...OK, launchType: "FARGATE_SPOT", cpu: 3000, memory: 8192 }).property, "cpu");
            assert.deepStrictEqual(check({ ...OK, launchType: "EC2", cpu: 300, memory: 700 }), []);
        });

        it("refuses a memory size not valid with the cpu, listing the valid ones", () => {
            assert.deepStrictEqual(failure({ ...OK, cpu: 1024, memory: 3000 }), {
                property: "memory",
                reason: "`memory` 3000 is not valid with cpu 1024 on Fargate; valid for cpu 1024: 2048 to 8192 in steps of 1024.",
            });
            assert.deepStrictEqual(failure({ ...OK, cpu: 256, memory: 4096 }), {
                property: "memory",
                reason: "`memory` 4096 is not valid with cpu 256 on Fargate; valid for cpu 256: 512, 1024, 2048.",
            });
        });

        it("considers the default memory", () => {
            assert.deepStrictEqual(failure({ ...OK, cpu: 4096 }), {
                property: "memory",
                reason: "the default `memory` 2048 is not valid with cpu 4096 on Fargate; valid for cpu 4096: 8192 to 30720 in steps of 1024.",
            });
        });

        it("considers the inline definition's sizes", () => {
            assert.deepStrictEqual(failure({ ...OK, taskDefinition: { cpu: "300" } }), {
                property: "taskDefinition",
                reason: '`taskDefinition.cpu` "300" is not a Fargate size; valid: 256, 512, 1024, 2048, 4096, 8192, 16384.',
            });
            assert.deepStrictEqual(failure({ ...OK, taskDefinition: { cpu: "1 vCPU", memory: "16 GB" } }), {
                property: "taskDefinition",
                reason: '`taskDefinition.memory` "16 GB" is not valid with cpu 1024 on Fargate; valid for cpu 1024: 2048 to 8192 in steps of 1024.',
            });
            assert.deepStrictEqual(check({ ...OK, taskDefinition: { cpu: "256", memory: "512" } }), []);
            assert.deepStrictEqual(check({ ...OK, taskDefinition: { cpu: "300" }, cpu: 512 }), []);
        });

        it("checks only the given sizes of a definition given by ARN", () => {
            assert.deepStrictEqual(failure({ taskDefinitionArn: "app:1", cpu: 300 }).property, "cpu");
            assert.deepStrictEqual(failure({ taskDefinitionArn: "app:1", cpu: 1024, memory: 512 }).property, "memory");
            assert.deepStrictEqual(check({ taskDefinitionArn: "app:1", memory: 3000 }), []);
            assert.deepStrictEqual(check({ taskDefinitionArn: "app:1", cpu: 4096 }), []);
        });

        it("describes long lists of sizes as ranges", () => {
            assert.equal(describeSizes([512, 1024, 2048]), "512, 1024, 2048");
            assert.equal(describeSizes([1, 2, 3, 4, 5]), "1 to 5 in steps of 1");
            assert.equal(describeSizes([1, 2, 4, 8, 16]), "1, 2, 4, 8, 16");
        });
    });

    describe("taskCustomizations", () => {
        it("reports a string that is not JSON", () => {
            const f = failure({ ...OK, taskCustomizations: "[{op: 'add'}]" });
            assert.equal(f.property, "taskCustomizations");
            assert.match(f.reason, /^`taskCustomizations` is not valid JSON \(.+\); give a list of RFC 6902 operations\.$/);
        });

        it("reports a value that is not a list", () => {
            assert.deepStrictEqual(failure({ ...OK, taskCustomizations: { op: "add" } }), {
                property: "taskCustomizations",
                reason: '`taskCustomizations` must be a list of RFC 6902 operations (or a JSON string of one); got {"op":"add"}.',
            });
            assert.deepStrictEqual(failure({ ...OK, taskCustomizations: '{"op":"add"}' }), {
                property: "taskCustomizations",
                reason: '`taskCustomizations` must be a list of RFC 6902 operations; got {"op":"add"}.',
            });
        });

        it("reports an operation that is not RFC 6902", () => {
            assert.deepStrictEqual(failure({ ...OK, taskCustomizations: [{ op: "merge", path: "/overrides", value: {} }] }), {
                property: "taskCustomizations",
                reason: "`taskCustomizations` operation 0 (merge /overrides): `op` must be one of add, remove, replace, move, copy, test (OPERATION_OP_INVALID).",
            });
            assert.deepStrictEqual(failure({ ...OK, taskCustomizations: '[{"op":"add","path":"/group"}]' }), {
                property: "taskCustomizations",
                reason: "`taskCustomizations` operation 0 (add /group): Operation `value` property is not present (applicable in `add`, `replace` and `test` operations) (OPERATION_VALUE_REQUIRED).",
            });
        });

        it("reports a path the planned request does not have", () => {
            assert.deepStrictEqual(failure({ ...OK, taskCustomizations: [{ op: "replace", path: "/cluster", value: "c" }] }), {
                property: "taskCustomizations",
                reason:
                    "`taskCustomizations` operation 0 (replace /cluster): Cannot perform the operation at a path that does not exist " +
                    "(OPERATION_PATH_UNRESOLVABLE); the planned RunTask request has no `/cluster`.",
            });
            assert.deepStrictEqual(
                check({ ...OK, cluster: "c", taskCustomizations: [{ op: "replace", path: "/cluster", value: "d" }] }),
                [],
            );
        });

        it("reports a path into the network configuration when the run has none (EC2, bridge)", () => {
            assert.deepStrictEqual(
                failure({
                    ...OK,
                    launchType: "EC2",
                    taskCustomizations: [{ op: "add", path: "/networkConfiguration/awsvpcConfiguration/subnets", value: ["subnet-1"] }],
                }),
                {
                    property: "taskCustomizations",
                    reason:
                        "`taskCustomizations` operation 0 (add /networkConfiguration/awsvpcConfiguration/subnets): Cannot perform an `add` operation " +
                        "at the desired path (OPERATION_PATH_CANNOT_ADD); the planned RunTask request has no `/networkConfiguration`. " +
                        'The request has a `networkConfiguration` only when the task definition uses the "awsvpc" network mode ' +
                        '(Fargate, or `taskDefinition.networkMode: "awsvpc"`).',
                },
            );
        });

        it("does not report what only the run can know", () => {
            const intoNetwork = [{ op: "replace", path: "/networkConfiguration/awsvpcConfiguration/assignPublicIp", value: "DISABLED" }];
            assert.deepStrictEqual(
                check({ command: ["x"], taskDefinitionArn: "app:1", launchType: "EC2", taskCustomizations: intoNetwork }),
                [],
            );
            const testSubnets = [{ op: "test", path: "/networkConfiguration/awsvpcConfiguration/subnets", value: ["subnet-1"] }];
            assert.deepStrictEqual(check({ ...OK, taskCustomizations: testSubnets }), []);
            const appendSubnet = [{ op: "add", path: "/networkConfiguration/awsvpcConfiguration/subnets/-", value: "subnet-9" }];
            assert.deepStrictEqual(check({ ...OK, taskCustomizations: appendSubnet }), []);
        });
    });

    describe("RunTask limits", () => {
        it("refuses overrides longer than 8192 characters", () => {
            assert.deepStrictEqual(failure({ ...OK, env: { BIG: "x".repeat(8200) } }), {
                property: "env",
                reason:
                    "The RunTask `overrides` (command and environment of the run) would be 8309 characters; AWS allows 8192: shorten `env` or " +
                    "`command`, or move large values into the task definition (`taskDefinition`) or a file the task reads.",
            });
            assert.equal(failure({ ...OK, command: ["echo", "y".repeat(8200)] }).property, "command");
            assert.deepStrictEqual(check({ ...OK, env: { BIG: "x".repeat(8000) } }), []);
        });
    });

    describe("values not known yet (preview)", () => {
        it("checks neither them nor what depends on them", () => {
            assert.deepStrictEqual(check({ command: ["x"], image: UNKNOWN_VALUE }), []);
            assert.deepStrictEqual(check({ ...OK, cpu: UNKNOWN_VALUE, memory: 3000 }), []);
            assert.deepStrictEqual(check({ ...OK, streamOutput: true, taskDefinition: { executionRoleArn: UNKNOWN_VALUE } }), []);
            assert.deepStrictEqual(
                check({ ...OK, env: { A: UNKNOWN_VALUE }, tags: { t: UNKNOWN_VALUE }, command: ["a", UNKNOWN_VALUE] }),
                [],
            );
            assert.deepStrictEqual(check({ ...OK, capacityProviderStrategy: [{ capacityProvider: "cp", weight: UNKNOWN_VALUE }] }), []);
            assert.deepStrictEqual(
                check({ ...OK, cluster: UNKNOWN_VALUE, taskCustomizations: [{ op: "replace", path: "/cluster", value: "c" }] }),
                [],
            );
            assert.deepStrictEqual(check({ ...OK, taskCustomizations: UNKNOWN_VALUE }), []);
        });

        it("still checks the known ones", () => {
            assert.deepStrictEqual(failure({ ...OK, image: UNKNOWN_VALUE, cpu: 300 }).property, "cpu");
        });
    });

    it("joins several reasons for one property into one failure", () => {
        assert.deepStrictEqual(check({ ...OK, taskDefinition: { networkMode: "bridge", cpu: "300" } }), [
            {
                property: "taskDefinition",
                reason:
                    '`taskDefinition.cpu` "300" is not a Fargate size; valid: 256, 512, 1024, 2048, 4096, 8192, 16384. ' +
                    '`taskDefinition.networkMode` "bridge" cannot be used with launch type FARGATE, which needs "awsvpc": ' +
                    'set `taskDefinition.networkMode` to "awsvpc" or use launchType "EC2".',
            },
        ]);
    });

    it("does not add checks of other inputs to an input that is already wrong", () => {
        assert.deepStrictEqual(check({ ...OK, launchType: "EC2", vpcId: 5 }), [
            { property: "vpcId", reason: "`vpcId` must be a string; got 5." },
        ]);
    });
});
