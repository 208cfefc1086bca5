import assert from "node:assert/strict";
import type { Task } from "@aws-sdk/client-ecs";
import { AccessDeniedException, ClusterNotFoundException, ServerException } from "@aws-sdk/client-ecs";
import { ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import { getProcessTaskWatcher, resetProcessTaskWatcher, TaskWatcher } from "../../../provider/run/taskWatcher";
import { PerTaskPoller } from "../../../provider/run/perTaskPoller";
import {
    hasLeftStartup,
    isStopped,
    isTaskMissingError,
    isWatchCancelledError,
    isWatchFailedError,
    isWatchTimeoutError,
    waitForStart,
    waitForStop,
} from "../../../provider/run/waiting";
import { FakeClock, flush } from "../aws/fakeClock";
import { clusterArn, FakeEcs, taskArn } from "./fakeEcs";

const meta = { $metadata: { httpStatusCode: 400 } };
const JOBS = clusterArn("jobs");

function setup(opts: { random?: number } = {}) {
    const clock = new FakeClock(1_000_000, opts.random ?? 0.5);
    const ecs = new FakeEcs(clock);
    const logs: string[] = [];
    const watcher = new TaskWatcher({ describeTasks: ecs.describeTasks, clock, log: (l) => logs.push(l) });
    return { clock, ecs, watcher, logs };
}

/** Starts `n` tasks RUNNING in `cluster` and waits for each to stop. */
function startMany(w: TaskWatcher, ecs: FakeEcs, cluster: string, n: number, pollIntervalMs = 5000) {
    const name = cluster.split("/").pop() ?? cluster;
    const arns = Array.from({ length: n }, (_, i) => taskArn(name, i));
    for (const a of arns) ecs.status[a] = "RUNNING";
    const done = arns.map((a) => waitForStop(w, cluster, a, { pollIntervalMs }));
    return { arns, done };
}

/** Rejection as a value (fails if it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
    return p.then(
        () => assert.fail("expected a rejection"),
        (e: unknown) => e,
    );
}

describe("run/taskWatcher", () => {
    it("100 concurrent waiters cost one DescribeTasks per round", async () => {
        const { clock, ecs, watcher } = setup();
        const { arns, done } = startMany(watcher, ecs, JOBS, 100);
        await clock.advance(60_000);
        assert.ok(watcher.rounds >= 10, `rounds ${watcher.rounds}`);
        assert.equal(watcher.describeCalls, watcher.rounds);
        for (const c of ecs.calls) assert.deepEqual([...c.arns].sort(), [...arns].sort());
        // Steady state: one call per 5 s interval.
        assert.equal(ecs.callsAt(clock.now() - 30_000, clock.now()).length, 6);
        for (const a of arns) ecs.status[a] = "STOPPED";
        await clock.advance(5000);
        const tasks = await Promise.all(done);
        assert.ok(tasks.every(isStopped));
        assert.equal(watcher.watchedTasks(), 0);
    });

    it("250 tasks: three calls per round (100, 100, 50); two clusters: separate calls", async () => {
        const { clock, ecs, watcher } = setup();
        const a = startMany(watcher, ecs, JOBS, 250);
        const other = clusterArn("other");
        const b = startMany(watcher, ecs, other, 10);
        await clock.advance(30_000);
        const rounds = watcher.rounds;
        assert.equal(watcher.describeCalls, rounds * 4);
        const last = ecs.callsAt(clock.now() - 5000, clock.now());
        assert.deepEqual(
            last.map((c) => [c.cluster, c.arns.length]).sort(),
            [
                [JOBS, 100],
                [JOBS, 100],
                [JOBS, 50],
                [other, 10],
            ].sort(),
        );
        const polled = new Set(last.flatMap((c) => c.arns));
        assert.equal(polled.size, 260);
        for (const arn of [...a.arns, ...b.arns]) ecs.status[arn] = "STOPPED";
        await clock.advance(5000);
        await Promise.all([...a.done, ...b.done]);
    });

    it("looks at a new task soon (250 ms, 500 ms, 1 s), then at the interval", async () => {
        const { clock, ecs, watcher } = setup();
        const start = clock.now();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "PENDING";
        const p = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 5000 });
        await clock.advance(12_000);
        assert.deepEqual(
            ecs.calls.map((c) => c.at - start),
            [250, 750, 1750, 6750, 11750],
        );
        ecs.status[arn] = "STOPPED";
        await clock.advance(5000);
        await p;
    });

    it("uses the smallest poll interval among the waiters of a task", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "RUNNING";
        const slow = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 10_000 });
        const quick = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 2000 });
        await clock.advance(20_000);
        const gaps = ecs.calls.slice(4).map((c, i) => c.at - ecs.calls[i + 3].at);
        assert.ok(gaps.length >= 5);
        assert.ok(
            gaps.every((g) => g === 2000),
            `gaps ${gaps.join(",")}`,
        );
        // One ARN in each call, even with two waiters.
        assert.ok(ecs.calls.every((c) => c.arns.length === 1));
        ecs.status[arn] = "STOPPED";
        await clock.advance(2000);
        await Promise.all([slow, quick]);
    });

    it("tasks added later join the same call, and nobody starves: each task is described at least every interval", async () => {
        const { clock, ecs, watcher } = setup({ random: 0.3 });
        const all: string[] = [];
        const done: Promise<Task>[] = [];
        // 150 tasks arriving over 20 s, at random-ish offsets.
        for (let i = 0; i < 150; i++) {
            const arn = taskArn("jobs", i);
            ecs.status[arn] = "RUNNING";
            all.push(arn);
            done.push(waitForStop(watcher, JOBS, arn, { pollIntervalMs: 5000 }));
            await clock.advance((i * 37) % 290);
        }
        await clock.advance(60_000);
        const seenAt: Record<string, number[]> = {};
        for (const c of ecs.calls) for (const a of c.arns) (seenAt[a] ??= []).push(c.at);
        for (const a of all) {
            const times = seenAt[a];
            assert.ok(times && times.length > 5, a);
            for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] <= 5000, `${a}: gap ${times[i] - times[i - 1]}`);
        }
        // Batching: over the last minute, about two calls per 5 s (150 = 100 + 50), not 150.
        const lastMinute = ecs.callsAt(clock.now() - 60_000, clock.now());
        assert.ok(lastMinute.length <= 30, `calls ${lastMinute.length}`);
        assert.ok(lastMinute.every((c) => c.arns.length <= 100));
        for (const a of all) ecs.status[a] = "STOPPED";
        await clock.advance(5000);
        await Promise.all(done);
    });

    it("MISSING within the grace is not an error; after it, only that waiter fails", async () => {
        const { clock, ecs, watcher } = setup();
        const late = taskArn("jobs", 1);
        const never = taskArn("jobs", 2);
        const fine = taskArn("jobs", 3);
        ecs.status[fine] = "RUNNING";
        const pLate = waitForStart(watcher, JOBS, late, { pollIntervalMs: 5000, missingGraceMs: 60_000 });
        const pNever = waitForStart(watcher, JOBS, never, { pollIntervalMs: 5000, missingGraceMs: 60_000 });
        const pFine = waitForStop(watcher, JOBS, fine, { pollIntervalMs: 5000 });
        const neverErr = rejection(pNever);
        await clock.advance(30_000);
        ecs.status[late] = "RUNNING"; // eventual consistency: known after 30 s
        await clock.advance(5000);
        assert.equal((await pLate).lastStatus, "RUNNING");
        await clock.advance(30_000);
        const err = await neverErr;
        assert.ok(isTaskMissingError(err));
        assert.match(err.message, /does not know task .*00000002.*MISSING/);
        assert.ok(err.missingForMs >= 60_000 && err.missingForMs < 65_000);
        // The other waiter still waits, and ends normally.
        assert.equal(watcher.watchedTasks(), 1);
        ecs.status[fine] = "STOPPED";
        await clock.advance(5000);
        assert.equal((await pFine).lastStatus, "STOPPED");
    });

    it("a throttled round is retried with backoff and fails no waiter", async () => {
        const { clock, ecs, watcher, logs } = setup({ random: 0.5 });
        const { arns, done } = startMany(watcher, ecs, JOBS, 20);
        let failures = 3;
        ecs.failWith = () => (failures-- > 0 ? new ThrottlingException({ message: "Rate exceeded", ...meta }) : undefined);
        await clock.advance(20_000);
        assert.equal(watcher.failedCalls, 3);
        assert.equal(watcher.watchedTasks(), 20);
        const start = 1_000_000;
        // 250: throttled -> backoff 500 (cap 1000 * 0.5); 750: throttled -> 1000; 1750: throttled -> 2000; 3750: answered.
        assert.deepEqual(
            ecs.calls.slice(0, 5).map((c) => c.at - start),
            [250, 750, 1750, 3750, 4250],
        );
        assert.equal(logs.length, 3);
        assert.match(logs[0], /DescribeTasks for 20 task\(s\) in cluster .*jobs failed \(ThrottlingException\); trying again in 500 ms/);
        for (const a of arns) ecs.status[a] = "STOPPED";
        await clock.advance(5000);
        assert.equal((await Promise.all(done)).length, 20);
    });

    it("server errors are retried too; errors for longer than errorToleranceMs fail the waiter", async () => {
        const { clock, ecs, watcher } = setup({ random: 0.999 });
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "RUNNING";
        ecs.failWith = () => new ServerException({ message: "Service unavailable", $metadata: { httpStatusCode: 500 } });
        const p = rejection(waitForStop(watcher, JOBS, arn, { pollIntervalMs: 5000, errorToleranceMs: 120_000 }));
        await clock.advance(200_000);
        const err = await p;
        assert.ok(isWatchFailedError(err));
        assert.match(err.message, /every call failed for 1[23]\d s.*ServerException: Service unavailable/);
        // Backoff grew to the 20 s cap: few calls, not one per 250 ms.
        assert.ok(ecs.calls.length < 20, `calls ${ecs.calls.length}`);
        assert.equal(watcher.isRunning(), false);
    });

    it("ClusterNotFoundException fails the waiters of that cluster only", async () => {
        const { clock, ecs, watcher } = setup();
        const gone = clusterArn("gone");
        const a = startMany(watcher, ecs, gone, 3);
        const b = startMany(watcher, ecs, JOBS, 2);
        ecs.failWith = (c) => (c.cluster === gone ? new ClusterNotFoundException({ message: "Cluster not found.", ...meta }) : undefined);
        const errs = a.done.map(rejection);
        await clock.advance(1000);
        for (const e of await Promise.all(errs)) {
            assert.ok(isWatchFailedError(e));
            assert.match(e.message, /in cluster .*gone failed: ClusterNotFoundException: Cluster not found\..*create it/);
            assert.ok(e.cause instanceof ClusterNotFoundException);
        }
        assert.equal(watcher.watchedTasks(), 2);
        for (const arn of b.arns) ecs.status[arn] = "STOPPED";
        await clock.advance(5000);
        await Promise.all(b.done);
    });

    it("access denied fails the waiters at once, naming ecs:DescribeTasks", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "RUNNING";
        ecs.failWith = () => new AccessDeniedException({ message: "not authorized", $metadata: { httpStatusCode: 403 } });
        const p = rejection(waitForStop(watcher, JOBS, arn, { pollIntervalMs: 5000 }));
        await clock.advance(300);
        assert.match(String(await p), /grant ecs:DescribeTasks/);
        assert.equal(ecs.calls.length, 1);
    });

    it("start timeout: rejects with the last task seen, and only that waiter", async () => {
        const { clock, ecs, watcher } = setup();
        const stuck = taskArn("jobs", 1);
        const other = taskArn("jobs", 2);
        ecs.status[stuck] = "PROVISIONING";
        ecs.status[other] = "PENDING";
        const start = clock.now();
        const p = rejection(waitForStart(watcher, JOBS, stuck, { pollIntervalMs: 5000, timeoutMs: 12_000 }));
        const q = waitForStart(watcher, JOBS, other, { pollIntervalMs: 5000, timeoutMs: 60_000 });
        ecs.status[stuck] = "PENDING";
        await clock.advance(11_999);
        await flush();
        await clock.advance(1);
        const err = await p;
        assert.ok(isWatchTimeoutError(err));
        assert.equal(err.waitedMs, 12_000);
        assert.equal(err.lastTask?.lastStatus, "PENDING");
        assert.match(err.message, /Timed out after 12 s waiting for task .*00000001 \(last status PENDING\)/);
        assert.equal(clock.now() - start, 12_000);
        ecs.status[other] = "RUNNING";
        await clock.advance(5000);
        assert.equal((await q).lastStatus, "RUNNING");
    });

    it("a short task that passed RUNNING between two looks is seen STOPPED and ends the start wait", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "PENDING";
        const seen: string[] = [];
        const p = waitForStart(watcher, JOBS, arn, {
            pollIntervalMs: 5000,
            timeoutMs: 300_000,
            onTask: (t) => seen.push(t.lastStatus ?? ""),
        });
        await clock.advance(300);
        ecs.status[arn] = "STOPPED";
        ecs.extra[arn] = { stopCode: "EssentialContainerExited", containers: [{ name: "main", exitCode: 0 }] };
        await clock.advance(500);
        const task = await p;
        assert.equal(task.lastStatus, "STOPPED");
        assert.ok(hasLeftStartup(task));
        assert.deepEqual(seen, ["PENDING", "STOPPED"]);
        // The stop wait that follows ends at its first look.
        const stopped = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 5000 });
        await clock.advance(250);
        assert.equal((await stopped).stopCode, "EssentialContainerExited");
    });

    it("onTask is called when something relevant changes, not at every look", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "PENDING";
        const seen: string[] = [];
        const p = waitForStop(watcher, JOBS, arn, {
            pollIntervalMs: 1000,
            onTask: (t) => seen.push(`${t.lastStatus}/${t.containers?.[0]?.exitCode ?? "-"}`),
        });
        await clock.advance(5000);
        ecs.status[arn] = "RUNNING";
        await clock.advance(5000);
        ecs.status[arn] = "DEPROVISIONING";
        ecs.extra[arn] = { containers: [{ name: "main", exitCode: 3 }] };
        await clock.advance(3000);
        ecs.status[arn] = "STOPPED";
        await clock.advance(1000);
        await p;
        assert.deepEqual(seen, ["PENDING/-", "RUNNING/-", "DEPROVISIONING/3", "STOPPED/3"]);
        assert.ok(ecs.calls.length > 10);
    });

    it("the loop ends (no timer left) when nothing is watched, and restarts on the next wait", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "STOPPED";
        const p = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 5000 });
        assert.equal(watcher.isRunning(), true);
        await clock.advance(250);
        await p;
        await flush();
        assert.equal(watcher.isRunning(), false);
        assert.equal(clock.pending(), 0);
        const q = waitForStop(watcher, JOBS, arn, { pollIntervalMs: 5000 });
        assert.equal(watcher.isRunning(), true);
        await clock.advance(250);
        await q;
        await flush();
        assert.equal(clock.pending(), 0);
    });

    it("a wait can be cancelled with an AbortSignal; a deadline ends a sleeping loop promptly", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "RUNNING";
        const ac = new AbortController();
        const p = rejection(waitForStop(watcher, JOBS, arn, { pollIntervalMs: 60_000, signal: ac.signal }));
        await clock.advance(2000);
        ac.abort();
        assert.ok(isWatchCancelledError(await p));
        await flush();
        assert.equal(watcher.isRunning(), false);
        assert.equal(clock.pending(), 0);
        const aborted = new AbortController();
        aborted.abort();
        await assert.rejects(waitForStop(watcher, JOBS, arn, { pollIntervalMs: 1000, signal: aborted.signal }), isWatchCancelledError);
    });

    it("a task given by cluster name is grouped with the region of its ARN", async () => {
        const { clock, ecs, watcher } = setup();
        const east = taskArn("jobs", 1);
        const west = east.replace("us-east-1", "us-west-2");
        ecs.status[east] = "STOPPED";
        ecs.status[west] = "STOPPED";
        const ps = [
            waitForStop(watcher, "jobs", east, { pollIntervalMs: 5000 }),
            waitForStop(watcher, "jobs", west, { pollIntervalMs: 5000 }),
        ];
        await clock.advance(250);
        await Promise.all(ps);
        assert.equal(ecs.calls.length, 2);
        assert.deepEqual(
            ecs.calls.map((c) => c.arns.length),
            [1, 1],
        );
    });

    it("a throwing condition fails its waiter only; a throwing onTask is ignored", async () => {
        const { clock, ecs, watcher } = setup();
        const arn = taskArn("jobs", 1);
        ecs.status[arn] = "RUNNING";
        const bad = rejection(
            watcher.waitFor(
                JOBS,
                arn,
                () => {
                    throw new Error("bad condition");
                },
                { pollIntervalMs: 1000 },
            ),
        );
        const ok = watcher.waitFor(JOBS, arn, hasLeftStartup, {
            pollIntervalMs: 1000,
            onTask: () => {
                throw new Error("bad observer");
            },
        });
        await clock.advance(250);
        assert.match(String(await bad), /bad condition/);
        assert.equal((await ok).lastStatus, "RUNNING");
    });

    it("getProcessTaskWatcher keeps one watcher per process on globalThis", () => {
        resetProcessTaskWatcher();
        const clock = new FakeClock();
        const ecs = new FakeEcs(clock);
        let made = 0;
        const factory = (): TaskWatcher => {
            made++;
            return new TaskWatcher({ describeTasks: ecs.describeTasks, clock });
        };
        const a = getProcessTaskWatcher(factory);
        const b = getProcessTaskWatcher(factory);
        assert.equal(a, b);
        assert.equal(made, 1);
        assert.equal((globalThis as unknown as Record<string, { watcher: unknown }>)["__ecsTaskRun.watcher"].watcher, a);
        resetProcessTaskWatcher();
        assert.notEqual(getProcessTaskWatcher(factory), a);
        resetProcessTaskWatcher();
    });
});

describe("run/perTaskPoller (benchmark baseline)", () => {
    it("makes one DescribeTasks per task per interval", async () => {
        const clock = new FakeClock(0);
        const ecs = new FakeEcs(clock);
        const poller = new PerTaskPoller({ describeTasks: ecs.describeTasks, clock });
        const arns = Array.from({ length: 10 }, (_, i) => taskArn("jobs", i));
        for (const a of arns) ecs.status[a] = "RUNNING";
        const done = arns.map((a) => waitForStop(poller, JOBS, a, { pollIntervalMs: 5000 }));
        await clock.advance(29_999);
        assert.equal(poller.describeCalls, 60);
        assert.ok(ecs.calls.every((c) => c.arns.length === 1));
        for (const a of arns) ecs.status[a] = "STOPPED";
        await clock.advance(5000);
        await Promise.all(done);
    });

    it("times out, fails on a call error and waits out MISSING within the grace, like the reference", async () => {
        const clock = new FakeClock(0);
        const ecs = new FakeEcs(clock);
        const poller = new PerTaskPoller({ describeTasks: ecs.describeTasks, clock });
        const arn = taskArn("jobs", 1);
        const missing = rejection(waitForStart(poller, JOBS, arn, { pollIntervalMs: 5000, missingGraceMs: 20_000 }));
        await clock.advance(25_000);
        assert.ok(isTaskMissingError(await missing));
        ecs.status[arn] = "PENDING";
        const timeout = rejection(waitForStart(poller, JOBS, arn, { pollIntervalMs: 5000, timeoutMs: 10_000 }));
        await clock.advance(10_000);
        assert.ok(isWatchTimeoutError(await timeout));
        ecs.failWith = () => new ThrottlingException({ message: "Rate exceeded", ...meta });
        await assert.rejects(waitForStart(poller, JOBS, arn, { pollIntervalMs: 5000 }), isWatchFailedError);
    });

    it("the watcher makes far fewer calls than the baseline for 100 tasks", async () => {
        const measure = async (make: (ecs: FakeEcs, clock: FakeClock) => PerTaskPoller | TaskWatcher) => {
            const clock = new FakeClock(0);
            const ecs = new FakeEcs(clock);
            const w = make(ecs, clock);
            const arns = Array.from({ length: 100 }, (_, i) => taskArn("jobs", i));
            for (const a of arns) ecs.status[a] = "RUNNING";
            const done = arns.map((a) => waitForStop(w, JOBS, a, { pollIntervalMs: 5000 }));
            await clock.advance(60_000);
            for (const a of arns) ecs.status[a] = "STOPPED";
            await clock.advance(5000);
            await Promise.all(done);
            return w.describeCalls;
        };
        const baseline = await measure((ecs, clock) => new PerTaskPoller({ describeTasks: ecs.describeTasks, clock }));
        const watched = await measure((ecs, clock) => new TaskWatcher({ describeTasks: ecs.describeTasks, clock }));
        assert.ok(baseline >= 1300, `baseline ${baseline}`);
        assert.ok(watched <= 20, `watcher ${watched}`);
    });
});
