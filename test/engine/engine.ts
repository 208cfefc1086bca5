/**
 * An engine simulator: drives the real dynamic-provider host of `@pulumi/pulumi` the way the Pulumi
 * engine does for `pulumi up`, `up --replace`, `preview`, `refresh` and `destroy`, keeping a stack
 * state (name → id, inputs, outputs) between operations, against two emulators (one per region)
 * behind one endpoint URL (see regionRouter.ts).
 *
 * What it models of the engine: Check with the old inputs; Diff with the old outputs; a
 * replacement is create-before-delete unless Diff answers deleteBeforeReplace; a change without
 * replaces is an Update; no change keeps the outputs and records the new inputs (a "same" step);
 * independent resources are created concurrently; replaced and removed resources are deleted at the
 * end, and not at all when a step failed (they stay in the state, to be deleted by the next `up`); aliases carry a resource's state to its new name; a host
 * killed mid-create leaves a pending create (its use's lease runs out before the next command);
 * it is over for the invariants once an `up` or `destroy` that began after the lease ended made a
 * Create or Delete call in its region (each sweeps the project's families there for uses whose
 * lease ran out).
 */
import { startEmulator, type Emulator } from "../../emulator";
import { startProviderHost, REPO_ROOT, type DiffAnswer, type Props, type ProviderHost } from "../support/providerHost";
import { startRegionRouter, type RegionRouter } from "./regionRouter";

/** The regions the simulator serves (one emulator each). */
export const REGIONS = ["us-east-1", "eu-west-1"] as const;
export type Region = (typeof REGIONS)[number];

/** A VPC each emulator has without any subnet: a create naming it fails after registration. */
export const EMPTY_VPC = "vpc-0e0e0e0e0e0e0e0e0";

/** One resource of a program. */
export interface ResourceDecl {
    /** The resource name (`__context.name`). */
    name: string;
    /** The EcsTaskRun arguments, plain values. */
    spec: Props;
    /** Arguments given as Pulumi secrets (`__secretKeys`). */
    secretKeys?: string[];
    /** Former names whose state this resource takes (`aliases`). */
    aliases?: string[];
}

/** A program and its stack configuration. */
export interface Program {
    resources: ResourceDecl[];
    /** The stack's `aws:region`; undefined configures none. */
    region?: string;
    /** The stack name (`__context.stack`; a `pulumi stack rename` changes it). Default `dev`. */
    stack?: string;
}

/** One resource in the stack state. */
export interface StateEntry {
    name: string;
    id: string;
    /** The checked inputs the engine recorded. */
    inputs: Props;
    /** The outputs (the provider's properties, `__provider` included). */
    outputs: Props;
    secretKeys: string[];
}

/** A create that a killed host left in the state's pending operations. */
export interface PendingCreate {
    name: string;
    inputs: Props;
    /** The family of the planned definition (for the invariants' allowance). */
    family: string;
    /** When (ms since the epoch) its use's lease ends at the latest: the kill plus the lease. */
    leaseEndsAt: number;
    /** The region its RunTask went to. */
    region: string;
}

/**
 * The lease of a pending use in the engine's hosts (`ECS_TASK_RUN_LEASE_SECONDS`; 900 s by
 * default), short so that a sequence can run past a killed create's lease: renewed every second.
 */
export const ENGINE_LEASE_SECONDS = 3;

/** What one step did. */
export interface StepReport {
    /** Resource name → what happened (`create`, `replace`, `update`, `same`, `delete`, `read`, ...). */
    steps: Record<string, string>;
    /** Errors of the step, by resource name (a failed Check, Create, Update, Read or Delete). */
    errors: Record<string, string>;
    /** Creates that returned (the resources named). */
    created: string[];
}

/** The AWS operations that change something: preview must send none. */
export const MUTATING_OPERATIONS = [
    "RegisterTaskDefinition",
    "DeregisterTaskDefinition",
    "RunTask",
    "StopTask",
    "TagResource",
    "UntagResource",
    "CreateCluster",
    "CreateLogGroup",
    "CreateLogStream",
    "PutLogEvents",
];

/** Options of {@link startEngine}. */
export interface EngineOptions {
    /** The serialized provider text (`__provider`), from captureProvider. */
    provider: string;
    /** The project name (`__context.project`). Default `engine`. */
    project?: string;
}

/** The simulator, its emulators and its host. */
export class Engine {
    /** The stack state, by resource name. */
    readonly state = new Map<string, StateEntry>();
    /** Creates a killed host left pending. */
    pending: PendingCreate[] = [];
    /** All the host's printed output, over every host this engine started. */
    printed = "";
    /** The last stack configuration (the region of the last operation). */
    lastRegion: string | undefined;
    private host: ProviderHost | undefined;

    constructor(
        public emulators: Record<Region, Emulator>,
        readonly router: RegionRouter,
        readonly options: EngineOptions,
    ) {}

    /** The emulator of a region (undefined for a region not served). */
    emulator(region: string | undefined): Emulator | undefined {
        return (this.emulators as Record<string, Emulator>)[region ?? ""];
    }

    /** The emulator holding an ARN (by the ARN's region). */
    emulatorOfArn(arn: string): Emulator | undefined {
        return this.emulator(arn.split(":")[3]);
    }

    /** The number of journaled requests of `operation` over every emulator. */
    count(operation: string): number {
        return Object.values(this.emulators).reduce((sum, e) => sum + e.requests({ operation }).length, 0);
    }

    /** Mutating requests over every emulator. */
    mutations(): number {
        return MUTATING_OPERATIONS.reduce((sum, op) => sum + this.count(op), 0);
    }

    /** The inputs the program gives a resource, as the SDK's `EcsTaskRun` constructor builds them. */
    inputsOf(program: Program, decl: ResourceDecl): Props {
        return {
            ...decl.spec,
            __context: { project: this.options.project ?? "engine", stack: program.stack ?? "dev", name: decl.name },
            __secretKeys: [...(decl.secretKeys ?? [])].sort(),
            __provider: this.options.provider,
        };
    }

    /** A host configured for `program` (the engine configures the provider before each operation). */
    private async hostFor(program: Program): Promise<ProviderHost> {
        // The provider host hands the stack's config to a provider once, when it first loads it
        // (and the CLI starts a host per command): a new configuration needs a new host.
        if (this.host && this.configured !== JSON.stringify(program.region ?? null)) await this.close();
        this.configured = JSON.stringify(program.region ?? null);
        if (!this.host) {
            this.host = await startProviderHost({
                cwd: REPO_ROOT,
                env: {
                    AWS_ENDPOINT_URL: this.router.url,
                    AWS_REGION: undefined,
                    AWS_DEFAULT_REGION: undefined,
                    AWS_PROFILE: undefined,
                    AWS_CONFIG_FILE: "/nonexistent",
                    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
                    AWS_ACCESS_KEY_ID: "AKIDENGINETEST000001",
                    AWS_SECRET_ACCESS_KEY: "engine-test-secret-key",
                    AWS_SESSION_TOKEN: undefined,
                    AWS_EC2_METADATA_DISABLED: "true",
                    ECS_TASK_RUN_LEASE_SECONDS: String(ENGINE_LEASE_SECONDS),
                },
            });
            this.printedBefore = this.printed;
            this.hostOffset = 0;
        }
        await this.host.configure(program.region === undefined ? {} : { "aws:region": program.region });
        this.lastRegion = program.region;
        return this.host;
    }
    /** The configuration the running host was given (JSON of the region). */
    private configured: string | undefined;
    /** What earlier hosts printed, and where this host's output starts counting. */
    private printedBefore = "";
    private hostOffset = 0;

    /** Copies the host's output into {@link printed}. */
    private collectOutput(): void {
        if (!this.host) return;
        this.printed = this.printedBefore + this.host.output().slice(this.hostOffset);
    }

    /** The state entry a declaration takes: its own name's, else an alias's. */
    private stateOf(decl: ResourceDecl): StateEntry | undefined {
        for (const name of [decl.name, ...(decl.aliases ?? [])]) {
            const entry = this.state.get(name);
            if (entry) return entry;
        }
        return undefined;
    }

    /**
     * `pulumi up` (or `up --replace <names>`). Pending creates are cleared first (as the engine
     * does after an interrupted update), then every resource is checked, diffed and created,
     * updated or replaced concurrently; replaced and removed resources are deleted at the end.
     */
    async up(program: Program, replace: string[] = []): Promise<StepReport> {
        const host = await this.hostFor(program);
        const report: StepReport = { steps: {}, errors: {}, created: [] };
        const startedAt = this.beginOperation();
        const deletions: StateEntry[] = [];
        const taken = new Set<StateEntry>();
        for (const decl of program.resources) {
            const old = this.stateOf(decl);
            if (old) taken.add(old);
        }
        await Promise.all(
            program.resources.map(async (decl) => {
                const old = this.stateOf(decl);
                try {
                    const news = this.inputsOf(program, decl);
                    const checked = await host.check(old?.inputs ?? {}, news);
                    if (checked.failures.length > 0) throw new Error(`check: ${JSON.stringify(checked.failures)}`);
                    const secretKeys = [...(decl.secretKeys ?? [])];
                    if (!old) {
                        report.steps[decl.name] = "create";
                        const created = await this.mutating(() => host.create(checked.inputs));
                        this.state.set(decl.name, {
                            name: decl.name,
                            id: created.id,
                            inputs: checked.inputs,
                            outputs: created.properties,
                            secretKeys,
                        });
                        report.created.push(decl.name);
                        return;
                    }
                    const diff: DiffAnswer = await host.diff(old.id, old.outputs, checked.inputs);
                    const rename = (entry: StateEntry): void => {
                        if (entry.name !== decl.name) this.state.delete(entry.name);
                        this.state.set(decl.name, { ...entry, name: decl.name });
                    };
                    if (diff.replaces.length > 0 || replace.includes(decl.name)) {
                        report.steps[decl.name] = diff.deleteBeforeReplace ? "replace (delete first)" : "replace";
                        if (diff.deleteBeforeReplace) {
                            await this.mutating(() => host.delete(old.id, old.outputs));
                            this.state.delete(old.name);
                        }
                        const created = await this.mutating(() => host.create(checked.inputs));
                        if (!diff.deleteBeforeReplace) deletions.push(old);
                        if (old.name !== decl.name) this.state.delete(old.name);
                        this.state.set(decl.name, {
                            name: decl.name,
                            id: created.id,
                            inputs: checked.inputs,
                            outputs: created.properties,
                            secretKeys,
                        });
                        report.created.push(decl.name);
                    } else if (diff.changes === "DIFF_SOME" || diff.changes === "DIFF_UNKNOWN") {
                        report.steps[decl.name] = "update";
                        const updated = await host.update(old.id, old.outputs, checked.inputs);
                        rename({ ...old, inputs: checked.inputs, outputs: updated.properties, secretKeys });
                    } else {
                        report.steps[decl.name] = "same";
                        rename({ ...old, inputs: checked.inputs, secretKeys });
                    }
                } catch (error) {
                    report.errors[decl.name] = error instanceof Error ? error.message : String(error);
                }
            }),
        );
        if (Object.keys(report.errors).length > 0) {
            // The update failed: the old halves of replacements stay in the state, to be deleted
            // (as the engine records them, `delete: true`), and the next `up` deletes them.
            for (const entry of deletions)
                this.state.set(`${entry.name} (pending delete)`, { ...entry, name: `${entry.name} (pending delete)` });
        } else {
            const declared = new Set(program.resources.map((d) => d.name));
            for (const entry of this.state.values()) if (!declared.has(entry.name) && !taken.has(entry)) deletions.push(entry);
            await Promise.all(
                deletions.map(async (entry) => {
                    try {
                        await this.mutating(() => host.delete(entry.id, entry.outputs));
                        if (this.state.get(entry.name) === entry) this.state.delete(entry.name);
                        report.steps[`${entry.name} (old)`] = "delete";
                    } catch (error) {
                        report.errors[`${entry.name} (old)`] = error instanceof Error ? error.message : String(error);
                        // A failed delete keeps the old resource in the state (pending deletion).
                        if (!this.state.has(entry.name))
                            this.state.set(`${entry.name} (pending delete)`, { ...entry, name: `${entry.name} (pending delete)` });
                    }
                }),
            );
        }
        this.endOperation(startedAt);
        this.collectOutput();
        return report;
    }

    /** Create and Delete calls of the operation under way. */
    private operationMutations = 0;

    private async mutating<T>(call: () => Promise<T>): Promise<T> {
        this.operationMutations++;
        return call();
    }

    /** Requests each region's emulator had answered when the operation under way began. */
    private requestsAtStart: Record<string, number> = {};

    /** Requests each region's emulator has answered (of `operation`, when given). */
    private requestsByRegion(operation?: string): Record<string, number> {
        return Object.fromEntries(Object.entries(this.emulators).map(([region, e]) => [region, e.requests({ operation }).length]));
    }

    /** Starts counting an operation's Create and Delete calls; returns when it began. */
    private beginOperation(): number {
        this.operationMutations = 0;
        this.requestsAtStart = this.requestsByRegion();
        return Date.now();
    }

    /**
     * After an `up` or `destroy` that began at `startedAt`: a pending create whose lease had ended
     * by then is over for the invariants when the operation made a Create or Delete call that
     * acted in the pending create's region (each sweeps the project's families there for expired
     * uses; Check and Diff send nothing to AWS, so a region whose emulator answered requests in
     * such an operation is one a Create or Delete acted in). The engine itself drops pending
     * creates from the state at the next `up` (it warns); what they left is the provider's to find.
     */
    private endOperation(startedAt: number): void {
        if (this.operationMutations === 0) return;
        const now = this.requestsByRegion();
        const acted = new Set(Object.keys(now).filter((region) => now[region] > (this.requestsAtStart[region] ?? 0)));
        this.pending = this.pending.filter((p) => !(acted.has(p.region) && p.leaseEndsAt < startedAt));
    }

    /** `pulumi preview`: Check and Diff only; returns the steps it would take. */
    async preview(program: Program): Promise<StepReport> {
        const host = await this.hostFor(program);
        const report: StepReport = { steps: {}, errors: {}, created: [] };
        for (const decl of program.resources) {
            const old = this.stateOf(decl);
            try {
                const checked = await host.check(old?.inputs ?? {}, this.inputsOf(program, decl));
                if (checked.failures.length > 0) throw new Error(`check: ${JSON.stringify(checked.failures)}`);
                if (!old) report.steps[decl.name] = "create";
                else {
                    const diff = await host.diff(old.id, old.outputs, checked.inputs);
                    report.steps[decl.name] =
                        diff.replaces.length > 0 ? `replace ${diff.replaces.join(",")}` : diff.changes === "DIFF_NONE" ? "same" : "update";
                }
            } catch (error) {
                report.errors[decl.name] = error instanceof Error ? error.message : String(error);
            }
        }
        this.collectOutput();
        return report;
    }

    /** `pulumi refresh`: Read of every resource; a resource read as gone leaves the state. */
    async refresh(program: Program): Promise<StepReport> {
        const host = await this.hostFor(program);
        const report: StepReport = { steps: {}, errors: {}, created: [] };
        await Promise.all(
            [...this.state.values()].map(async (entry) => {
                try {
                    const read = await host.read(entry.id, entry.outputs, entry.inputs);
                    report.steps[entry.name] = "read";
                    if (!read.id) this.state.delete(entry.name);
                    else
                        this.state.set(entry.name, {
                            ...entry,
                            id: read.id,
                            outputs: read.properties,
                            inputs: read.inputs ?? entry.inputs,
                        });
                } catch (error) {
                    report.errors[entry.name] = error instanceof Error ? error.message : String(error);
                }
            }),
        );
        this.collectOutput();
        return report;
    }

    /** `pulumi destroy`: Delete of every resource, concurrently. */
    async destroy(program: Program): Promise<StepReport> {
        const host = await this.hostFor(program);
        const startedAt = this.beginOperation();
        const report: StepReport = { steps: {}, errors: {}, created: [] };
        await Promise.all(
            [...this.state.values()].map(async (entry) => {
                try {
                    await this.mutating(() => host.delete(entry.id, entry.outputs));
                    this.state.delete(entry.name);
                    report.steps[entry.name] = "delete";
                } catch (error) {
                    report.errors[entry.name] = error instanceof Error ? error.message : String(error);
                }
            }),
        );
        this.endOperation(startedAt);
        this.collectOutput();
        return report;
    }

    /**
     * `pulumi up` of one resource that needs a create (new, or replaced), interrupted: the host is
     * killed (SIGKILL) once RunTask was sent. The state keeps a pending create; the next operation
     * starts a new host. Returns false when the create never reached RunTask (it failed or finished
     * first; the step is then an ordinary up of that resource).
     */
    async killMidCreate(program: Program, name: string): Promise<boolean> {
        const decl = program.resources.find((d) => d.name === name);
        if (!decl) throw new Error(`no resource ${name} in the program`);
        const host = await this.hostFor(program);
        const old = this.stateOf(decl);
        const checked = await host.check(old?.inputs ?? {}, this.inputsOf(program, decl));
        if (checked.failures.length > 0) return false;
        const before = this.count("RunTask");
        const runTasksBefore = this.requestsByRegion("RunTask");
        let sent = false;
        const created = host.create(checked.inputs).then(
            () => "returned",
            () => "failed",
        );
        const watch = (async (): Promise<void> => {
            while (this.count("RunTask") === before) {
                const done = await Promise.race([created, new Promise((resolve) => setTimeout(() => resolve(undefined), 2))]);
                if (done !== undefined) return;
            }
            sent = true;
            host.kill("SIGKILL");
        })();
        await watch;
        const outcome = await created;
        this.collectOutput();
        if (!sent || outcome === "returned") {
            // The create won the race: kill the host anyway (it is the step under test), and record nothing of it.
            host.kill("SIGKILL");
        }
        await host.exited;
        this.host = undefined;
        if (sent) {
            const plan = checked.inputs.plan as { taskDefinition?: { family?: string } } | undefined;
            const leaseEndsAt = Date.now() + ENGINE_LEASE_SECONDS * 1000;
            const runTasksAfter = this.requestsByRegion("RunTask");
            const region = Object.keys(runTasksAfter).find((r) => runTasksAfter[r] > (runTasksBefore[r] ?? 0)) ?? "";
            this.pending.push({ name, inputs: checked.inputs, family: String(plan?.taskDefinition?.family ?? ""), leaseEndsAt, region });
            // The user runs the next command later: after the killed create's lease has ended.
            await new Promise((resolve) => setTimeout(resolve, leaseEndsAt + 100 - Date.now()));
        }
        return sent;
    }

    /**
     * A fresh start for the next scenario: new emulators behind the same router, an empty state;
     * the host stays (it makes its SDK clients per call).
     */
    async reset(): Promise<void> {
        const old = this.emulators;
        this.emulators = await startEmulators();
        this.router.setTargets(Object.fromEntries(REGIONS.map((r) => [r, this.emulators[r].url])));
        this.state.clear();
        this.pending = [];
        this.printed = "";
        this.printedBefore = "";
        this.hostOffset = this.host?.output().length ?? 0;
        for (const emulator of Object.values(old)) await emulator.close();
    }

    /** Ends the host (not the emulators). */
    async close(): Promise<void> {
        this.collectOutput();
        await this.host?.close();
        this.host = undefined;
    }
}

/** Two emulators (one per region), a router in front of them, and an engine. */
export async function startEngine(options: EngineOptions): Promise<Engine> {
    const emulators = await startEmulators();
    const router = await startRegionRouter(Object.fromEntries(REGIONS.map((r) => [r, emulators[r].url])));
    return new Engine(emulators, router, options);
}

/** One emulator per region, with quick task lifecycles. */
async function startEmulators(): Promise<Record<Region, Emulator>> {
    const emulators = {} as Record<Region, Emulator>;
    for (const region of REGIONS) {
        emulators[region] = await startEmulator({
            port: 0,
            region,
            stopTimeoutScale: 0.001,
            delays: { provisioningMs: 5, pendingMs: 5, deprovisioningMs: 5 },
            handleSignals: false,
        });
        emulators[region].seedVpc({ vpcId: EMPTY_VPC, subnets: [] });
    }
    return emulators;
}

/** Ends the engine's host, its router and its emulators. */
export async function stopEngine(engine: Engine | undefined): Promise<void> {
    if (!engine) return;
    await engine.close();
    await engine.router.close();
    for (const emulator of Object.values(engine.emulators)) await emulator.close();
}
