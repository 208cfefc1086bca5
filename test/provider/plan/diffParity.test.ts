import assert from "node:assert/strict";
import { diffRun } from "../../../provider/plan/diff";
import { planRun } from "../../../provider/plan/planRun";
import type { TaskRunSpec } from "../../../provider/types";
import { CTX } from "./fixtures";

/** A state and new inputs, as diff receives them (the result fields do not matter here). */
function diff(before: TaskRunSpec, after: TaskRunSpec) {
    const props = (spec: TaskRunSpec) => ({ ...spec, __context: CTX, plan: planRun({ ...spec, __context: CTX }, {}) });
    return diffRun({ ...props(before), taskArn: "arn:aws:ecs:us-east-1:123456789012:task/default/abc" }, props(after));
}

describe("plan/diff: the parity inputs", () => {
    const BASE: TaskRunSpec = { command: ["echo", "hello"], image: "alpine", executionRoleArn: "arn:aws:iam::123456789012:role/exec" };
    const SIDECAR: TaskRunSpec = {
        command: ["./job"],
        containerName: "app",
        taskDefinition: {
            containerDefinitions: [
                { name: "agent", image: "agent", memory: 128 },
                { name: "app", image: "app" },
            ],
        },
    };

    it("runs again when secrets change, and not when they are reordered", () => {
        const secrets = { A: "/a", B: "/b" };
        assert.deepStrictEqual(diff({ ...BASE, secrets }, { ...BASE, secrets: { B: "/b", A: "/a" } }).replaces, []);
        assert.deepStrictEqual(diff({ ...BASE, secrets }, { ...BASE, secrets: { ...secrets, B: "/other" } }).replaces, ["secrets"]);
        assert.deepStrictEqual(diff(BASE, { ...BASE, secrets: {} }).replaces, []);
    });

    it("runs again for CLUSTER_DEFAULT instead of FARGATE", () => {
        assert.deepStrictEqual(
            diff({ ...BASE, memory: 512, cpu: 256 }, { ...BASE, memory: 512, cpu: 256, launchType: "CLUSTER_DEFAULT" }).replaces,
            ["launchType"],
        );
    });

    it("counts the container size override of a definition with a sidecar: the default spelled out is then a change", () => {
        // One container: the override equals the task's size, no change (see diff.test.ts).
        assert.deepStrictEqual(diff(BASE, { ...BASE, memory: 2048 }).replaces, []);
        // With a sidecar, `memory` also caps the run's container at the task's whole memory.
        assert.deepStrictEqual(diff(SIDECAR, { ...SIDECAR, memory: 2048 }).replaces, ["memory"]);
    });
});

describe("plan/diff: a state from before containerName was required", () => {
    it("naming the container the old run used (its first) runs nothing", () => {
        const taskDefinition = {
            containerDefinitions: [
                { name: "agent", image: "agent" },
                { name: "app", image: "app" },
            ],
        };
        // What an older version recorded: the first container, chosen without a name.
        const olds = {
            command: ["./job"],
            taskDefinition,
            __context: CTX,
            plan: { containerName: "agent" },
            taskArn: "arn:aws:ecs:us-east-1:123456789012:task/default/abc",
        };
        const news = (containerName: string) => {
            const spec: TaskRunSpec = { command: ["./job"], taskDefinition, containerName };
            return { ...spec, __context: CTX, plan: planRun({ ...spec, __context: CTX }, {}) };
        };
        assert.deepStrictEqual(diffRun(olds, news("agent")), { changes: false, replaces: [], updates: [] });
        assert.deepStrictEqual(diffRun(olds, news("app")).replaces, ["containerName"]);
    });
});
