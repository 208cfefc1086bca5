/**
 * The task watcher's schedule and failure handling, at the edges the first tests leave open: the
 * least gap between rounds, a cluster that is gone failing every task of it (not only the batch
 * that asked), the backoff starting over after a success, and the MISSING grace counted from the
 * right moment. All on a fake clock.
 */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import type { Failure, Task } from "@aws-sdk/client-ecs";
import { ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import { ClusterNotFoundException } from "@aws-sdk/client-ecs";
import { TaskWatcher, type TaskWatcherDeps } from "../../../provider/run/taskWatcher";
import { isStopped, isTaskMissingError, isWatchFailedError, waitForStart, waitForStop } from "../../../provider/run/waiting";
import { FakeClock, flush } from "../aws/fakeClock";
import { clusterArn, FakeEcs, taskArn } from "./fakeEcs";

const meta = { $metadata: { httpStatusCode: 400 } };
const JOBS = clusterArn("jobs");
const T0 = 1_000_000;

function setup(deps: Partial<TaskWatcherDeps> = {}) {
    const clock = new FakeClock(T0, 0.5);
    const ecs = new FakeEcs(clock);
    const logs: string[] = [];
    const watcher = new TaskWatcher({ describeTasks: ecs.describeTasks, clock, log: (l) => logs.push(l), ...deps });
    return { clock, ecs, watcher, logs };
}

/** Rejection as a value (fails if it resolves); `at` is the fake time it settled. */
function rejection(p: Promise<unknown>, clock: FakeClock): Promise<{ err: unknown; at: number }> {
    return p.then(
        () => assert.fail("expected a rejection"),
        (err: unknown) => ({ err, at: clock.now() }),
    );
}

describe("run/taskWatcher: schedule and failures", () => {
    it("rounds of one cluster are at least minRoundGapMs apart, even when a task asks for less", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "RUNNING";
        const p = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 50 });
        await clock.advance(1000);
        const times = ecs.calls.map((c) => c.at - T0);
        assert.deepEqual(times, [50, 250, 450, 650, 850]);
        ecs.status[arn] = "STOPPED";
        await clock.advance(200);
        await p;
    });

    it("the gap is configurable", async () => {
        const { clock, ecs, watcher } = setup({ minRoundGapMs: 700 });
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "RUNNING";
        const p = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 100 });
        await clock.advance(2000);
        assert.deepEqual(
            ecs.calls.map((c) => c.at - T0),
            [100, 800, 1500],
        );
        ecs.status[arn] = "STOPPED";
        await clock.advance(700);
        await p;
    });

    it("ClusterNotFoundException fails every task of the cluster at once, also those not in the failed call", async () => {
        const { clock, ecs, watcher } = setup({ batchSize: 2 });
        const gone = clusterArn("gone");
        const arns = [1, 2, 3].map((i) => taskArn("gone", i));
        for (const a of arns) ecs.status[a] = "RUNNING";
        ecs.failWith = () => new ClusterNotFoundException({ message: "Cluster not found.", ...meta });
        const first = rejection(waitForStop(watcher, gone, arns[0], { pollIntervalMs: 5000 }), clock);
        await clock.advance(100);
        // Due later than the first: the round at 250 ms describes the first two only (one call of two).
        const later = arns.slice(1).map((a) => rejection(waitForStop(watcher, gone, a, { pollIntervalMs: 5000 }), clock));
        await clock.advance(150);
        const settled = await Promise.all([first, ...later]);
        assert.deepEqual(
            ecs.calls.map((c) => [c.at - T0, c.arns.length]),
            [[250, 2]],
        );
        for (const s of settled) {
            assert.ok(isWatchFailedError(s.err));
            assert.equal(s.at - T0, 250);
        }
        assert.equal(watcher.watchedTasks(), 0);
    });

    it("a success resets the backoff: the next failure waits the first backoff again", async () => {
        const { clock, ecs, watcher, logs } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "RUNNING";
        let fail = 2;
        ecs.failWith = () => (fail-- > 0 ? new ThrottlingException({ message: "Rate exceeded", ...meta }) : undefined);
        const p = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 5000 });
        await clock.advance(5000);
        assert.equal(watcher.failedCalls, 2);
        fail = 1;
        await clock.advance(10_000);
        assert.equal(watcher.failedCalls, 3);
        assert.equal(logs.length, 3);
        assert.match(logs[0], /trying again in 500 ms \(failure 1 in a row\)/);
        assert.match(logs[1], /trying again in 1000 ms \(failure 2 in a row\)/);
        assert.match(logs[2], /trying again in 500 ms \(failure 1 in a row\)/);
        ecs.status[arn] = "STOPPED";
        await clock.advance(10_000);
        await p;
    });

    it("the MISSING grace counts from the last time the task was seen", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "RUNNING";
        const p = rejection(waitForStop(watcher, JOBS, arn, { pollIntervalMs: 5000, missingGraceMs: 20_000 }), clock);
        await clock.advance(30_000);
        // Last seen at 26 750 ms (looks at 250, 750, 1750, then every 5 s); MISSING from the next look.
        const lastSeen = ecs.calls.at(-1)!.at;
        delete ecs.status[arn];
        await clock.advance(60_000);
        const { err, at } = await p;
        assert.ok(isTaskMissingError(err));
        assert.ok(at - lastSeen >= 20_000 && at - lastSeen < 25_000, `failed ${at - lastSeen} ms after it was last seen`);
        assert.equal(err.missingForMs, at - lastSeen);
    });

    it("the MISSING grace of a waiter that joins later counts from when it started waiting", async () => {
        const { clock, watcher } = setup();
        const arn = taskArn("jobs", 1);
        const early = rejection(waitForStart(watcher, JOBS, arn, { pollIntervalMs: 5000, missingGraceMs: 60_000 }), clock);
        await clock.advance(40_000);
        const joinedAt = clock.now();
        const late = rejection(waitForStart(watcher, JOBS, arn, { pollIntervalMs: 5000, missingGraceMs: 60_000 }), clock);
        await clock.advance(120_000);
        const [e, l] = await Promise.all([early, late]);
        assert.ok(isTaskMissingError(e.err) && isTaskMissingError(l.err));
        assert.ok(e.at - T0 >= 60_000 && e.at - T0 < 65_000, `early waiter failed at ${e.at - T0}`);
        assert.ok(l.at - joinedAt >= 60_000 && l.at - joinedAt < 65_000, `late waiter failed ${l.at - joinedAt} ms after it joined`);
    });
    it("waitForStart and waitForStop of the watcher itself wait for RUNNING and for STOPPED", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "PENDING";
        const started = watcher.waitForStart(JOBS, arn, { pollIntervalMs: 1000 });
        const stopped = watcher.waitForStop(JOBS, arn, { pollIntervalMs: 1000 });
        await clock.advance(1000);
        ecs.status[arn] = "RUNNING";
        await clock.advance(1000);
        assert.equal((await started).lastStatus, "RUNNING");
        // The stop wait of the same task goes on after the start wait ended.
        assert.equal(watcher.watchedTasks(), 1);
        ecs.status[arn] = "STOPPED";
        await clock.advance(1000);
        assert.equal((await stopped).lastStatus, "STOPPED");
        assert.equal(watcher.watchedTasks(), 0);
    });

    it("a waiter that joins a task watched slowly gets a look soon", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "RUNNING";
        const slow = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 60_000 });
        await clock.advance(10_000);
        const before = ecs.calls.length;
        const joinedAt = clock.now();
        const quick = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 60_000 });
        await clock.advance(300);
        assert.deepEqual(
            ecs.calls.slice(before).map((c) => c.at - joinedAt),
            [250],
        );
        ecs.status[arn] = "STOPPED";
        await clock.advance(60_000);
        await Promise.all([slow, quick]);
    });

    it("a settled wait leaves no listener on its AbortSignal", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "STOPPED";
        const ac = new AbortController();
        const p = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 1000, signal: ac.signal });
        assert.equal(getEventListeners(ac.signal, "abort").length, 1);
        await clock.advance(250);
        await p;
        assert.equal(getEventListeners(ac.signal, "abort").length, 0);
    });

    it("a timed-out wait ends the loop: no timer is left", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "PENDING";
        const p = rejection(waitForStart(watcher, JOBS, arn, { pollIntervalMs: 5000, timeoutMs: 3000 }), clock);
        await clock.advance(3000);
        assert.equal((await p).at - T0, 3000);
        await flush();
        assert.equal(watcher.isRunning(), false);
        assert.equal(clock.pending(), 0);
    });

    it("MISSING: the default grace is 60 s, counted exactly; the reason says what DescribeTasks answered", async () => {
        const answers: Record<string, { tasks: Task[]; failures: Failure[] }> = {};
        const clock = new FakeClock(T0, 0.5);
        const watcher = new TaskWatcher({
            describeTasks: async (_c, arns) => ({
                tasks: arns.flatMap((a) => answers[a].tasks),
                failures: arns.flatMap((a) => answers[a].failures),
            }),
            clock,
        });
        const [a, b, c] = [1, 2, 3].map((i) => taskArn("jobs", i));
        answers[a] = { tasks: [], failures: [{ arn: a, reason: "MISSING", detail: "not yet" }] };
        answers[b] = { tasks: [], failures: [{ arn: b }] };
        answers[c] = { tasks: [], failures: [] };
        const pa = rejection(waitForStart(watcher, JOBS, a, { pollIntervalMs: 5000 }), clock);
        const pb = rejection(waitForStart(watcher, JOBS, b, { pollIntervalMs: 5000, missingGraceMs: 750 }), clock);
        const pc = rejection(waitForStart(watcher, JOBS, c, { pollIntervalMs: 5000, missingGraceMs: 750 }), clock);
        await clock.advance(70_000);
        const [ea, eb, ec] = await Promise.all([pa, pb, pc]);
        // Looks at 250, 750, 1750, then every 5 s: the first look at or after the grace fails the wait.
        assert.equal(ea.at - T0, 61_750);
        assert.equal(eb.at - T0, 750);
        assert.equal(ec.at - T0, 750);
        assert.match(String((ea.err as Error).message), /MISSING: not yet/);
        assert.match(String((eb.err as Error).message), /unknown/);
        assert.match(String((ec.err as Error).message), /not in the answer/);
    });

    it("a fatal error is not retried or logged as a retry; a plain error is retried, logged as Error", async () => {
        const denied = setup();
        const arn = taskArn("jobs", 1);
        denied.ecs.status[arn] = "RUNNING";
        denied.ecs.failWith = () => Object.assign(new Error("no"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } });
        const p = rejection(waitForStop(denied.watcher, JOBS, arn, { pollIntervalMs: 1000 }), denied.clock);
        await denied.clock.advance(300);
        assert.ok(isWatchFailedError((await p).err));
        assert.deepEqual(denied.logs, []);

        const plain = setup();
        plain.ecs.status[arn] = "STOPPED";
        let fail = 1;
        plain.ecs.failWith = () => (fail-- > 0 ? new Error("socket hang up") : undefined);
        const q = waitForStop(plain.watcher, JOBS, arn, { pollIntervalMs: 1000 });
        await plain.clock.advance(2000);
        assert.ok(isStopped(await q));
        assert.equal(plain.logs.length, 1);
        assert.match(plain.logs[0], /failed \(Error\); trying again in 500 ms/);
    });

    it("without a log function, a failed call is retried all the same", async () => {
        const { clock, ecs, watcher } = setup({ log: undefined });
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "STOPPED";
        let fail = 1;
        ecs.failWith = () => (fail-- > 0 ? new ThrottlingException({ message: "Rate exceeded", ...meta }) : undefined);
        const p = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 1000 });
        await clock.advance(2000);
        assert.ok(isStopped(await p));
    });

    it("a wait cancelled while its call is in flight: the answer is still handled for the others", async () => {
        const clock = new FakeClock(T0, 0.5);
        const ecs = new FakeEcs(clock);
        const watcher = new TaskWatcher({
            describeTasks: async (cluster, arns) => {
                await clock.sleep(100);
                return ecs.describeTasks(cluster, arns);
            },
            clock,
        });
        const [a, b] = [1, 2].map((i) => taskArn("jobs", i));
        ecs.status[a] = "STOPPED";
        ecs.status[b] = "STOPPED";
        const ac = new AbortController();
        const pa = rejection(waitForStop(watcher, JOBS, a, { pollIntervalMs: 1000, signal: ac.signal }), clock);
        const pb = waitForStop(watcher, JOBS, b, { pollIntervalMs: 1000 });
        await clock.advance(300);
        ac.abort();
        await clock.advance(100);
        await pa;
        assert.ok(isStopped(await pb));
    });

    it("a defect in the loop fails every waiter instead of leaving them waiting", async () => {
        const clock = new FakeClock(T0, 0.5);
        const watcher = new TaskWatcher({ describeTasks: async () => ({}) as { tasks: Task[]; failures: Failure[] }, clock });
        const ps = [1, 2].map((i) => rejection(waitForStop(watcher, JOBS, taskArn("jobs", i), { pollIntervalMs: 1000 }), clock));
        await clock.advance(300);
        for (const { err } of await Promise.all(ps)) assert.ok(err instanceof TypeError, String(err));
        assert.equal(watcher.watchedTasks(), 0);
    });
});
