/**
 * Named engine sequences, one per defect of issue 9, through the real provider host against two
 * emulators (us-east-1, eu-west-1). After every step the invariants of invariants.ts are checked;
 * each scenario also asserts what the defect broke (a rerun, a wrong region, a missing diff).
 */
import { strict as assert } from "node:assert";
import { startEngine, stopEngine, type Engine, type Program, type StepReport } from "./engine";
import { checkInvariants, closeInvariantClients, describeViolations } from "./invariants";
import { captureProviderText, decl, EMPTY_VPC, quick, running, slow } from "./programs";

describe("engine sequences (issue 9 regressions)", function () {
    this.timeout(60000);
    let engine: Engine;

    before(async function () {
        this.timeout(60000);
        engine = await startEngine({ provider: await captureProviderText() });
    });

    beforeEach(async () => {
        closeInvariantClients(engine);
        await engine.reset();
    });

    after(async () => {
        if (engine) closeInvariantClients(engine);
        await stopEngine(engine);
    });

    /** Checks the invariants after a step; `report` errors are shown when they break. */
    async function holds(when: string, report?: StepReport): Promise<void> {
        const violations = await checkInvariants(engine, when);
        assert.deepEqual(violations, [], `${describeViolations(violations)}\nstep: ${JSON.stringify(report ?? {})}`);
    }

    function noErrors(report: StepReport): StepReport {
        assert.deepEqual(report.errors, {}, `step errors: ${JSON.stringify(report)}`);
        return report;
    }

    async function upHolds(program: Program, when: string, replace: string[] = []): Promise<StepReport> {
        const report = noErrors(await engine.up(program, replace));
        await holds(when, report);
        return report;
    }

    async function destroyHolds(program: Program): Promise<void> {
        const report = noErrors(await engine.destroy(program));
        assert.equal(engine.state.size, 0);
        await holds("destroy", report);
    }

    it("a replacement keeps the revision the new run uses ACTIVE, and destroy deregisters it", async () => {
        const v1: Program = { region: "us-east-1", resources: [decl("job", quick({ triggers: [1] }))] };
        const v2: Program = { region: "us-east-1", resources: [decl("job", quick({ triggers: [2] }))] };
        await upHolds(v1, "up v1");
        const report = await upHolds(v2, "up v2 (a changed trigger)");
        assert.equal(report.steps.job, "replace");
        await upHolds({ ...v1, resources: [decl("job", quick({ triggers: [3] }))] }, "up v3");
        await destroyHolds(v2);
    });

    it("two resources with one explicit family: removing one keeps the other's revision", async () => {
        const both: Program = {
            region: "us-east-1",
            resources: [decl("one", quick({ family: "shared-family" })), decl("two", quick({ family: "shared-family" }))],
        };
        await upHolds(both, "up one and two");
        await upHolds({ ...both, resources: [both.resources[1]] }, "up without one");
        await destroyHolds(both);
    });

    it("waitForCompletion false and up --replace: the new resource's task runs, the old one's stops, one RunTask", async () => {
        const program: Program = { region: "us-east-1", resources: [decl("svc", running())] };
        await upHolds(program, "up");
        const first = engine.state.get("svc")?.id;
        const runTasks = engine.count("RunTask");
        await upHolds(program, "up --replace svc", ["svc"]);
        assert.equal(engine.count("RunTask"), runTasks + 1, "exactly one RunTask for the replacement");
        assert.notEqual(engine.state.get("svc")?.id, first, "the new resource has its own task");
        await destroyHolds(program);
    });

    it("a replacement in an up that fails elsewhere: the old half stays in the state and the next up deletes it", async () => {
        const program = (trigger: string, vpcId?: string): Program => ({
            region: "us-east-1",
            resources: [decl("a", quick({ triggers: [trigger] })), decl("b", quick(vpcId ? { vpcId } : {}))],
        });
        await upHolds(program("1"), "up");
        const failed = await engine.up(program("2", EMPTY_VPC));
        assert.deepEqual(Object.keys(failed.errors), ["b"], JSON.stringify(failed));
        await holds("up that replaced a and failed on b", failed);
        assert.ok(engine.state.has("a (pending delete)"), `state: ${[...engine.state.keys()].join(", ")}`);
        await upHolds(program("2"), "up that fixes b");
        assert.deepEqual([...engine.state.keys()].sort(), ["a", "b"]);
        await destroyHolds(program("2"));
    });

    it("a create that fails after registration (a vpcId without subnets) leaves no revision behind", async () => {
        const bad: Program = { region: "us-east-1", resources: [decl("net", quick({ vpcId: EMPTY_VPC }))] };
        const report = await engine.up(bad);
        assert.match(report.errors.net ?? "", /subnet/i, JSON.stringify(report));
        await holds("failed up", report);
        const good: Program = { region: "us-east-1", resources: [decl("net", quick())] };
        await upHolds(good, "up after the fix of the program");
        await destroyHolds(good);
    });

    it("a task that exits non-zero fails the create and leaves nothing behind", async () => {
        const bad: Program = { region: "us-east-1", resources: [decl("fails", quick({ command: ["sh", "-c", "exit 3"] }))] };
        const report = await engine.up(bad);
        assert.match(report.errors.fails ?? "", /\b3\b/);
        await holds("failed up", report);
    });

    it("a host killed mid-create: the next up takes over (attaches), destroy leaves nothing", async () => {
        // 12 s: long enough that the task still runs when the next up (a new host) looks for it, even on a loaded machine.
        const program: Program = { region: "us-east-1", resources: [decl("killed", slow(12))] };
        assert.equal(await engine.killMidCreate(program, "killed"), true, "the host was killed after RunTask");
        await holds("host killed");
        const runTasks = engine.count("RunTask");
        const killedTask = engine.emulators["us-east-1"].tasks().find((t) => t.family === "engine-dev-killed");
        assert.equal(killedTask?.lastStatus, "RUNNING", "the killed create's task still runs");
        await upHolds(program, "up after the kill");
        assert.equal(
            engine.count("RunTask"),
            runTasks,
            `the next up attaches to the task the killed create started (${killedTask?.taskArn}); state: ${engine.state.get("killed")?.id}`,
        );
        await destroyHolds(program);
    });

    it("a host killed mid-create of a task that keeps running: the next up owns it", async () => {
        const program: Program = { region: "us-east-1", resources: [decl("bg", running())] };
        assert.equal(await engine.killMidCreate(program, "bg"), true);
        await upHolds(program, "up after the kill");
        await destroyHolds(program);
    });

    // Found by the model-based test (200 runs on 5f47818): a killed create's pending use was taken
    // over only by the same resource name and stack; after a rename its revision stayed ACTIVE.
    for (const [what, after] of [
        ["a stack rename", (p: Program): Program => ({ ...p, stack: "prod" })],
        ["a rename with aliases", (p: Program): Program => ({ ...p, resources: [decl("a2", slow(2), { aliases: ["a"] })] })],
        ["the resource's removal (another one is created)", (p: Program): Program => ({ ...p, resources: [decl("b", quick())] })],
    ] as const) {
        it(`a host killed mid-create, then ${what}: the next up removes what the killed create left`, async () => {
            const program: Program = { region: "us-east-1", resources: [decl("a", slow(2))] };
            assert.equal(await engine.killMidCreate(program, "a"), true, "the host was killed after RunTask");
            await holds("host killed");
            const next = after(program);
            await upHolds(next, `up after the kill and ${what}`);
            assert.deepEqual(engine.pending, [], "the killed create's revision no longer needs the allowance");
            await destroyHolds(next);
        });
    }

    it("a host killed mid-create, then a region change: what it left goes with the first up that acts in its region again", async () => {
        const program: Program = { region: "us-east-1", resources: [decl("a", slow(2))] };
        assert.equal(await engine.killMidCreate(program, "a"), true, "the host was killed after RunTask");
        const moved: Program = { ...program, region: "eu-west-1" };
        await upHolds(moved, "up in another region");
        assert.equal(engine.pending.length, 1, "a sweep acts in its own region only: the killed create's revision is still there");
        await upHolds({ ...program, resources: [decl("c", quick())] }, "up back in the killed create's region");
        assert.deepEqual(engine.pending, []);
        await destroyHolds(program);
    });

    it("region: the state records it; destroy with another region stops the task where it runs", async () => {
        const program: Program = { region: "us-east-1", resources: [decl("r", running())] };
        await upHolds(program, "up in us-east-1");
        await destroyHolds({ ...program, region: "eu-west-1" });
    });

    it("region: refresh and destroy with no region configured act in the run's region", async () => {
        const program: Program = { region: "eu-west-1", resources: [decl("r", running())] };
        await upHolds(program, "up in eu-west-1");
        const refreshed = noErrors(await engine.refresh({ ...program, region: undefined }));
        await holds("refresh with no region", refreshed);
        await destroyHolds({ ...program, region: undefined });
    });

    it("region: a changed stack region replaces the resource (and runs it in the new region)", async () => {
        const program: Program = { region: "us-east-1", resources: [decl("r", quick())] };
        await upHolds(program, "up in us-east-1");
        const moved = { ...program, region: "eu-west-1" };
        const preview = await engine.preview(moved);
        assert.match(preview.steps.r ?? "", /^replace/, JSON.stringify(preview));
        const report = await upHolds(moved, "up in eu-west-1");
        assert.equal(report.steps.r, "replace");
        assert.match(engine.state.get("r")?.id ?? "", /:eu-west-1:/);
        await destroyHolds(moved);
    });

    it("secrets: a secret taskCustomizations JSON string never shows in plan or any plain output", async () => {
        const secret = "tok-s3cr3t-customization-4711";
        const customizations = JSON.stringify([{ op: "add", path: "/tags/-", value: { key: "token", value: secret } }]);
        const program: Program = {
            region: "us-east-1",
            resources: [decl("sec", quick({ taskCustomizations: customizations }), { secretKeys: ["taskCustomizations"] })],
        };
        const mutations = engine.mutations();
        const preview = await engine.preview(program);
        assert.deepEqual(preview.errors, {});
        assert.equal(engine.mutations(), mutations, "preview sends no mutating call");
        await upHolds(program, "up");
        await destroyHolds(program);
    });

    it("secrets: a nested secret and a value made secret later are redacted", async () => {
        const password = "pw-s3cr3t-later-0815";
        const plain: Program = { region: "us-east-1", resources: [decl("env", quick({ env: { PASSWORD: password } }))] };
        await upHolds(plain, "up, env plain");
        const secret: Program = { ...plain, resources: [decl("env", quick({ env: { PASSWORD: password } }), { secretKeys: ["env"] })] };
        await upHolds(secret, "up, env made secret");
        await destroyHolds(secret);
    });

    it("spelling out a default, reordering, and a region equal to the configured one run nothing", async () => {
        const program: Program = { region: "us-east-1", resources: [decl("d", quick({ env: { A: "1", B: "2" } }))] };
        await upHolds(program, "up");
        const runTasks = engine.count("RunTask");
        const spelled: Program = {
            ...program,
            resources: [
                decl("d", {
                    env: { B: "2", A: "1" },
                    ...quick(),
                    cpu: 1024,
                    memory: 2048,
                    family: "engine-dev-d",
                    containerName: "main",
                    region: "us-east-1",
                }),
            ],
        };
        const report = await upHolds(spelled, "up with the defaults spelled out");
        assert.notEqual(report.steps.d, "replace", JSON.stringify(report));
        assert.equal(engine.count("RunTask"), runTasks, "nothing reruns");
        await destroyHolds(spelled);
    });

    it("a rename with aliases and a stack rename run nothing", async () => {
        const program: Program = { region: "us-east-1", resources: [decl("old-name", quick())] };
        await upHolds(program, "up");
        const runTasks = engine.count("RunTask");
        const renamed: Program = { ...program, resources: [decl("new-name", quick(), { aliases: ["old-name"] })] };
        const report = await upHolds(renamed, "up renamed with aliases");
        assert.notEqual(report.steps["new-name"], "replace", JSON.stringify(report));
        assert.deepEqual([...engine.state.keys()], ["new-name"]);
        const restacked: Program = { ...renamed, stack: "prod" };
        const again = await upHolds(restacked, "up after a stack rename");
        assert.notEqual(again.steps["new-name"], "replace", JSON.stringify(again));
        assert.equal(engine.count("RunTask"), runTasks, "nothing reruns");
        await destroyHolds(restacked);
    });

    it("preview sends no mutating call, whatever the program", async () => {
        const program: Program = { region: "us-east-1", resources: [decl("p", quick()), decl("q", running())] };
        await upHolds(program, "up");
        const mutations = engine.mutations();
        const changed: Program = { region: "eu-west-1", resources: [decl("p", quick({ triggers: ["x"] })), decl("n", quick())] };
        const preview = await engine.preview(changed);
        assert.deepEqual(preview.errors, {});
        assert.equal(engine.mutations(), mutations);
        await destroyHolds(program);
    });
});
