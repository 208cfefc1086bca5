import assert from "node:assert/strict";
import { CreateLogGroupCommand, GetLogEventsCommand, ResourceNotFoundException } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { DescribeTasksCommand, ListClustersCommand, RunTaskCommand, ServerException, StopTaskCommand } from "@aws-sdk/client-ecs";
import { startEmulator, type Emulator } from "../../emulator";
import {
    awslogs,
    clientsFor,
    describeTask,
    destroyClients,
    errorOf,
    registerSimple,
    runOne,
    sleep,
    taskIdOf,
    waitFor,
    waitForStatus,
    type Clients,
} from "./helpers";

async function control(emulator: Emulator, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${emulator.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
}

describe("emulator: faults", () => {
    let emulator: Emulator;
    let c: Clients;

    before(async () => {
        emulator = await startEmulator();
        c = clientsFor(emulator);
        await registerSimple(c.ecs, "quick", { command: ["true"] });
        await registerSimple(c.ecs, "sleepy", { command: ["sleep", "30"] });
    });
    afterEach(() => {
        emulator.resetFaults();
    });
    after(async () => {
        destroyClients(c);
        await emulator.close();
    });

    describe("throttling", () => {
        it("answers ThrottlingException (400, 'Rate exceeded') once the operation's bucket is empty", async () => {
            emulator.setFaults({ throttle: { enabled: true, buckets: { ListClusters: { capacity: 3, refillPerSecond: 0 } } } });
            for (let i = 0; i < 3; i += 1) await c.ecs.send(new ListClustersCommand({}));
            const err = await errorOf(c.ecs.send(new ListClustersCommand({})));
            assert.equal(err.name, "ThrottlingException");
            assert.equal(err.message, "Rate exceeded");
            assert.equal(err.$metadata?.httpStatusCode, 400);
            // Other operations have their own buckets.
            await c.ecs.send(new DescribeTasksCommand({ tasks: ["x"] }));
            const journal = emulator.journal({ operation: "ListClusters" });
            assert.equal(journal.at(-1)?.errorCode, "ThrottlingException");
        });

        it("refills over time", async () => {
            emulator.setFaults({ throttle: { enabled: true, buckets: { ListClusters: { capacity: 1, refillPerSecond: 20 } } } });
            await c.ecs.send(new ListClustersCommand({}));
            await errorOf(c.ecs.send(new ListClustersCommand({})));
            await sleep(120);
            await c.ecs.send(new ListClustersCommand({}));
        });

        it("the SDK's retries ride out short throttling (standard mode)", async () => {
            // One token and no refill: the second call is throttled whatever the machine's speed. The
            // throttling is short: it ends when the SDK sends its retry (each attempt passes this middleware).
            emulator.setFaults({ throttle: { enabled: true, buckets: { ListClusters: { capacity: 1, refillPerSecond: 0 } } } });
            emulator.clearJournal();
            const retrying = clientsFor(emulator, 3);
            let attempts = 0;
            retrying.ecs.middlewareStack.add(
                (next) => (args) => {
                    attempts += 1;
                    if (attempts === 3) emulator.setFaults({ throttle: { enabled: false } });
                    return next(args);
                },
                { step: "deserialize", name: "endThrottlingAtTheRetry" },
            );
            try {
                await retrying.ecs.send(new ListClustersCommand({}));
                const out = await retrying.ecs.send(new ListClustersCommand({}));
                assert.equal(out.$metadata.attempts, 2, "the second call was retried once");
            } finally {
                destroyClients(retrying);
            }
            assert.deepEqual(
                emulator.journal({ operation: "ListClusters" }).map((e) => [e.status, e.errorCode]),
                [
                    [200, undefined],
                    [400, "ThrottlingException"],
                    [200, undefined],
                ],
            );
        });

        it("uses AWS-like default buckets and throttles EC2 with RequestLimitExceeded", async () => {
            emulator.setFaults({ throttle: { enabled: true } });
            const state = emulator.getFaults();
            assert.deepEqual(state.throttle.buckets.RunTask, { capacity: 100, refillPerSecond: 40 });
            emulator.setFaults({ throttle: { enabled: true, buckets: { DescribeVpcs: { capacity: 0, refillPerSecond: 0 } } } });
            const err = await errorOf(c.ec2.send(new DescribeVpcsCommand({})));
            assert.equal(err.name, "RequestLimitExceeded");
        });
    });

    it("runTaskFailures: the next N RunTask calls answer failures and no task", async () => {
        emulator.setFaults({ runTaskFailures: { reason: "RESOURCE:MEMORY", count: 2 } });
        for (let i = 0; i < 2; i += 1) {
            const out = await c.ecs.send(new RunTaskCommand({ taskDefinition: "quick", startedBy: "fail" }));
            assert.deepEqual(out.tasks, []);
            assert.equal(out.failures?.[0].reason, "RESOURCE:MEMORY");
            assert.ok(out.failures?.[0].arn);
        }
        const ok = await c.ecs.send(new RunTaskCommand({ taskDefinition: "quick", startedBy: "fail" }));
        assert.equal(ok.tasks?.length, 1);
        assert.equal(emulator.tasks().filter((t) => t.startedBy === "fail").length, 1);
        await waitForStatus(c.ecs, ok.tasks![0].taskArn!);
    });

    it("runTaskFailures with startTaskAnyway: a failure is reported but the task runs; a retry with the same token finds it", async () => {
        emulator.setFaults({ runTaskFailures: { reason: "AGENT", count: 1, startTaskAnyway: true, detail: "flaky" } });
        const input = { taskDefinition: "quick", startedBy: "anyway", clientToken: "anyway-1" };
        const out = await c.ecs.send(new RunTaskCommand(input));
        assert.deepEqual(out.tasks, []);
        assert.deepEqual(
            out.failures?.map((f) => [f.reason, f.detail]),
            [["AGENT", "flaky"]],
        );
        const started = emulator.tasks().filter((t) => t.startedBy === "anyway");
        assert.equal(started.length, 1);
        const retry = await c.ecs.send(new RunTaskCommand(input));
        assert.equal(retry.tasks?.[0].taskArn, started[0].taskArn);
        await waitForStatus(c.ecs, started[0].taskArn);
    });

    it("missingWindowMs: DescribeTasks answers MISSING right after RunTask, then the task", async () => {
        // A window no test outlasts: the answer is MISSING however slow the machine is.
        emulator.setFaults({ missingWindowMs: 3_600_000 });
        const hidden = await runOne(c.ecs, { taskDefinition: "quick" });
        const first = await c.ecs.send(new DescribeTasksCommand({ tasks: [hidden] }));
        assert.deepEqual(first.tasks, []);
        assert.deepEqual(first.failures, [{ arn: hidden, reason: "MISSING" }]);
        // A short window ends: the task is described once it is over.
        emulator.setFaults({ missingWindowMs: 200 });
        const arn = await runOne(c.ecs, { taskDefinition: "quick" });
        const seen = await waitFor("visible", async () => describeTask(c.ecs, arn));
        assert.equal(seen.taskArn, arn);
        await waitForStatus(c.ecs, arn);
    });

    it("stuckInPending keeps tasks in PENDING until stopped or cleared", async () => {
        emulator.setFaults({ stuckInPending: true });
        const stuck = await runOne(c.ecs, { taskDefinition: "quick" });
        const released = await runOne(c.ecs, { taskDefinition: "quick" });
        await waitForStatus(c.ecs, stuck, "PENDING");
        await sleep(250);
        assert.equal((await describeTask(c.ecs, stuck))?.lastStatus, "PENDING");
        await c.ecs.send(new StopTaskCommand({ task: stuck }));
        const stopped = await waitForStatus(c.ecs, stuck);
        assert.equal(stopped.stopCode, "UserInitiated");
        assert.equal(stopped.startedAt, undefined);
        emulator.setFaults({ stuckInPending: false });
        const done = await waitForStatus(c.ecs, released);
        assert.equal(done.containers?.[0].exitCode, 0);
    });

    it("startDelayMs slows the start", async () => {
        // The delay is fixed when the task enters PENDING; one no test outlasts keeps it there.
        emulator.setFaults({ startDelayMs: 3_600_000 });
        const arn = await runOne(c.ecs, { taskDefinition: "quick" });
        await waitForStatus(c.ecs, arn, "PENDING");
        // A task started without the delay runs and stops meanwhile; the delayed one is still PENDING.
        emulator.setFaults({ startDelayMs: 0 });
        const prompt = await runOne(c.ecs, { taskDefinition: "quick" });
        await waitForStatus(c.ecs, prompt);
        const delayed = await describeTask(c.ecs, arn);
        assert.equal(delayed?.lastStatus, "PENDING");
        assert.equal(delayed?.startedAt, undefined);
        await c.ecs.send(new StopTaskCommand({ task: arn }));
        await waitForStatus(c.ecs, arn);
    });

    it("logStreamDelayMs: the stream appears late, with the lines produced before it", async () => {
        await c.logs.send(new CreateLogGroupCommand({ logGroupName: "/late" }));
        await registerSimple(c.ecs, "talker", { command: ["sh", "-c", "echo early; echo also-early"], logConfiguration: awslogs("/late") });
        // A delay no test outlasts: the stream is certainly not there once the task has stopped.
        emulator.setFaults({ logStreamDelayMs: 3_600_000 });
        const quiet = await runOne(c.ecs, { taskDefinition: "talker" });
        const done = await waitForStatus(c.ecs, quiet);
        assert.equal(done.containers?.[0].exitCode, 0, "the lines were written");
        const early = await c.logs
            .send(new GetLogEventsCommand({ logGroupName: "/late", logStreamName: `app/main/${taskIdOf(quiet)}` }))
            .then(
                () => undefined,
                (err: unknown) => err,
            );
        assert.ok(early instanceof ResourceNotFoundException, "no stream yet after the task stopped");
        // A short delay ends: the stream appears with the lines written before it.
        emulator.setFaults({ logStreamDelayMs: 300 });
        const arn = await runOne(c.ecs, { taskDefinition: "talker" });
        const stream = `app/main/${taskIdOf(arn)}`;
        await waitForStatus(c.ecs, arn);
        const lines = await waitFor("late stream", async () => {
            try {
                const out = await c.logs.send(
                    new GetLogEventsCommand({ logGroupName: "/late", logStreamName: stream, startFromHead: true }),
                );
                return out.events?.map((e) => e.message);
            } catch {
                return undefined;
            }
        });
        assert.deepEqual(lines, ["early", "also-early"]);
    });

    it("failNext injects an error for the next N calls of an operation", async () => {
        emulator.setFaults({ failNext: { operation: "RunTask", code: "ServerException", message: "boom", status: 500, count: 1 } });
        const err = await errorOf(c.ecs.send(new RunTaskCommand({ taskDefinition: "quick" })));
        assert.ok(err instanceof ServerException, err.name);
        assert.equal(err.message, "boom");
        assert.equal(err.$metadata?.httpStatusCode, 500);
        const ok = await runOne(c.ecs, { taskDefinition: "quick" });
        await waitForStatus(c.ecs, ok);
    });

    it("interruptTasks: the next N running tasks are interrupted as Fargate Spot does, the others run", async () => {
        emulator.setFaults({ interruptTasks: { count: 1, afterMs: 100 } });
        const spot = await runOne(c.ecs, { taskDefinition: "sleepy" });
        const stopped = await waitForStatus(c.ecs, spot);
        assert.equal(stopped.stopCode, "SpotInterruption");
        assert.equal(stopped.stoppedReason, "Your Spot Task was interrupted.");
        assert.ok(stopped.startedAt, "it ran before it was interrupted");
        assert.equal(stopped.containers?.[0].exitCode, 143, "SIGTERM");
        assert.equal(emulator.getFaults().interruptTasks, null, "consumed");
        const next = await waitForStatus(c.ecs, await runOne(c.ecs, { taskDefinition: "quick" }));
        assert.deepEqual([next.stopCode, next.containers?.[0].exitCode], ["EssentialContainerExited", 0]);
    });

    it("failStarts: the next N tasks fail to start with an image pull error (reason given or default)", async () => {
        const set = await control(emulator, "POST", "/_emulator/faults", { failStarts: { count: 2 } });
        assert.deepEqual((set.json as { failStarts: unknown }).failStarts, { count: 2, remaining: 2 });
        for (let i = 0; i < 2; i += 1) {
            const failed = await waitForStatus(c.ecs, await runOne(c.ecs, { taskDefinition: "quick" }));
            const reason =
                "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref busybox:1.36: i/o timeout";
            assert.deepEqual(
                [failed.stopCode, failed.stoppedReason, failed.startedAt, failed.containers?.[0].reason, failed.containers?.[0].exitCode],
                ["TaskFailedToStart", reason, undefined, reason, undefined],
            );
        }
        const ok = await waitForStatus(c.ecs, await runOne(c.ecs, { taskDefinition: "quick" }));
        assert.equal(ok.containers?.[0].exitCode, 0);
        emulator.setFaults({ failStarts: { count: 1, reason: "ResourceInitializationError: unable to pull secrets or registry auth" } });
        const secrets = await waitForStatus(c.ecs, await runOne(c.ecs, { taskDefinition: "quick" }));
        assert.equal(secrets.containers?.[0].reason, "ResourceInitializationError: unable to pull secrets or registry auth");
        assert.equal((await control(emulator, "POST", "/_emulator/faults", { failStarts: { count: "x" } })).status, 400);
        assert.equal((await control(emulator, "POST", "/_emulator/faults", { interruptTasks: { count: 1, afterMs: -1 } })).status, 400);
    });

    describe("control API", () => {
        it("POST/GET/DELETE /_emulator/faults", async () => {
            const set = await control(emulator, "POST", "/_emulator/faults", {
                missingWindowMs: 10,
                failNext: { operation: "ListTasks", code: "AccessDeniedException", message: "no" },
            });
            assert.equal(set.status, 200);
            const got = (await control(emulator, "GET", "/_emulator/faults")).json as { missingWindowMs: number; failNext: unknown[] };
            assert.equal(got.missingWindowMs, 10);
            assert.equal(got.failNext.length, 1);
            const bad = await control(emulator, "POST", "/_emulator/faults", { nope: true });
            assert.equal(bad.status, 400);
            const reset = (await control(emulator, "DELETE", "/_emulator/faults")).json as { missingWindowMs: number; failNext: unknown[] };
            assert.equal(reset.missingWindowMs, 0);
            assert.deepEqual(reset.failNext, []);
        });

        it("throttling through the control API", async () => {
            await control(emulator, "POST", "/_emulator/faults", {
                throttle: { enabled: true, buckets: { ListClusters: { capacity: 0, refillPerSecond: 0 } } },
            });
            const err = await errorOf(c.ecs.send(new ListClustersCommand({})));
            assert.equal(err.name, "ThrottlingException");
        });

        it("GET/DELETE /_emulator/requests and counts, GET /_emulator/tasks", async () => {
            await control(emulator, "DELETE", "/_emulator/requests");
            await c.ecs.send(new ListClustersCommand({}));
            await errorOf(c.ecs.send(new StopTaskCommand({ task: "nope" })));
            const journal = (await control(emulator, "GET", "/_emulator/requests")).json as Array<Record<string, unknown>>;
            assert.deepEqual(
                journal.map((e) => [e.service, e.operation, e.status, e.errorCode]),
                [
                    ["ecs", "ListClusters", 200, undefined],
                    ["ecs", "StopTask", 400, "InvalidParameterException"],
                ],
            );
            assert.ok(typeof journal[0].time === "string");
            const counts = (await control(emulator, "GET", "/_emulator/requests/counts")).json;
            assert.deepEqual(counts, { ListClusters: 1, StopTask: 1 });
            assert.deepEqual(emulator.countByOperation(), { ListClusters: 1, StopTask: 1 });
            const arn = await runOne(c.ecs, { taskDefinition: "sleepy", startedBy: "listed" });
            await waitForStatus(c.ecs, arn, "RUNNING");
            const tasks = (await control(emulator, "GET", "/_emulator/tasks")).json as Array<{
                taskArn: string;
                lastStatus: string;
                containers: Array<{ pid?: number }>;
            }>;
            const mine = tasks.find((t) => t.taskArn === arn);
            assert.equal(mine?.lastStatus, "RUNNING");
            assert.ok(typeof mine?.containers[0].pid === "number");
            await c.ecs.send(new StopTaskCommand({ task: arn }));
            await waitForStatus(c.ecs, arn);
        });

        it("answers 404 for unknown control paths", async () => {
            assert.equal((await control(emulator, "GET", "/_emulator/nothing")).status, 404);
        });
    });
});

describe("emulator: faults given at start", () => {
    it("throttling: true and missingImages as options; resetFaults returns to them", async () => {
        const emulator = await startEmulator({
            throttling: { ListClusters: { capacity: 1, refillPerSecond: 0 } },
            missingImages: ["gone"],
        });
        const c = clientsFor(emulator);
        try {
            const state = emulator.getFaults();
            assert.equal(state.throttle.enabled, true);
            assert.deepEqual(state.missingImages, ["gone"]);
            emulator.setFaults({ missingImages: [] });
            emulator.resetFaults();
            assert.deepEqual(emulator.getFaults().missingImages, ["gone"]);
            await c.ecs.send(new ListClustersCommand({}));
            assert.equal((await errorOf(c.ecs.send(new ListClustersCommand({})))).name, "ThrottlingException");
        } finally {
            destroyClients(c);
            await emulator.close();
        }
    });
});
