/**
 * Model-based test of the engine's operations (fast-check `commands` / `asyncModelRun`): random
 * sequences of program edits and operations — up, up --replace, preview, refresh, destroy, a host
 * killed mid-create, a region change, a rename with aliases, a stack rename, injected failures —
 * run through the engine simulator against two emulators, with the invariants of invariants.ts
 * checked after every command.
 *
 * A sequence that breaks an invariant stops there (its later commands are skipped) and is kept;
 * every sequence runs, and the test fails at the end with the violations by invariant and the
 * shortest sequence that showed each. Fixed seed and bounded runs in `npm test`; more on demand:
 *
 *     ENGINE_MODEL_RUNS=2000 ENGINE_MODEL_STEPS=12 ENGINE_MODEL_SEED=7 npm run engine:model
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as fc from "fast-check";
import { startEngine, stopEngine, type Engine, type Program, type ResourceDecl, type StepReport } from "./engine";
import { checkInvariants, closeInvariantClients, type Violation } from "./invariants";
import { captureProviderText, decl, EMPTY_VPC, quick, running, slow } from "./programs";
import { REPO_ROOT, type Props } from "../support/providerHost";

/** The section of docs/RELIABILITY.md this test writes (with `ENGINE_MODEL_REPORT=1`), between these markers. */
const REPORT_PATH = path.join(REPO_ROOT, "docs", "RELIABILITY.md");
const BEGIN = "<!-- engine-model: begin (written by test/engine/model.test.ts with ENGINE_MODEL_REPORT=1) -->";
const END = "<!-- engine-model: end -->";

/** Replaces (or appends) the figures block inside the engine-model section of docs/RELIABILITY.md. */
function writeReport(summary: Record<string, unknown>, wallSeconds: number): void {
    let commit = "unknown";
    try {
        commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    } catch {
        // not a git checkout: the commit stays unknown
    }
    const block = [
        BEGIN,
        "",
        `- Command: \`ENGINE_MODEL_REPORT=1 ENGINE_MODEL_RUNS=${String(summary.runs)} ENGINE_MODEL_STEPS=${String(summary.maxSteps)} ENGINE_MODEL_SEED=${String(summary.seed)} npm run engine:model\``,
        `- Date: ${new Date().toISOString()}; code: commit ${commit}; machine: ${os.cpus().length} cores, Node ${process.version}; wall time ${wallSeconds.toFixed(1)} s`,
        `- Sequences: ${String(summary.sequences)}; operation steps: ${String(summary.operationSteps)}; program edits: ${String(summary.editSteps)}; steps that failed as the program asked (injected faults, failing runs): ${String(summary.stepsWithErrors)}`,
        `- Operations: ${JSON.stringify(summary.operations)}`,
        `- Sequences that broke an invariant: ${String(summary.sequencesBroken)}; violations by invariant: ${JSON.stringify(summary.violationsByInvariant)}`,
        "",
        END,
    ].join("\n");
    const page = fs.readFileSync(REPORT_PATH, "utf8");
    const begin = page.indexOf(BEGIN);
    const end = page.indexOf(END);
    const next =
        begin >= 0 && end > begin ? page.slice(0, begin) + block + page.slice(end + END.length) : `${page.trimEnd()}\n\n${block}\n`;
    fs.writeFileSync(REPORT_PATH, next);
}

const RUNS = Number(process.env.ENGINE_MODEL_RUNS || 8);
const STEPS = Number(process.env.ENGINE_MODEL_STEPS || 8);
const SEED = Number(process.env.ENGINE_MODEL_SEED || 20261130);
const SLOTS = ["a", "b", "c"] as const;
const REGIONS = ["us-east-1", "eu-west-1"] as const;

/** The variants of a resource a program edit picks from. */
const VARIANTS: Record<string, (slot: string) => { spec: Props; secretKeys?: string[] }> = {
    quick: () => ({ spec: quick() }),
    trigger1: () => ({ spec: quick({ triggers: [1] }) }),
    trigger2: () => ({ spec: quick({ triggers: [2] }) }),
    running: () => ({ spec: running() }),
    sharedFamily: () => ({ spec: quick({ family: "engine-shared" }) }),
    sharedFamilyRunning: () => ({ spec: running({ family: "engine-shared" }) }),
    defaultsSpelled: () => ({ spec: quick({ cpu: 1024, memory: 2048, containerName: "main" }) }),
    envPlain: (slot) => ({ spec: quick({ env: { TOKEN: `tok-${slot}-s3cr3t-env-0001` } }) }),
    envSecret: (slot) => ({ spec: quick({ env: { TOKEN: `tok-${slot}-s3cr3t-env-0001` } }), secretKeys: ["env"] }),
    customizationsJsonSecret: (slot) => ({
        spec: quick({
            taskCustomizations: JSON.stringify([{ op: "add", path: "/tags/-", value: { key: "t", value: `tok-${slot}-s3cr3t-json-002` } }]),
        }),
        secretKeys: ["taskCustomizations"],
    }),
    customizationsNestedSecret: (slot) => ({
        spec: quick({ taskCustomizations: [{ op: "add", path: "/tags/-", value: { key: "t", value: `tok-${slot}-s3cr3t-nest-003` } }] }),
        secretKeys: ["taskCustomizations"],
    }),
    failsNonZero: () => ({ spec: quick({ command: ["sh", "-c", "exit 3"] }) }),
    failsNoSubnets: () => ({ spec: quick({ vpcId: EMPTY_VPC }) }),
};

/** One slot of the program: its name now, its aliases, its variant (or absent). */
interface Slot {
    name: string;
    aliases: string[];
    variant: string | undefined;
    renames: number;
}

/** The model: the program the next operation runs, and whether the sequence broke an invariant. */
interface Model {
    region: string;
    stack: string;
    slots: Record<string, Slot>;
    broken: boolean;
    /** Whether this sequence was counted as broken. */
    counted: boolean;
    log: string[];
}

interface Real {
    engine: Engine;
}

/** Figures of the whole test. */
const figures = {
    sequences: 0,
    steps: 0,
    edits: 0,
    operations: {} as Record<string, number>,
    /** Milliseconds spent per operation kind, invariant checks included (a figure, never asserted). */
    millis: {} as Record<string, number>,
    stepErrors: 0,
    violations: {} as Record<string, number>,
    brokenSequences: 0,
    firstBySequence: [] as { invariant: string; log: string[]; message: string }[],
};

function programOf(model: Model, region: string | undefined = model.region): Program {
    const resources: ResourceDecl[] = [];
    for (const slot of Object.values(model.slots)) {
        if (!slot.variant) continue;
        const { spec, secretKeys } = VARIANTS[slot.variant](slot.name);
        resources.push(decl(slot.name, spec, { secretKeys, aliases: slot.aliases }));
    }
    return { resources, region, stack: model.stack };
}

/** Runs an operation, counts it, checks the invariants and marks the model broken on a violation. */
async function operate(
    model: Model,
    real: Real,
    label: string,
    op: () => Promise<StepReport | undefined>,
    extra: Violation[] = [],
): Promise<void> {
    figures.steps += 1;
    const kind = label.split(" ")[0];
    figures.operations[kind] = (figures.operations[kind] ?? 0) + 1;
    const started = Date.now();
    const report = await op();
    if (report && Object.keys(report.errors).length > 0) figures.stepErrors += 1;
    model.log.push(
        report
            ? `${label} → ${JSON.stringify(report.steps)}${Object.keys(report.errors).length ? ` errors ${Object.keys(report.errors).join(",")}` : ""}`
            : label,
    );
    const violations = [...extra, ...(await checkInvariants(real.engine, label))];
    figures.millis[kind] = (figures.millis[kind] ?? 0) + Date.now() - started;
    if (violations.length > 0) {
        // ENGINE_MODEL_CONTINUE=1 runs every sequence to its end (to count every violation).
        if (!process.env.ENGINE_MODEL_CONTINUE) model.broken = true;
        if (!model.counted) figures.brokenSequences += 1;
        model.counted = true;
        for (const v of violations) figures.violations[v.invariant] = (figures.violations[v.invariant] ?? 0) + 1;
        figures.firstBySequence.push({
            invariant: violations[0].invariant,
            log: [...model.log],
            message: violations.map((v) => `(${v.invariant}) ${v.message}`).join("\n"),
        });
    }
}

/** How many creates an up may run: RunTask may be sent at most once per create. */
function runTaskBound(report: StepReport): number {
    return Object.values(report.steps).filter((s) => s.startsWith("create") || s.startsWith("replace")).length;
}

abstract class Base implements fc.AsyncCommand<Model, Real> {
    check(model: Readonly<Model>): boolean {
        return !model.broken;
    }
    abstract run(model: Model, real: Real): Promise<void>;
    abstract toString(): string;
}

class Edit extends Base {
    constructor(
        readonly slot: string,
        readonly variant: string | undefined,
    ) {
        super();
    }
    async run(model: Model): Promise<void> {
        figures.edits += 1;
        model.slots[this.slot].variant = this.variant;
        model.log.push(this.toString());
    }
    toString(): string {
        return `edit ${this.slot} = ${this.variant ?? "(removed)"}`;
    }
}

class Rename extends Base {
    constructor(readonly slot: string) {
        super();
    }
    async run(model: Model): Promise<void> {
        figures.edits += 1;
        const slot = model.slots[this.slot];
        slot.renames += 1;
        slot.aliases = [...slot.aliases, slot.name];
        slot.name = `${this.slot}${"x".repeat(slot.renames)}`;
        model.log.push(`${this.toString()} → ${slot.name}`);
    }
    toString(): string {
        return `rename ${this.slot} (with aliases)`;
    }
}

class StackRename extends Base {
    async run(model: Model): Promise<void> {
        figures.edits += 1;
        model.stack = model.stack === "dev" ? "prod" : "dev";
        model.log.push(`${this.toString()} → ${model.stack}`);
    }
    toString(): string {
        return "stack rename";
    }
}

class SetRegion extends Base {
    constructor(readonly region: string) {
        super();
    }
    async run(model: Model): Promise<void> {
        figures.edits += 1;
        model.region = this.region;
        model.log.push(this.toString());
    }
    toString(): string {
        return `region ${this.region}`;
    }
}

class Up extends Base {
    constructor(readonly replace: string | undefined) {
        super();
    }
    async run(model: Model, real: Real): Promise<void> {
        const engine = real.engine;
        const before = engine.count("RunTask");
        const extra: Violation[] = [];
        const replace = this.replace ? [model.slots[this.replace].name] : [];
        await operate(
            model,
            real,
            this.toString(),
            async () => {
                const report = await engine.up(programOf(model), replace);
                const sent = engine.count("RunTask") - before;
                if (sent > runTaskBound(report))
                    extra.push({ invariant: "c", message: `${this.toString()}: ${sent} RunTask for ${runTaskBound(report)} creates` });
                return report;
            },
            extra,
        );
    }
    toString(): string {
        return this.replace ? `up --replace ${this.replace}` : "up";
    }
}

class Preview extends Base {
    async run(model: Model, real: Real): Promise<void> {
        const before = real.engine.mutations();
        const extra: Violation[] = [];
        await operate(
            model,
            real,
            "preview",
            async () => {
                const report = await real.engine.preview(programOf(model));
                if (real.engine.mutations() !== before)
                    extra.push({ invariant: "p", message: `preview sent ${real.engine.mutations() - before} mutating calls` });
                return report;
            },
            extra,
        );
    }
    toString(): string {
        return "preview";
    }
}

class Refresh extends Base {
    constructor(readonly noRegion: boolean) {
        super();
    }
    async run(model: Model, real: Real): Promise<void> {
        await operate(model, real, this.toString(), () => real.engine.refresh(programOf(model, this.noRegion ? undefined : model.region)));
    }
    toString(): string {
        return this.noRegion ? "refresh (no region configured)" : "refresh";
    }
}

class Destroy extends Base {
    constructor(readonly noRegion: boolean) {
        super();
    }
    async run(model: Model, real: Real): Promise<void> {
        await operate(model, real, this.toString(), () => real.engine.destroy(programOf(model, this.noRegion ? undefined : model.region)));
    }
    toString(): string {
        return this.noRegion ? "destroy (no region configured)" : "destroy";
    }
}

class KillMidCreate extends Base {
    constructor(readonly slot: string) {
        super();
    }
    async run(model: Model, real: Real): Promise<void> {
        // The killed create must still run when the kill lands: a task of a few seconds.
        VARIANTS.slow ??= () => ({ spec: slow(2) });
        model.slots[this.slot].variant = "slow";
        await operate(model, real, this.toString(), async () => {
            await real.engine.killMidCreate(programOf(model), model.slots[this.slot].name);
            return undefined;
        });
    }
    toString(): string {
        return `kill the host mid-create of ${this.slot}`;
    }
}

class Fault extends Base {
    constructor(readonly kind: "runTaskDenied" | "capacity" | "registerFails") {
        super();
    }
    async run(model: Model, real: Real): Promise<void> {
        const emulator = real.engine.emulator(model.region);
        if (!emulator) throw new Error(`no emulator for ${model.region}`);
        if (this.kind === "runTaskDenied")
            emulator.faults.set({ failNext: { operation: "RunTask", code: "AccessDeniedException", message: "injected: not allowed" } });
        if (this.kind === "capacity") emulator.faults.set({ runTaskFailures: { reason: "RESOURCE:MEMORY", count: 1 } });
        if (this.kind === "registerFails")
            emulator.faults.set({
                failNext: { operation: "RegisterTaskDefinition", code: "ClientException", message: "injected: refused" },
            });
        try {
            await operate(model, real, this.toString(), () => real.engine.up(programOf(model)));
        } finally {
            emulator.faults.reset();
        }
    }
    toString(): string {
        return `up with fault ${this.kind}`;
    }
}

const slotArb = fc.constantFrom(...SLOTS);
const commandArbs = [
    fc
        .tuple(slotArb, fc.option(fc.constantFrom(...Object.keys(VARIANTS)), { freq: 5 }))
        .map(([slot, variant]) => new Edit(slot, variant ?? undefined)),
    fc.tuple(slotArb, fc.constantFrom(...Object.keys(VARIANTS))).map(([slot, variant]) => new Edit(slot, variant)),
    fc.constant(new Up(undefined)),
    fc.constant(new Up(undefined)),
    slotArb.map((slot) => new Up(slot)),
    fc.constant(new Preview()),
    fc.boolean().map((noRegion) => new Refresh(noRegion)),
    fc.boolean().map((noRegion) => new Destroy(noRegion)),
    slotArb.map((slot) => new KillMidCreate(slot)),
    fc.constantFrom(...REGIONS).map((region) => new SetRegion(region)),
    slotArb.map((slot) => new Rename(slot)),
    fc.constant(new StackRename()),
    fc.constantFrom("runTaskDenied" as const, "capacity" as const, "registerFails" as const).map((kind) => new Fault(kind)),
];

describe("engine model: random sequences of edits and operations keep the invariants", function () {
    this.timeout(0);
    let engine: Engine | undefined;

    after(async () => {
        if (engine) closeInvariantClients(engine);
        await stopEngine(engine);
    });

    it(`${RUNS} sequences of up to ${STEPS} commands (seed ${SEED})`, async () => {
        const started = Date.now();
        engine = await startEngine({ provider: await captureProviderText() });
        const real: Real = { engine };
        await fc.assert(
            fc.asyncProperty(fc.commands(commandArbs, { maxCommands: STEPS }), async (commands) => {
                figures.sequences += 1;
                closeInvariantClients(real.engine);
                await real.engine.reset();
                const model: Model = {
                    region: "us-east-1",
                    stack: "dev",
                    slots: Object.fromEntries(
                        SLOTS.map((s) => [s, { name: s, aliases: [], variant: s === "a" ? "quick" : undefined, renames: 0 }]),
                    ),
                    broken: false,
                    counted: false,
                    log: [],
                };
                await fc.asyncModelRun(() => ({ model, real }), commands);
            }),
            { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
        const byInvariant = new Map<string, (typeof figures.firstBySequence)[number]>();
        for (const found of figures.firstBySequence) {
            const known = byInvariant.get(found.invariant);
            if (!known || found.log.length < known.log.length) byInvariant.set(found.invariant, found);
        }
        const summary = {
            seed: SEED,
            runs: RUNS,
            maxSteps: STEPS,
            sequences: figures.sequences,
            operationSteps: figures.steps,
            editSteps: figures.edits,
            operations: figures.operations,
            millisByOperation: figures.millis,
            stepsWithErrors: figures.stepErrors,
            sequencesBroken: figures.brokenSequences,
            violationsByInvariant: figures.violations,
        };
        console.log(`engine model figures: ${JSON.stringify(summary)}`);
        if (process.env.ENGINE_MODEL_REPORT) writeReport(summary, (Date.now() - started) / 1000);
        const shortest = [...byInvariant.values()].map((f) => `(${f.invariant}) shortest sequence:\n  ${f.log.join("\n  ")}\n${f.message}`);
        assert.equal(
            figures.brokenSequences,
            0,
            `${figures.brokenSequences} of ${figures.sequences} sequences broke an invariant\n${shortest.join("\n\n")}`,
        );
    });
});
