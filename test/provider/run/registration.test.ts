import assert from "node:assert/strict";
import { AccessDeniedException, ClientException, InvalidParameterException } from "@aws-sdk/client-ecs";
import { ThrottlingException } from "@aws-sdk/client-cloudwatch-logs";
import { isRetryExhaustedError } from "../../../provider/aws/errors";
import { KEEP_TAG, MANAGED_TAG, pendingUse, useTagKey, type UseIdentity } from "../../../provider/plan/ownership";
import {
    acquireTaskDefinition,
    canonicalJson,
    holdUse,
    recordUse,
    sweepExpiredUses,
    releaseUse,
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

const HASH = "0123456789abcdef0123456789abcdef";
/** The identity of resource number `n` (its startedBy) with inputs hash `hash`. */
const who = (n: number, hash = HASH): UseIdentity => ({
    startedBy: `etr-${String(n).padStart(16, "0")}${"0".repeat(16)}`,
    inputsHash: hash,
});
const OPTS = { deadlineMs: 60_000 };

interface Revision {
    td: TaskDefinition;
    tags: Record<string, string>;
}

/** A family registry with tags (ECS's 50-tag limit enforced); `equal` compares images (the plan layer's job). */
function fakeEcs(clock: FakeClock) {
    const revisions: Revision[] = [];
    const calls = { describe: 0, register: 0, tag: 0, untag: 0, deregister: 0, list: 0 };
    const failRegister: unknown[] = [];
    const byArn = (arn: string) => revisions.find((r) => r.td.taskDefinitionArn === arn);
    const deps: RegistrationDeps = {
        clock,
        describeTaskDefinition: async (id) => {
            calls.describe++;
            await clock.sleep(10);
            const found = id.startsWith("arn:")
                ? byArn(id)
                : revisions.filter((r) => r.td.family === id && r.td.status === "ACTIVE").at(-1);
            return found ? { taskDefinition: { ...found.td }, tags: { ...found.tags } } : null;
        },
        registerTaskDefinition: async (td, tags) => {
            calls.register++;
            await clock.sleep(50);
            const err = failRegister.shift();
            if (err) throw err;
            const revision = revisions.length + 1;
            const arn = `arn:aws:ecs:us-east-1:123456789012:task-definition/${td.family}:${revision}`;
            const registered = { ...td, taskDefinitionArn: arn, revision, status: "ACTIVE" };
            revisions.push({ td: registered, tags: { ...tags } });
            return { arn, taskDefinition: registered };
        },
        tagResource: async (arn, tags) => {
            calls.tag++;
            const r = byArn(arn)!;
            const next = { ...r.tags, ...tags };
            if (Object.keys(next).length > 50)
                throw new InvalidParameterException({ message: "The number of tags exceeds the limit of 50.", ...meta });
            r.tags = next;
        },
        untagResource: async (arn, keys) => {
            calls.untag++;
            const r = byArn(arn);
            if (r) for (const k of keys) delete r.tags[k];
        },
        deregisterTaskDefinition: async (arn) => {
            calls.deregister++;
            const r = byArn(arn);
            if (!r) return "not-found";
            if (r.td.status === "INACTIVE") return "already-inactive";
            r.td.status = "INACTIVE";
            return "deregistered";
        },
        listFamilies: async (prefix) => {
            calls.list++;
            return [...new Set(revisions.filter((r) => r.td.status === "ACTIVE").map((r) => String(r.td.family)))]
                .filter((f) => f.startsWith(prefix))
                .sort();
        },
        listRevisions: async (family) => {
            calls.list++;
            return revisions.filter((r) => r.td.family === family && r.td.status === "ACTIVE").map((r) => String(r.td.taskDefinitionArn));
        },
        equal: (a, b) => a.containerDefinitions?.[0]?.image === b.containerDefinitions?.[0]?.image,
    };
    return { deps, revisions, calls, failRegister };
}

describe("run/registration: acquire, record and release task definitions under ownership tags", () => {
    beforeEach(() => resetRegistrationMemory());
    after(() => resetRegistrationMemory());

    it("registers a managed revision carrying the create's pending use; recording makes it recorded", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const a = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
        assert.deepEqual(a, {
            arn: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
            use: useTagKey(who(1), 0),
            source: "registered",
        });
        // The use's lease: 900 s from when it was registered (the fake clock after DescribeTaskDefinition's 10 ms).
        assert.deepEqual(ecs.revisions[0].tags, { [MANAGED_TAG]: "true", [a.use]: "pending:1970-01-01T00:15:00.010Z" });
        await clock.run(recordUse(ecs.deps, a.arn, a.use, OPTS));
        assert.deepEqual(ecs.revisions[0].tags, { [MANAGED_TAG]: "true", [a.use]: "recorded" });
    });

    it("20 concurrent creates of an equal definition make one register call, each with its own use", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const all = Promise.all(Array.from({ length: 20 }, (_, i) => acquireTaskDefinition(ecs.deps, prepared(), who(i), OPTS)));
        const results = await clock.run(all);
        assert.equal(ecs.calls.register, 1);
        assert.ok(results.every((r) => r.arn.endsWith("web:1")));
        assert.deepEqual(
            results.map((r) => r.source),
            ["registered", ...Array<string>(19).fill("shared")],
        );
        assert.equal(Object.keys(ecs.revisions[0].tags).length, 21, "the managed tag and 20 uses");
        assert.deepEqual(new Set(results.map((r) => r.use)).size, 20);
    });

    it("reuses the family's latest revision only when it is managed, ACTIVE and equal", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const first = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
        const second = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(2), OPTS));
        assert.deepEqual([second.arn, second.source], [first.arn, "reused"]);
        // Not managed (registered by someone else): never reused, never tagged.
        ecs.revisions.push({
            td: { ...prepared(), taskDefinitionArn: "arn:aws:ecs:us-east-1:1:task-definition/web:9", status: "ACTIVE" },
            tags: {},
        });
        // In this process, the revision it registered (equal, with room) is joined instead.
        const joined = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(5), OPTS));
        assert.deepEqual([joined.arn, joined.source], [first.arn, "shared"]);
        resetRegistrationMemory(); // another process
        const third = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(3), OPTS));
        assert.equal(third.source, "registered");
        assert.deepEqual(ecs.revisions[1].tags, {});
        // Not equal: registered.
        const other = await clock.run(acquireTaskDefinition(ecs.deps, prepared("alpine:4"), who(4), OPTS));
        assert.equal(other.source, "registered");
    });

    it("replacement with the same inputs (`--replace`): the new create takes the next generation, so the old delete keeps the revision", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const old = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
        await clock.run(recordUse(ecs.deps, old.arn, old.use, OPTS));
        const replacement = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
        assert.deepEqual([replacement.arn, replacement.use, replacement.source], [old.arn, useTagKey(who(1), 1), "reused"]);
        await clock.run(recordUse(ecs.deps, replacement.arn, replacement.use, OPTS));
        assert.equal(await clock.run(releaseUse(ecs.deps, old.arn, old.use, { ...OPTS, deregister: true })), "still-used");
        assert.equal(ecs.revisions[0].td.status, "ACTIVE");
        assert.equal(
            await clock.run(releaseUse(ecs.deps, replacement.arn, replacement.use, { ...OPTS, deregister: true })),
            "deregistered",
        );
        assert.equal(ecs.revisions[0].td.status, "INACTIVE");
    });

    it("a killed create's pending use is taken over by the next create of the same resource and inputs", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const killed = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS)); // never recorded
        const next = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
        assert.deepEqual([next.arn, next.use, next.source], [killed.arn, killed.use, "adopted"]);
        assert.equal(ecs.calls.register, 1);
        assert.equal(await clock.run(releaseUse(ecs.deps, next.arn, next.use, { ...OPTS, deregister: true })), "deregistered");
    });

    it("a killed create's pending use with other inputs is removed, and its revision deregistered when that was its last use", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const killed = await clock.run(acquireTaskDefinition(ecs.deps, prepared("alpine:2"), who(1, "f".repeat(32)), OPTS));
        const next = await clock.run(acquireTaskDefinition(ecs.deps, prepared("alpine:3"), who(1), OPTS));
        assert.equal(next.source, "registered");
        assert.equal(ecs.revisions[0].td.status, "INACTIVE", `${killed.arn} deregistered`);
        assert.deepEqual(ecs.revisions[0].tags, { [MANAGED_TAG]: "true" });
        // Another resource's pending use is not this resource's to remove.
        resetRegistrationMemory(); // another account
        const ecs2 = fakeEcs(clock);
        await clock.run(acquireTaskDefinition(ecs2.deps, prepared("alpine:2"), who(2), OPTS));
        await clock.run(acquireTaskDefinition(ecs2.deps, prepared("alpine:3"), who(1), OPTS));
        assert.equal(ecs2.revisions[0].td.status, "ACTIVE");
    });

    it("100 concurrent creates of one definition register ceil(100 / 49) = 3 revisions: ECS's 50 tags a revision", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const all = Promise.all(Array.from({ length: 100 }, (_, i) => acquireTaskDefinition(ecs.deps, prepared(), who(i), OPTS)));
        const results = await clock.run(all);
        assert.equal(ecs.calls.register, 3);
        assert.deepEqual(
            ecs.revisions.map((r) => Object.keys(r.tags).length),
            [50, 50, 3],
        );
        assert.equal(new Set(results.map((r) => `${r.arn} ${r.use}`)).size, 100);
    });

    it("a revision with no room for another use tag (ECS's 50) is not reused: an equal one is registered", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        for (let i = 0; i < 49; i++) await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(i), OPTS));
        assert.equal(Object.keys(ecs.revisions[0].tags).length, 50);
        const more = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(99), OPTS));
        assert.deepEqual([more.arn.endsWith("web:2"), more.source], [true, "registered"]);
    });

    it("release with deregister false keeps the revision; a revision not managed is never deregistered", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const a = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
        assert.equal(await clock.run(releaseUse(ecs.deps, a.arn, a.use, { ...OPTS, deregister: false })), "kept");
        assert.equal(ecs.revisions[0].td.status, "ACTIVE");
        ecs.revisions[0].tags = {};
        assert.equal(await clock.run(releaseUse(ecs.deps, a.arn, a.use, { ...OPTS, deregister: true })), "still-used");
        assert.equal(ecs.calls.deregister, 0);
    });

    it("a revision deregistered between the reuse decision and the use tag is not run: another is registered", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const a = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
        const tag = ecs.deps.tagResource;
        ecs.deps.tagResource = async (arn, tags) => {
            await tag(arn, tags);
            ecs.revisions[0].td.status = "INACTIVE"; // a concurrent delete of its last other user
        };
        const b = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(2), OPTS));
        assert.notEqual(b.arn, a.arn);
        assert.equal(b.source, "registered");
    });

    it("retries the concurrent-revision ClientException and throttling with backoff", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const logs: string[] = [];
        ecs.deps.log = (l) => logs.push(l);
        ecs.failRegister.push(concurrentRevision(), new ThrottlingException({ message: "Rate exceeded", ...meta }), concurrentRevision());
        const r = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
        assert.equal(ecs.calls.register, 4);
        assert.equal(r.source, "registered");
        const retries = logs.filter((l) => /Attempt \d in \d+ ms/.test(l));
        assert.equal(retries.length, 3);
        assert.match(retries[0], /RegisterTaskDefinition of family web failed: ClientException: Too many concurrent attempts/);
    });

    it("gives up at the deadline; a joiner of the failed registration tries on its own", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        for (let i = 0; i < 1000; i++) ecs.failRegister.push(concurrentRevision());
        const a = acquireTaskDefinition(ecs.deps, prepared(), who(1), { deadlineMs: 10_000 });
        const b = acquireTaskDefinition(ecs.deps, prepared(), who(2), { deadlineMs: 10_000 });
        const [ra, rb] = await clock.run(Promise.allSettled([a, b]));
        assert.ok(ra.status === "rejected" && isRetryExhaustedError(ra.reason));
        assert.match(
            String((ra as PromiseRejectedResult).reason),
            /RegisterTaskDefinition of family web: gave up after \d+ attempts over 1\d\.\d s/,
        );
        assert.equal(rb.status, "rejected");
        ecs.failRegister.length = 0;
        const again = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), { deadlineMs: 10_000 }));
        assert.equal(again.source, "registered");
    });

    it("fails at once on access denied", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        ecs.failRegister.push(
            new AccessDeniedException({
                message: "not authorized to perform: ecs:RegisterTaskDefinition",
                $metadata: { httpStatusCode: 403 },
            }),
        );
        await assert.rejects(clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS)), AccessDeniedException);
        assert.equal(ecs.calls.register, 1);
    });

    it("requires a family; the in-flight table lives on globalThis as a plain object and empties", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        await assert.rejects(acquireTaskDefinition(ecs.deps, { containerDefinitions: [] }, who(1), { deadlineMs: 1 }), /no `family`/);
        await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
        await flush();
        const mem = (globalThis as unknown as Record<string, { inFlight: object }>)["__ecsTaskRun.registrations"];
        assert.equal(Object.getPrototypeOf(mem.inFlight), Object.prototype);
        assert.equal(Object.keys(mem.inFlight).length, 0);
    });

    it("canonicalJson ignores key order and undefined members", () => {
        assert.equal(
            canonicalJson({ b: 1, a: { d: [1, { y: 2, x: undefined }], c: "z" } }),
            canonicalJson({ a: { c: "z", d: [1, { y: 2 }] }, b: 1 }),
        );
        assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
    });

    describe("leases: a live create renews its use, a sweep removes uses whose lease ran out", () => {
        const LEASE = 900_000;

        it("holdUse renews the lease every third of it until stopped; stop waits for a renewal in flight", async () => {
            const clock = new FakeClock(0);
            const ecs = fakeEcs(clock);
            const a = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
            const t0 = clock.now();
            const hold = holdUse(ecs.deps, a.arn, a.use, OPTS);
            await clock.advance(LEASE / 3);
            assert.equal(ecs.revisions[0].tags[a.use], pendingUse(t0 + LEASE / 3 + LEASE));
            await clock.advance(LEASE / 3);
            assert.equal(ecs.revisions[0].tags[a.use], pendingUse(t0 + (2 * LEASE) / 3 + LEASE));
            await hold.stop();
            const tagsAtStop = ecs.calls.tag;
            await clock.advance(LEASE * 2);
            assert.equal(ecs.calls.tag, tagsAtStop, "no renewal after stop");
            assert.equal(clock.pending(), 0, "no timer left behind");
            await clock.run(recordUse(ecs.deps, a.arn, a.use, OPTS));
            assert.equal(ecs.revisions[0].tags[a.use], "recorded");
        });

        it("a renewal that fails is logged and the next turn renews", async () => {
            const clock = new FakeClock(0);
            const ecs = fakeEcs(clock);
            const lines: string[] = [];
            const a = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
            const tag = ecs.deps.tagResource;
            let failures = 1;
            const deps: RegistrationDeps = {
                ...ecs.deps,
                log: (l) => lines.push(l),
                tagResource: async (arn, tags) => {
                    if (failures-- > 0) throw new AccessDeniedException({ message: "not allowed to ecs:TagResource", ...meta });
                    return tag(arn, tags);
                },
            };
            const t0 = clock.now();
            const hold = holdUse(deps, a.arn, a.use, OPTS);
            await clock.advance(LEASE / 3);
            assert.match(lines.join("\n"), /Could not renew the lease of .* AccessDenied/s);
            await clock.advance(LEASE / 3);
            assert.equal(ecs.revisions[0].tags[a.use], pendingUse(t0 + (2 * LEASE) / 3 + LEASE));
            await hold.stop();
        });

        it("a killed create's use (no renewal) is swept once its lease ran out, by any resource, and its revision deregistered", async () => {
            const clock = new FakeClock(0);
            const ecs = fakeEcs(clock);
            const killed = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS)); // never renewed, never recorded
            const live = await clock.run(acquireTaskDefinition(ecs.deps, { ...prepared("alpine:9"), family: "web-2" }, who(3), OPTS));
            const sweepOpts = { ...OPTS, deregister: true };

            // Within the lease: the use may be a live create's; nothing is touched.
            const early = await clock.run(sweepExpiredUses(ecs.deps, ["web"], sweepOpts));
            assert.deepEqual(early, { revisions: 2, removed: 0, deregistered: [] });
            assert.equal(ecs.revisions[0].td.status, "ACTIVE");

            await clock.advance(LEASE + 1);
            resetRegistrationMemory(); // a new process (the next `pulumi up`)
            const swept = await clock.run(sweepExpiredUses(ecs.deps, ["web"], sweepOpts));
            assert.deepEqual(swept, { revisions: 2, removed: 2, deregistered: [killed.arn, live.arn] });
            assert.deepEqual(
                ecs.revisions.map((r) => r.td.status),
                ["INACTIVE", "INACTIVE"],
            );
            assert.equal(ecs.calls.untag, 0, "deregistered as they are: no untag that a crash could leave half done");
        });

        it("a sweep keeps recorded uses, unexpired ones, revisions not managed and revisions kept without uses", async () => {
            const clock = new FakeClock(0);
            const ecs = fakeEcs(clock);
            const recorded = await clock.run(acquireTaskDefinition(ecs.deps, prepared("a:1"), who(1), OPTS));
            await clock.run(recordUse(ecs.deps, recorded.arn, recorded.use, OPTS));
            const shared = await clock.run(acquireTaskDefinition(ecs.deps, prepared("a:2"), who(2), OPTS)); // will expire
            await clock.advance(LEASE + 1);
            const fresh = await clock.run(acquireTaskDefinition(ecs.deps, prepared("a:2"), who(3), OPTS)); // reuses: a live lease
            assert.equal(fresh.arn, shared.arn);
            await clock.run(
                ecs.deps.registerTaskDefinition(prepared("a:3"), { owner: "someone else", [useTagKey(who(4), 0)]: pendingUse(1) }),
            );
            const kept = await clock.run(acquireTaskDefinition(ecs.deps, prepared("a:4"), who(5), OPTS));
            assert.equal(await clock.run(releaseUse(ecs.deps, kept.arn, kept.use, { ...OPTS, deregister: false })), "kept");
            assert.deepEqual(ecs.revisions[3].tags, { [MANAGED_TAG]: "true", [KEEP_TAG]: "true" }, "kept on purpose: marked");
            // A release killed between its untag and its deregister: managed, no use, not kept.
            await clock.run(ecs.deps.registerTaskDefinition(prepared("a:5"), { [MANAGED_TAG]: "true" }));

            const swept = await clock.run(sweepExpiredUses(ecs.deps, ["w"], { ...OPTS, deregister: true }));
            assert.deepEqual(swept, { revisions: 4, removed: 1, deregistered: [ecs.revisions[4].td.taskDefinitionArn] });
            assert.deepEqual(
                ecs.revisions.map((r) => r.td.status),
                ["ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "INACTIVE"],
            );
            assert.deepEqual(Object.keys(ecs.revisions[1].tags), [MANAGED_TAG, fresh.use]);
        });

        it("with deregister false the expired uses go and the revision stays", async () => {
            const clock = new FakeClock(0);
            const ecs = fakeEcs(clock);
            await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
            await clock.advance(LEASE + 1);
            const swept = await clock.run(sweepExpiredUses(ecs.deps, ["web"], { ...OPTS, deregister: false }));
            assert.deepEqual(swept, { revisions: 1, removed: 1, deregistered: [] });
            assert.equal(ecs.revisions[0].td.status, "ACTIVE");
        });

        it("a prefix is swept once a lease period per process: concurrent callers share the sweep, a later one after the period sweeps again", async () => {
            const clock = new FakeClock(0);
            const ecs = fakeEcs(clock);
            await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
            const sweepOpts = { ...OPTS, deregister: true };
            const [x, y] = await clock.run(
                Promise.all([sweepExpiredUses(ecs.deps, ["web"], sweepOpts), sweepExpiredUses(ecs.deps, ["web", "web"], sweepOpts)]),
            );
            assert.deepEqual(x, y);
            assert.equal(ecs.calls.list, 2, "one ListTaskDefinitionFamilies and one ListTaskDefinitions");
            await clock.run(sweepExpiredUses(ecs.deps, ["web"], sweepOpts));
            assert.equal(ecs.calls.list, 2, "within the lease period: no new sweep");
            await clock.advance(LEASE);
            const later = await clock.run(sweepExpiredUses(ecs.deps, ["web"], sweepOpts));
            assert.equal(ecs.calls.list, 4);
            assert.deepEqual(later.deregistered.length, 1);
        });

        it("a revision that cannot be described is skipped and logged; the others are swept", async () => {
            const clock = new FakeClock(0);
            const ecs = fakeEcs(clock);
            const lines: string[] = [];
            const a = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
            const b = await clock.run(acquireTaskDefinition(ecs.deps, { ...prepared(), family: "web-b" }, who(2), OPTS));
            await clock.advance(LEASE + 1);
            const describe = ecs.deps.describeTaskDefinition;
            const deps: RegistrationDeps = {
                ...ecs.deps,
                log: (l) => lines.push(l),
                describeTaskDefinition: async (id) => {
                    if (id === a.arn) throw new AccessDeniedException({ message: "not allowed", ...meta });
                    return describe(id);
                },
            };
            const swept = await clock.run(sweepExpiredUses(deps, ["web"], { ...OPTS, deregister: true }));
            assert.deepEqual(swept.deregistered, [b.arn]);
            assert.match(lines.join("\n"), new RegExp(`Could not sweep ${a.arn.replace(/[/:.]/g, "\\$&")}`));
        });
    });

    it("concurrent creates that looked at the family before this process's registration ended join it, not register again", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const slowDescribe = ecs.deps.describeTaskDefinition;
        let calls = 0;
        // The first look of each create answers at once (no revision yet); the 9 later looks
        // answer after the first create's registration (50 ms) has ended.
        ecs.deps.describeTaskDefinition = async (id) => {
            const late = calls++ > 0 && !id.startsWith("arn:");
            if (late) await clock.sleep(200);
            return slowDescribe(id);
        };
        const all = await clock.run(
            Promise.all(Array.from({ length: 10 }, (_, i) => acquireTaskDefinition(ecs.deps, prepared(), who(i), OPTS))),
        );
        assert.equal(ecs.calls.register, 1);
        assert.equal(new Set(all.map((a) => a.arn)).size, 1);
    });

    it("uses recorded while a TagResource of the revision is in flight go together in the next call (49 at most)", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const uses = await clock.run(
            Promise.all(Array.from({ length: 100 }, (_, i) => acquireTaskDefinition(ecs.deps, prepared(), who(i), OPTS))),
        );
        const tagCalls: number[] = [];
        const tag = ecs.deps.tagResource;
        const deps: RegistrationDeps = {
            ...ecs.deps,
            tagResource: async (arn, tags) => {
                tagCalls.push(Object.keys(tags).length);
                await clock.sleep(20);
                return tag(arn, tags);
            },
        };
        await clock.run(Promise.all(uses.map((u) => recordUse(deps, u.arn, u.use, OPTS))));
        for (const u of uses) assert.equal(ecs.revisions.find((r) => r.td.taskDefinitionArn === u.arn)!.tags[u.use], "recorded", u.use);
        // Per revision (49 + 49 + 2 uses): the first record alone, then the others together.
        assert.deepEqual(tagCalls, [1, 1, 1, 48, 48, 1]);
    });

    it("a failed record rejects the records of its call only", async () => {
        const clock = new FakeClock(0);
        const ecs = fakeEcs(clock);
        const a = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(1), OPTS));
        const b = await clock.run(acquireTaskDefinition(ecs.deps, prepared(), who(2), OPTS));
        let first = true;
        const deps: RegistrationDeps = {
            ...ecs.deps,
            tagResource: async (arn, tags) => {
                await clock.sleep(20);
                if (first) {
                    first = false;
                    throw new AccessDeniedException({ message: "not allowed to ecs:TagResource", ...meta });
                }
                return ecs.deps.tagResource(arn, tags);
            },
        };
        const results = await clock.run(Promise.allSettled([recordUse(deps, a.arn, a.use, OPTS), recordUse(deps, b.arn, b.use, OPTS)]));
        assert.deepEqual(
            results.map((r) => r.status),
            ["rejected", "fulfilled"],
        );
        assert.equal(ecs.revisions[0].tags[b.use], "recorded");
    });
});
