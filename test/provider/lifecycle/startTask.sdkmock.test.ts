/**
 * How `createRun` starts the task when RunTask answers failures: only an answer whose every
 * failure is retryable is retried; anything else fails at once with every reason and what to do.
 * Against faked SDK clients on a fake clock (see sdkMocks.ts).
 */
import assert from "node:assert/strict";
import { DeregisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { createRun } from "../../../provider/lifecycle/createRun";
import { resetRegistrationMemory } from "../../../provider/run/registration";
import { checked, defaultVpc, freshFamily, harness, rejection, T0, sleepsBesideLease } from "./sdkMocks";

const INSTANCE = "arn:aws:ecs:us-east-1:123456789012:container-instance/default/ci1";

async function failedStart(answer: { tasks: object[]; failures: object[] }) {
    const h = harness();
    defaultVpc(h);
    freshFamily(h);
    h.ecs.on(DeregisterTaskDefinitionCommand).resolves({});
    h.ecs.on(RunTaskCommand).resolves(answer);
    const inputs = await checked({ image: "alpine:3.20", command: ["true"] });
    const err = await rejection(h.clock.run(createRun(inputs, h.ports)));
    return { h, err };
}

describe("lifecycle/createRun: RunTask failures that are not retried", () => {
    beforeEach(() => resetRegistrationMemory());
    afterEach(() => resetRegistrationMemory());

    it("a retryable failure beside one that is not: fails at once, naming both and what to do for each", async () => {
        const { h, err } = await failedStart({
            tasks: [],
            failures: [
                { arn: INSTANCE, reason: "RESOURCE:MEMORY" },
                { arn: INSTANCE, reason: "ATTRIBUTE" },
            ],
        });
        assert.equal(
            err.message,
            "RunTask started no task in cluster default: RESOURCE:MEMORY; ATTRIBUTE. What to do: the cluster lacks capacity: add container " +
                "instances or capacity, or lower cpu/memory; no container instance has the attributes the task definition requires: check " +
                "`requiresAttributes` and placement constraints.",
        );
        assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1);
        assert.equal(h.clock.now(), T0, "no wait");
        assert.deepEqual(sleepsBesideLease(h), []);
        assert.equal(h.ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 1);
    });

    it("no task and no failure: fails at once, saying so", async () => {
        const { h, err } = await failedStart({ tasks: [], failures: [] });
        assert.equal(
            err.message,
            "RunTask started no task in cluster default: no task and no failure returned. What to do: check the request.",
        );
        assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1);
    });

    it("a task without an ARN is no task; a failure's detail is quoted", async () => {
        const { h, err } = await failedStart({
            tasks: [{ lastStatus: "PROVISIONING" }],
            failures: [{ reason: "MISSING", detail: "no such instance" }],
        });
        assert.match(err.message, /^RunTask started no task in cluster default: MISSING \(no such instance\)\. What to do: /);
        assert.equal(h.ecs.commandCalls(RunTaskCommand).length, 1);
    });
});
