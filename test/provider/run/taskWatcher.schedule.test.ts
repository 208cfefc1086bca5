/**
 * The task watcher's schedule and failure handling, at the edges the first tests leave open: the
 * least gap between rounds, a cluster that is gone failing every task of it (not only the batch
 * that asked), the backoff starting over after a success, and the MISSING grace counted from the
 * right moment. All on a fake clock.
 */
import assert from "node:assert/strict";
import { ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import { ClusterNotFoundException } from "@aws-sdk/client-ecs";
import { TaskWatcher, type TaskWatcherDeps } from "../../../provider/run/taskWatcher";
import { isTaskMissingError, isWatchFailedError, waitForStart, waitForStop } from "../../../provider/run/waiting";
import { FakeClock } from "../aws/fakeClock";
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
});
