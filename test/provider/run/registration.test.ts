import assert from "node:assert/strict";
import { AccessDeniedException, ClientException } from "@aws-sdk/client-ecs";
import { ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import { isRetryExhaustedError } from "../../../provider/aws/errors";
import {
    canonicalJson,
    ensureTaskDefinition,
    forgetTaskDefinition,
    type RegistrationDeps,
    resetRegistrationMemory,
} from "../../../provider/run/registration";
import type { TaskDefinition } from "../../../provider/types";
import { FakeClock, flush } from "../aws/fakeClock";

const meta = { $metadata: { httpStatusCode: 400 } };
const concurrentRevision = () =>
    new ClientException({ message: "Too many concurrent attempts to create a new revision of the specified family.", ...meta });

const prepared = (image = "alpine:3"): TaskDefinition => ({
    family: "web",
    containerDefinitions: [{ name: "main", image, command: ["echo", "hi"] }],
    cpu: "256",
    memory: "512",
});

/** A family registry: revisions registered so far; `equal` compares images (the plan layer's job). */
function fakeEcs(clock: FakeClock) {
    const revisions: TaskDefinition[] = [];
    const calls = { describe: 0, register: 0 };
    const failRegister: unknown[] = [];
    const deps: RegistrationDeps = {
        clock,
        describeTaskDefinition: async (id) => {
            calls.describe++;
            await clock.sleep(10);
            const active = revisions.filter((r) => r.family === id && r.status === "ACTIVE");
            return active.at(-1) ?? null;
        },
        registerTaskDefinition: async (td) => {
            calls.register++;
            await clock.sleep(50);
            const err = failRegister.shift();
            if (err) throw err;
            const revision = revisions.length + 1;
            const arn = `arn:aws:ecs:us-east-1:123456789012:task-definition/${td.family}:${revision}`;
            const registered = { ...td, taskDefinitionArn: arn, revision, status: "ACTIVE" };
            revisions.push(registered);
            return { arn, taskDefinition: registered };
        },
        equal: (a, b) => a.containerDefinitions?.[0]?.image === b.containerDefinitions?.[0]?.image,
    };
    return { deps, revisions, calls, failRegister };
}

describe("run/registration ensureTaskDefinition", () => {
    beforeEach(() => resetRegistrationMemory());
    after(() => resetRegistrationMemory());

    it("20 concurrent calls for an equal definition make one register call", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const all = Promise.all(Array.from({ length: 20 }, () => ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 60_000 })));
        const results = await clock.run(all);
        assert.equal(ecs.calls.register, 1);
        assert.equal(ecs.calls.describe, 1);
        assert.ok(results.every((r) => r.arn.endsWith("web:1")));
        assert.deepEqual(
            results.map((r) => r.registered),
            [true, ...Array<boolean>(19).fill(false)],
        );
        assert.deepEqual(
            results.map((r) => r.source),
            ["registered", ...Array<string>(19).fill("shared")],
        );
        // Remembered in the process: a later call makes no call at all.
        const later = await clock.run(ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 60_000 }));
        assert.equal(later.arn, results[0].arn);
        assert.equal(later.registered, false);
        assert.equal(ecs.calls.describe + ecs.calls.register, 2);
    });

    it("reuses the family's latest ACTIVE revision when it is equal: no register call", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        ecs.revisions.push({ ...prepared(), taskDefinitionArn: "arn:aws:ecs:us-east-1:1:task-definition/web:7", revision: 7, status: "ACTIVE" });
        const r = await clock.run(ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 60_000 }));
        assert.equal(ecs.calls.register, 0);
        assert.deepEqual([r.arn, r.registered, r.source], ["arn:aws:ecs:us-east-1:1:task-definition/web:7", false, "reused-latest"]);
    });

    it("registers when the latest revision differs, and keeps distinct definitions and scopes apart", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        ecs.revisions.push({ ...prepared("alpine:2"), taskDefinitionArn: "arn:x:web:1", revision: 1, status: "ACTIVE" });
        const [a, b, c] = await clock.run(
            Promise.all([
                ensureTaskDefinition(ecs.deps, prepared("alpine:3"), { deadlineMs: 60_000 }),
                ensureTaskDefinition(ecs.deps, prepared("alpine:4"), { deadlineMs: 60_000 }),
                ensureTaskDefinition(ecs.deps, prepared("alpine:3"), { deadlineMs: 60_000, scope: "eu-west-1" }),
            ]),
        );
        assert.equal(ecs.calls.register, 3);
        assert.ok(a.registered && b.registered && c.registered);
        assert.notEqual(a.arn, b.arn);
    });

    it("retries the concurrent-revision ClientException and throttling with backoff", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const logs: string[] = [];
        ecs.deps.log = (l) => logs.push(l);
        ecs.failRegister.push(concurrentRevision(), new ThrottlingException({ message: "Rate exceeded", ...meta }), concurrentRevision());
        const r = await clock.run(ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 60_000 }));
        assert.equal(ecs.calls.register, 4);
        assert.ok(r.registered);
        const retries = logs.filter((l) => /Attempt \d in \d+ ms/.test(l));
        assert.equal(retries.length, 3);
        assert.match(retries[0], /RegisterTaskDefinition of family web failed: ClientException: Too many concurrent attempts/);
    });

    it("gives up at the deadline, shares the failure with joiners, and does not remember it", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        for (let i = 0; i < 1000; i++) ecs.failRegister.push(concurrentRevision());
        const a = ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 10_000 });
        const b = ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 10_000 });
        const both = Promise.allSettled([a, b]);
        const [ra, rb] = await clock.run(both);
        assert.equal(ra.status, "rejected");
        assert.equal(rb.status, "rejected");
        assert.ok(ra.status === "rejected" && isRetryExhaustedError(ra.reason));
        assert.match(String((ra as PromiseRejectedResult).reason), /RegisterTaskDefinition of family web: gave up after \d+ attempts over 1\d\.\d s/);
        ecs.failRegister.length = 0;
        const again = await clock.run(ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 10_000 }));
        assert.ok(again.registered);
    });

    it("fails at once on access denied", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        ecs.failRegister.push(new AccessDeniedException({ message: "not authorized to perform: ecs:RegisterTaskDefinition", $metadata: { httpStatusCode: 403 } }));
        await assert.rejects(clock.run(ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 60_000 })), AccessDeniedException);
        assert.equal(ecs.calls.register, 1);
    });

    it("forgetTaskDefinition makes the next call look again (after a deregistration)", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const first = await clock.run(ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 60_000 }));
        ecs.revisions[0].status = "INACTIVE";
        forgetTaskDefinition(first.arn);
        const second = await clock.run(ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 60_000 }));
        assert.notEqual(second.arn, first.arn);
        assert.ok(second.registered);
    });

    it("requires a family; the memory lives on globalThis as plain objects", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        await assert.rejects(ensureTaskDefinition(ecs.deps, { containerDefinitions: [] }, { deadlineMs: 1 }), /no `family`/);
        await clock.run(ensureTaskDefinition(ecs.deps, prepared(), { deadlineMs: 60_000 }));
        await flush();
        const mem = (globalThis as unknown as Record<string, { done: object; inFlight: object }>)["__ecsTaskRun.registrations"];
        assert.equal(Object.getPrototypeOf(mem.done), Object.prototype);
        assert.equal(Object.keys(mem.done).length, 1);
        assert.equal(Object.keys(mem.inFlight).length, 0);
    });

    it("canonicalJson ignores key order and undefined members", () => {
        assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: undefined }], c: "z" } }), canonicalJson({ a: { c: "z", d: [1, { y: 2 }] }, b: 1 }));
        assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
    });
});
