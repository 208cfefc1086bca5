import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../../provider/plan/constants";
import { diffRun } from "../../../provider/plan/diff";
import { planRun } from "../../../provider/plan/planRun";
import type { TaskRunSpec } from "../../../provider/types";
import { CTX, inputs } from "./fixtures";

const BASE: TaskRunSpec = { command: ["echo", "hello"], image: "alpine" };
const NO_CHANGE = { changes: false, replaces: [], updates: [] };

/** The state a run of `spec` leaves (checked inputs + result; the input ARN kept aside). */
function state(spec: TaskRunSpec, ctx = CTX): Record<string, unknown> {
    const { taskDefinitionArn, ...rest } = spec;
    return {
        ...rest,
        __context: ctx,
        plan: planRun({ ...spec, __context: ctx }, {}),
        ...(taskDefinitionArn !== undefined ? { requestedTaskDefinitionArn: taskDefinitionArn } : {}),
        taskArn: "arn:aws:ecs:us-east-1:123456789012:task/default/abc",
        clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/default",
        taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/ran:9",
        taskDefinitionRegistered: true,
        lastStatus: "STOPPED",
        exitCode: 0,
        runTaskRequest: {},
        preparedTaskDefinition: null,
    };
}

/** The checked inputs of `spec`. */
function news(spec: TaskRunSpec, ctx = CTX): Record<string, unknown> {
    return { ...spec, __context: ctx, plan: planRun({ ...spec, __context: ctx }, {}) };
}

function diff(before: TaskRunSpec, after: TaskRunSpec) {
    return diffRun(state(before), news(after));
}

describe("plan/diff diffRun", () => {
    it("sees no change in an equal program", () => {
        assert.deepStrictEqual(diff(BASE, BASE), NO_CHANGE);
        const full: TaskRunSpec = {
            ...BASE,
            taskDefinitionArn: "app:3",
            env: { A: "1" },
            tags: { t: "v" },
            streamOutput: true,
            triggers: [1],
            taskCustomizations: [{ op: "add", path: "/group", value: "g" }],
        };
        assert.deepStrictEqual(diff(full, full), NO_CHANGE);
    });

    it("replaces when the command changes", () => {
        assert.deepStrictEqual(diff(BASE, { ...BASE, command: ["echo", "bye"] }), { changes: true, replaces: ["command"], updates: [] });
    });

    it("replaces on any change of what defines the run", () => {
        const cases: [TaskRunSpec, string[]][] = [
            [{ ...BASE, image: "alpine:2" }, ["image"]],
            [{ ...BASE, env: { A: "1" } }, ["env"]],
            [{ ...BASE, cpu: 512, memory: 1024 }, ["cpu", "memory"]],
            [{ ...BASE, executionRoleArn: "arn:e", configureCloudwatchLogs: true }, ["executionRoleArn", "configureCloudwatchLogs"]],
            [{ ...BASE, launchType: "FARGATE_SPOT" }, ["launchType"]],
            [{ ...BASE, vpcId: "vpc-1" }, ["vpcId"]],
            [{ ...BASE, networkConfiguration: { assignPublicIp: "DISABLED" } }, ["networkConfiguration"]],
            [{ ...BASE, cluster: "c" }, ["cluster"]],
            [{ ...BASE, tags: { a: "b" } }, ["tags"]],
            [{ ...BASE, triggers: ["v2"] }, ["triggers"]],
            [{ ...BASE, region: "eu-west-1" }, ["region"]],
            [{ ...BASE, family: "other" }, ["family"]],
            [{ ...BASE, taskCustomizations: [{ op: "add", path: "/group", value: "g" }] }, ["taskCustomizations"]],
            [{ ...BASE, taskDefinitionArn: "app:3" }, ["taskDefinitionArn"]],
            [{ ...BASE, taskDefinition: { containerDefinitions: [{ name: "main", image: "alpine", user: "1000" }] } }, ["taskDefinition"]],
        ];
        for (const [after, replaces] of cases) {
            assert.deepStrictEqual(diff(BASE, after), { changes: true, replaces, updates: [] }, JSON.stringify(after));
        }
    });

    it("updates in place, running nothing, when only how the run is watched changes", () => {
        assert.deepStrictEqual(diff(BASE, { ...BASE, taskWatchPollInterval: 10 }), {
            changes: true,
            replaces: [],
            updates: ["taskWatchPollInterval"],
        });
        assert.deepStrictEqual(
            diff(BASE, {
                ...BASE,
                taskStartTimeoutSeconds: 60,
                autoDeregisterTaskDefinition: false,
                waitForCompletion: false,
                failOnNonZeroExit: false,
            }),
            {
                changes: true,
                replaces: [],
                updates: ["taskStartTimeoutSeconds", "autoDeregisterTaskDefinition", "waitForCompletion", "failOnNonZeroExit"],
            },
        );
        const logged: TaskRunSpec = { ...BASE, configureCloudwatchLogs: true, executionRoleArn: "arn:e" };
        assert.deepStrictEqual(diff(logged, { ...logged, streamOutput: true }), { changes: true, replaces: [], updates: ["streamOutput"] });
    });

    it("replaces when streaming turns on the log configuration it implies", () => {
        const role: TaskRunSpec = { ...BASE, executionRoleArn: "arn:e" };
        assert.deepStrictEqual(diff(role, { ...role, streamOutput: true }), {
            changes: true,
            replaces: ["configureCloudwatchLogs"],
            updates: ["streamOutput"],
        });
    });

    it("compares customizations parsed: a JSON string equals the same list", () => {
        const ops = [{ op: "replace" as const, path: "/networkConfiguration/awsvpcConfiguration/assignPublicIp", value: "DISABLED" }];
        assert.deepStrictEqual(diff({ ...BASE, taskCustomizations: ops }, { ...BASE, taskCustomizations: JSON.stringify(ops) }), NO_CHANGE);
        assert.deepStrictEqual(diff({ ...BASE, taskCustomizations: "[]" }, BASE), NO_CHANGE);
    });

    it("compares inline definitions by meaning: reordered keys, AWS defaults and empty values are no change", () => {
        const before: TaskRunSpec = {
            command: ["migrate"],
            taskDefinition: {
                family: "app",
                cpu: "512",
                memory: "1024",
                containerDefinitions: [{ name: "app", image: "app:1", environment: [{ name: "A", value: "1" }] }],
            },
        };
        const after: TaskRunSpec = {
            command: ["migrate"],
            taskDefinition: {
                containerDefinitions: [
                    { environment: [{ value: "1", name: "A" }], essential: true, image: "app:1", name: "app", portMappings: [], cpu: 0 },
                ],
                memory: "1 GB",
                cpu: "512",
                family: "app",
                networkMode: "awsvpc",
                requiresCompatibilities: ["FARGATE"],
            },
        };
        assert.deepStrictEqual(diff(before, after), NO_CHANGE);
        assert.deepStrictEqual(diff(BASE, { ...BASE, taskDefinition: {} }), NO_CHANGE);
    });

    it("compares other values normalized: defaults given explicitly, empty objects, key and list order", () => {
        const explicit: TaskRunSpec = {
            ...BASE,
            env: {},
            tags: {},
            launchType: "FARGATE",
            networkConfiguration: { assignPublicIp: "ENABLED", securityGroups: [] },
            taskStartTimeoutSeconds: 300,
            taskWatchPollInterval: 5,
            autoDeregisterTaskDefinition: true,
            waitForCompletion: true,
            failOnNonZeroExit: true,
            enableExecuteCommand: false,
            cloudwatchLogsOptions: {},
            triggers: [],
            capacityProviderStrategy: [],
            family: undefined,
        };
        assert.deepStrictEqual(diff(BASE, explicit), NO_CHANGE);
        assert.deepStrictEqual(diff({ ...BASE, env: { A: "1", B: "2" } }, { ...BASE, env: { B: "2", A: "1" } }), NO_CHANGE);
        assert.deepStrictEqual(
            diff(
                { ...BASE, networkConfiguration: { subnets: ["a", "b"], securityGroups: ["x", "y"] } },
                { ...BASE, networkConfiguration: { subnets: ["b", "a"], securityGroups: ["y", "x"] } },
            ),
            NO_CHANGE,
        );
        assert.deepStrictEqual(
            diff(
                { ...BASE, capacityProviderStrategy: [{ capacityProvider: "cp", weight: 1 }] },
                { ...BASE, capacityProviderStrategy: [{ capacityProvider: "cp", weight: 1, base: 0 }] },
            ),
            NO_CHANGE,
        );
        assert.deepStrictEqual(diff({ ...BASE, family: "My App" }, { ...BASE, family: "My-App" }), NO_CHANGE);
        assert.deepStrictEqual(diff({ ...BASE, command: [] }, { ...BASE, command: undefined }), NO_CHANGE);
    });

    it("reads the input ARN from requestedTaskDefinitionArn, not the ARN that ran", () => {
        const spec: TaskRunSpec = { ...BASE, taskDefinitionArn: "app:3" };
        assert.deepStrictEqual(diffRun(state(spec), news(spec)), NO_CHANGE);
        assert.deepStrictEqual(diffRun(state(BASE), news(BASE)), NO_CHANGE);
        assert.deepStrictEqual(diffRun(state(spec), news({ ...spec, taskDefinitionArn: "app:4" })), {
            changes: true,
            replaces: ["taskDefinitionArn"],
            updates: [],
        });
    });

    it("accepts old inputs that are not a state", () => {
        const spec: TaskRunSpec = { ...BASE, taskDefinitionArn: "app:3" };
        assert.deepStrictEqual(diffRun(news(spec), news(spec)), NO_CHANGE);
    });

    it("runs nothing when the resource is renamed (aliases) or its stack renamed; ignores plan and results", () => {
        assert.deepStrictEqual(diffRun(state(BASE), news(BASE, { ...CTX, name: "renamed" })), NO_CHANGE);
        assert.deepStrictEqual(diffRun(state(BASE), news(BASE, { ...CTX, stack: "prod" })), NO_CHANGE);
        // The default family moved with the name: spelling out the old one is no change either.
        assert.deepStrictEqual(diffRun(state(BASE), news({ ...BASE, family: "shop-dev-hello" }, { ...CTX, name: "renamed" })).replaces, []);
        assert.deepStrictEqual(diffRun(state(BASE), { ...news(BASE), plan: { anything: 1 }, __provider: "other code" }), NO_CHANGE);
    });

    it("updates (runs nothing) when an input is made secret later, so that the state is redacted again", () => {
        assert.deepStrictEqual(diffRun(state(BASE), { ...news(BASE), __secretKeys: ["env"] }), {
            changes: true,
            replaces: [],
            updates: ["__secretKeys"],
        });
    });

    it("compares by what would run: a default spelled out, a region equal to the effective one", () => {
        assert.deepStrictEqual(diff(BASE, { ...BASE, cpu: 1024, memory: 2048, containerName: "main" }), NO_CHANGE);
        assert.deepStrictEqual(diff({ ...BASE, cpu: 1024 }, BASE), NO_CHANGE);
        assert.deepStrictEqual(
            diffRun(state(BASE), news({ ...BASE, region: "us-east-1" }), { regionBefore: "us-east-1", regionAfter: "us-east-1" }),
            NO_CHANGE,
        );
        assert.deepStrictEqual(diffRun(state(BASE), news(BASE), { regionBefore: "us-east-1", regionAfter: "eu-west-1" }), {
            changes: true,
            replaces: ["region"],
            updates: [],
        });
        assert.deepStrictEqual(diff(BASE, { ...BASE, cpu: 2048, memory: 4096 }).replaces, ["cpu", "memory"]);
    });

    it("counts a value Pulumi does not know yet (preview) as a change", () => {
        const n = { ...news(BASE), image: UNKNOWN_VALUE, env: { A: UNKNOWN_VALUE }, taskWatchPollInterval: UNKNOWN_VALUE };
        assert.deepStrictEqual(diffRun(state({ ...BASE, env: { A: "1" } }), n), {
            changes: true,
            replaces: ["image", "env"],
            updates: ["taskWatchPollInterval"],
        });
        assert.deepStrictEqual(diffRun(state(BASE), { ...news(BASE), taskDefinition: UNKNOWN_VALUE }), {
            changes: true,
            replaces: ["taskDefinition"],
            updates: [],
        });
    });

    it("replaces when the subnets, the security groups or the capacity provider strategy change", () => {
        const net = (subnets: string[], securityGroups: string[]): TaskRunSpec => ({
            ...BASE,
            networkConfiguration: { subnets, securityGroups },
        });
        const replaced = (key: string) => ({ changes: true, replaces: [key], updates: [] });
        assert.deepStrictEqual(diff(net(["a"], ["x"]), net(["b"], ["x"])), replaced("networkConfiguration"));
        assert.deepStrictEqual(diff(net(["a"], ["x"]), net(["a"], ["y"])), replaced("networkConfiguration"));
        assert.deepStrictEqual(
            diff(net(["a"], ["x"]), { ...BASE, networkConfiguration: { securityGroups: ["x"] } }),
            replaced("networkConfiguration"),
        );
        const strategy = (capacityProvider: string, weight: number, base?: number): TaskRunSpec => ({
            ...BASE,
            capacityProviderStrategy: [{ capacityProvider, weight, ...(base === undefined ? {} : { base }) }],
        });
        assert.deepStrictEqual(diff(strategy("cp", 1), strategy("cp", 2)), replaced("capacityProviderStrategy"));
        assert.deepStrictEqual(diff(strategy("cp", 1), strategy("other", 1)), replaced("capacityProviderStrategy"));
        assert.deepStrictEqual(diff(strategy("cp", 1), strategy("cp", 1, 2)), replaced("capacityProviderStrategy"));
        assert.deepStrictEqual(diff(strategy("cp", 0), { ...BASE, capacityProviderStrategy: [{ capacityProvider: "cp" }] }), NO_CHANGE);
    });

    it("replaces when an inline definition is removed", () => {
        const inline: TaskRunSpec = {
            ...BASE,
            taskDefinition: { containerDefinitions: [{ name: "main", image: "alpine", user: "1000" }] },
        };
        assert.deepStrictEqual(diff(inline, BASE), { changes: true, replaces: ["taskDefinition"], updates: [] });
    });

    it("compares inline definitions that cannot be prepared as given", () => {
        // A bridge-mode definition cannot run on Fargate: preparing it fails, so it is compared as written.
        const bridge = (user: string): TaskRunSpec => ({
            ...BASE,
            taskDefinition: { networkMode: "bridge", containerDefinitions: [{ name: "main", image: "alpine", user }] },
        });
        // (No plan either: check would refuse such inputs; the diff must not fail on them.)
        const unplanned = (spec: TaskRunSpec) => ({ ...spec, __context: CTX });
        assert.deepStrictEqual(diffRun(unplanned(bridge("1000")), unplanned(bridge("1000"))), NO_CHANGE);
        assert.deepStrictEqual(diffRun(unplanned(bridge("1000")), unplanned(bridge("1001"))), {
            changes: true,
            replaces: ["taskDefinition"],
            updates: [],
        });
    });

    it("reads a state by its requestedTaskDefinitionArn even without a task, and a null one as none", () => {
        const spec: TaskRunSpec = { ...BASE, taskDefinitionArn: "app:3" };
        const { taskArn: _taskArn, ...withoutTask } = state(spec);
        assert.deepStrictEqual(diffRun(withoutTask, news(spec)), NO_CHANGE);
        assert.deepStrictEqual(diffRun({ ...state(BASE), requestedTaskDefinitionArn: null }, news(BASE)), NO_CHANGE);
    });

    it("reads new inputs as inputs, even with the result's keys present and undefined", () => {
        const spec: TaskRunSpec = { ...BASE, taskDefinitionArn: "app:3" };
        assert.deepStrictEqual(
            diffRun(state(spec), { ...news(spec), taskArn: undefined, requestedTaskDefinitionArn: undefined }),
            NO_CHANGE,
        );
    });

    it("does not mutate its arguments", () => {
        const olds = state({ ...BASE, taskCustomizations: '[{"op":"add","path":"/group","value":"g"}]' });
        const n = news({ ...BASE, env: { A: null } });
        const copies = structuredClone([olds, n]);
        diffRun(olds, n);
        assert.deepStrictEqual([olds, n], copies);
        assert.equal(inputs(BASE).__context, CTX);
    });
});
