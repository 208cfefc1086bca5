import { strict as assert } from "node:assert";
import {
    DEFAULT_LEASE_SECONDS,
    expiredUses,
    isManaged,
    isPendingUse,
    leaseEndOf,
    leaseSecondsOf,
    MANAGED_TAG,
    pendingUse,
    planUse,
    resourcePartOf,
    sweepPrefixes,
    useTagKey,
    usesOf,
    type UseIdentity,
} from "../../../provider/plan/ownership";

const ME: UseIdentity = { startedBy: "etr-00112233445566778899aabbccddeeff", inputsHash: "aaaaaaaaaaaabbbbbbbbbbbbbbbbbbbb" };
const KEY0 = "ecs-task-run:use:0011223344556677.aaaaaaaaaaaa.0";
const KEY1 = "ecs-task-run:use:0011223344556677.aaaaaaaaaaaa.1";
const MINE_OTHER_INPUTS = "ecs-task-run:use:0011223344556677.cccccccccccc.0";
const OTHER_RESOURCE = "ecs-task-run:use:ffffffffffffffff.aaaaaaaaaaaa.0";

describe("plan/ownership", () => {
    it("names a use by the resource's identity, its inputs and a generation", () => {
        assert.equal(resourcePartOf(ME), "0011223344556677");
        assert.equal(useTagKey(ME, 0), KEY0);
        assert.equal(useTagKey(ME, 1), KEY1);
        assert.ok(KEY0.length <= 128, "within ECS's tag key length");
    });

    it("a new use on a revision nobody of this resource uses: generation 0, added", () => {
        assert.deepEqual(planUse({ [MANAGED_TAG]: "true", [OTHER_RESOURCE]: "recorded" }, ME), {
            key: KEY0,
            adopted: false,
            stale: [],
            fits: true,
        });
    });

    it("the resource's own recorded use (the old half of --replace) moves the new one to the next generation", () => {
        assert.deepEqual(planUse({ [MANAGED_TAG]: "true", [KEY0]: "recorded" }, ME), { key: KEY1, adopted: false, stale: [], fits: true });
    });

    it("the resource's own pending use with the same inputs (a killed host) is taken over", () => {
        assert.deepEqual(planUse({ [MANAGED_TAG]: "true", [KEY0]: "pending" }, ME), { key: KEY0, adopted: true, stale: [], fits: true });
    });

    it("the resource's pending uses with other inputs are stale; recorded ones and other resources' are not", () => {
        const tags = {
            [MANAGED_TAG]: "true",
            [MINE_OTHER_INPUTS]: "pending",
            "ecs-task-run:use:0011223344556677.dddddddddddd.0": "recorded",
            [OTHER_RESOURCE]: "pending",
        };
        assert.deepEqual(planUse(tags, ME), { key: KEY0, adopted: false, stale: [MINE_OTHER_INPUTS], fits: true });
    });

    it("no room beyond ECS's 50 tags, counting stale uses as gone", () => {
        const full: Record<string, string> = { [MANAGED_TAG]: "true" };
        for (let i = 0; i < 49; i++) full[`ecs-task-run:use:${String(i).padStart(16, "0")}.aaaaaaaaaaaa.0`] = "recorded";
        assert.equal(planUse(full, ME).fits, false);
        const withStale: Record<string, string> = { ...full, [MINE_OTHER_INPUTS]: "pending" };
        delete withStale["ecs-task-run:use:0000000000000000.aaaaaaaaaaaa.0"];
        assert.equal(planUse(withStale, ME).fits, true);
    });

    it("reads managed and use tags", () => {
        assert.equal(isManaged({ [MANAGED_TAG]: "true" }), true);
        assert.equal(isManaged({}), false);
        assert.deepEqual(usesOf({ [MANAGED_TAG]: "true", [KEY0]: "recorded", team: "db" }), { [KEY0]: "recorded" });
    });

    describe("leases of pending uses", () => {
        const T = Date.parse("2026-11-30T12:00:00.000Z");

        it("a pending use's value carries when its lease ends, readable back", () => {
            assert.equal(pendingUse(T), "pending:2026-11-30T12:00:00.000Z");
            assert.equal(leaseEndOf(pendingUse(T)), T);
            assert.equal(leaseEndOf("pending"), null, "a bare pending (before leases) has no end");
            assert.equal(leaseEndOf("recorded"), null);
            assert.equal(leaseEndOf("pending:yesterday"), null, "an unreadable time is no lease end");
            assert.deepEqual(["pending", pendingUse(T), "recorded", "pendingx", undefined].map(isPendingUse), [
                true,
                true,
                false,
                false,
                false,
            ]);
        });

        it("expired: only pending uses whose lease ended before now; recorded, bare pending and unexpired ones stay", () => {
            const tags = {
                [MANAGED_TAG]: "true",
                [KEY0]: pendingUse(T - 1),
                [KEY1]: pendingUse(T),
                [MINE_OTHER_INPUTS]: "pending",
                [OTHER_RESOURCE]: "recorded",
                other: pendingUse(T - 1000),
            };
            assert.deepEqual(expiredUses(tags, T), [KEY0]);
            assert.deepEqual(expiredUses(tags, T + 1), [KEY0, KEY1]);
        });

        it("a leased pending use of the same resource and inputs is taken over, one of other inputs is stale", () => {
            const tags = { [MANAGED_TAG]: "true", [KEY0]: pendingUse(T), [MINE_OTHER_INPUTS]: pendingUse(T) };
            assert.deepEqual(planUse(tags, ME), { key: KEY0, adopted: true, stale: [MINE_OTHER_INPUTS], fits: true });
        });

        it("the lease length comes from ECS_TASK_RUN_LEASE_SECONDS when it is a whole number of seconds in 1..86400", () => {
            assert.equal(DEFAULT_LEASE_SECONDS, 900);
            assert.equal(leaseSecondsOf({}), 900);
            assert.equal(leaseSecondsOf({ ECS_TASK_RUN_LEASE_SECONDS: "2" }), 2);
            assert.equal(leaseSecondsOf({ ECS_TASK_RUN_LEASE_SECONDS: "86400" }), 86_400);
            for (const bad of ["0", "-5", "1.5", "abc", "", "86401"])
                assert.equal(leaseSecondsOf({ ECS_TASK_RUN_LEASE_SECONDS: bad }), 900, bad);
        });

        it("sweeps the project's default families, and the run's own family when it is not one of them", () => {
            assert.deepEqual(sweepPrefixes("shop", "shop-dev-migrate"), ["shop-"]);
            assert.deepEqual(sweepPrefixes("shop", "migrations"), ["shop-", "migrations"]);
            assert.deepEqual(sweepPrefixes("my shop!", undefined), ["my-shop-"]);
            assert.deepEqual(sweepPrefixes("!!", "jobs"), ["jobs"]);
            assert.deepEqual(sweepPrefixes("", undefined), []);
        });
    });
});
