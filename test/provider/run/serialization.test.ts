/**
 * The provider is stored in Pulumi state by closure serialization. This serializes a function that
 * uses every export of `aws/` and `run/` the way the provider does, with Pulumi's real serializer,
 * then runs the serialized text as a fresh module: what a captured Map, native function or module
 * state would break fails here.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { makeClients, processClients, resolveRegion } from "../../../provider/aws/clients";
import { describeAwsError, isFatal, isThrottling } from "../../../provider/aws/errors";
import { realClock, withRetry } from "../../../provider/aws/retry";
import { describeTasksInTaskRegion, getAwsTaskWatcher } from "../../../provider/run/processTaskWatcher";
import { HubLogReader, LogHub } from "../../../provider/run/logHub";
import { LogStreamer } from "../../../provider/run/logStream";
import { acquireTaskDefinition, resetRegistrationMemory } from "../../../provider/run/registration";
import { getProcessTaskWatcher, resetProcessTaskWatcher, TaskWatcher } from "../../../provider/run/taskWatcher";
import { PerTaskPoller } from "../../../provider/run/perTaskPoller";
import { isRetryExhaustedError } from "../../../provider/aws/errors";
import { isWatchTimeoutError, waitForStart, waitForStop } from "../../../provider/run/waiting";

async function scenario(): Promise<Record<string, unknown>> {
    const clock = realClock();
    const arn = "arn:aws:ecs:us-east-1:1:task/jobs/abc";
    const watcher = getProcessTaskWatcher(
        () =>
            new TaskWatcher({
                describeTasks: async (cluster, arns) => ({
                    tasks: arns.map((a) => ({ taskArn: a, clusterArn: cluster, lastStatus: "STOPPED" })),
                    failures: [],
                }),
                clock,
                fastPollsMs: [1],
            }),
    );
    const task = await waitForStop(watcher, "arn:aws:ecs:us-east-1:1:cluster/jobs", arn, { pollIntervalMs: 10 });
    const ensured = await acquireTaskDefinition(
        {
            clock,
            describeTaskDefinition: async () => null,
            registerTaskDefinition: async (td) => ({ arn: "arn:td:1", taskDefinition: td }),
            tagResource: async () => undefined,
            untagResource: async () => undefined,
            deregisterTaskDefinition: async () => "deregistered",
            listFamilies: async () => [],
            listRevisions: async () => [],
            equal: () => false,
        },
        { family: "web" },
        { startedBy: "etr-0", inputsHash: "0" },
        { deadlineMs: 1000 },
    );
    const reader = new LogStreamer({
        getLogEvents: async ({ nextToken }) =>
            nextToken ? { events: [], nextForwardToken: nextToken } : { events: [{ message: "hi" }], nextForwardToken: "t1" },
        group: "g",
        stream: "s",
        clock,
    });
    await reader.poll();
    // The process's log hub, read with a signal (the live reads of a run).
    const hub = new LogHub({
        getLogEvents: async (_region, { nextToken }) =>
            nextToken ? { events: [], nextForwardToken: nextToken } : { events: [{ message: "from the hub" }], nextForwardToken: "t1" },
        filterLogEvents: async () => ({ events: [], searchedLogStreams: [] }),
        clock,
    });
    const hubReader = new HubLogReader(hub, { region: "us-east-1", group: "g", stream: "s", clock });
    await hubReader.poll(new AbortController().signal);
    const retried = await withRetry(async (n) => n, { what: "x", deadlineMs: 10, clock, isRetryable: isThrottling });
    // Errors thrown by serialized classes keep their message, cause and class.
    const gaveUp = await withRetry(
        async () => {
            throw { name: "ThrottlingException", message: "Rate exceeded", $metadata: {} };
        },
        { what: "Registering", deadlineMs: 0, clock, isRetryable: isThrottling },
    ).catch((e: unknown) => e);
    const pending = new TaskWatcher({
        describeTasks: async (_c, arns) => ({ tasks: arns.map((a) => ({ taskArn: a, lastStatus: "PENDING" })), failures: [] }),
        clock,
        fastPollsMs: [1],
    });
    // 300 ms: the watcher's first look (1 ms) comes first even on a loaded machine (20 ms did not, once in CI), and it still reads "0 s".
    const timedOut = await waitForStart(pending, "c", arn, { pollIntervalMs: 5, timeoutMs: 300 }).catch((e: unknown) => e);
    const poller = new PerTaskPoller({
        describeTasks: async (_c, arns) => ({ tasks: arns.map((a) => ({ taskArn: a, lastStatus: "STOPPED" })), failures: [] }),
        clock,
    });
    await waitForStop(poller, "c", arn, { pollIntervalMs: 1 });
    const clients = makeClients("us-east-1");
    const shared = processClients("us-east-1") === processClients("us-east-1");
    clients.ecs.destroy();
    clients.ec2.destroy();
    clients.logs.destroy();
    return {
        status: task.lastStatus,
        ensured: ensured.arn,
        tail: reader.tail(),
        hubTail: hubReader.tail(),
        retried,
        shared,
        region: await resolveRegion("eu-west-1"),
        fatal: isFatal({ name: "ClusterNotFoundException", $metadata: {} }),
        text: describeAwsError({ name: "ThrottlingException", message: "Rate exceeded", $metadata: {} }, "x"),
        aws: typeof getAwsTaskWatcher === "function" && typeof describeTasksInTaskRegion() === "function",
        watchers: typeof watcher.describeCalls,
        gaveUp:
            isRetryExhaustedError(gaveUp) && gaveUp instanceof Error
                ? [gaveUp.message, (gaveUp.cause as { name: string }).name, gaveUp.attempts]
                : String(gaveUp),
        timedOut: isWatchTimeoutError(timedOut) ? [timedOut.message, timedOut.lastTask?.lastStatus, String(timedOut)] : String(timedOut),
        counters: [pending.describeCalls > 0, pending.rounds > 0, poller.describeCalls, reader.linesRelayed],
    };
}

describe("run/serialization (closure serialization of aws/ and run/)", function () {
    this.timeout(60_000);
    beforeEach(() => {
        resetProcessTaskWatcher();
        resetRegistrationMemory();
    });
    after(() => {
        resetProcessTaskWatcher();
        resetRegistrationMemory();
    });

    it("serializes with Pulumi's serializer, captures no Map or native function, and runs as a fresh module", async () => {
        const serialized = await pulumi.runtime.serializeFunction(scenario, { isFactoryFunction: false });
        assert.doesNotMatch(serialized.text, /Map\.prototype|Set\.prototype|\[native code\]/);
        assert.doesNotMatch(serialized.text, /middlewareStack|credentialDefaultProvider/, "no client instance is captured");
        assert.match(serialized.text, /require\("@aws-sdk\/client-ecs"\)/);
        const mod: { exports: Record<string, () => Promise<Record<string, unknown>>> } = { exports: {} };
        const req = createRequire(path.join(__dirname, "../../../package.json"));
        new Function("exports", "require", "module", "__filename", "__dirname", serialized.text)(mod.exports, req, mod, "x.js", ".");
        // A fresh module: no state from this process is used by the serialized one, except globalThis.
        resetProcessTaskWatcher();
        const out = await mod.exports[serialized.exportName]();
        assert.deepEqual(
            { ...out, text: undefined },
            {
                status: "STOPPED",
                ensured: "arn:td:1",
                tail: ["hi"],
                hubTail: ["from the hub"],
                retried: 1,
                shared: true,
                region: "eu-west-1",
                fatal: true,
                text: undefined,
                aws: true,
                watchers: "number",
                gaveUp: [
                    "Registering: gave up after 1 attempt over 0.0 s; last error: ThrottlingException: Rate exceeded",
                    "ThrottlingException",
                    1,
                ],
                timedOut: [
                    "Timed out after 0 s waiting for task arn:aws:ecs:us-east-1:1:task/jobs/abc (last status PENDING)",
                    "PENDING",
                    "WatchTimeoutError: Timed out after 0 s waiting for task arn:aws:ecs:us-east-1:1:task/jobs/abc (last status PENDING)",
                ],
                counters: [true, true, 1, 1],
            },
        );
        assert.match(String(out.text), /ThrottlingException: Rate exceeded/);
        const g = globalThis as unknown as Record<string, unknown>;
        assert.ok(g["__ecsTaskRun.watcher"], "the watcher lives on globalThis");
        assert.ok(g["__ecsTaskRun.registrations"], "the registration memory lives on globalThis");
        (g["__ecsTaskRun.clients"] as { destroyAll(): void } | undefined)?.destroyAll();
        delete g["__ecsTaskRun.clients"];
    });

    it("(why errors are made by functions) a serialized `class extends Error` throws non-Errors without a message", async () => {
        class ClassError extends Error {
            constructor(message: string) {
                super(message);
                this.name = "ClassError";
            }
        }
        const serialized = await pulumi.runtime.serializeFunction(() => new ClassError("boom"), { isFactoryFunction: false });
        const mod: { exports: Record<string, () => unknown> } = { exports: {} };
        new Function("exports", "require", "module", serialized.text)(mod.exports, require, mod);
        const made = mod.exports[serialized.exportName]() as { message?: string; name?: string };
        assert.equal(made instanceof Error, false);
        assert.equal(made.message, undefined);
        assert.equal(made.name, "ClassError");
    });
});
