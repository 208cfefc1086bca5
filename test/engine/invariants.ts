/**
 * The invariants of issue 9, checked after every step of the engine simulator against the
 * emulators' state (through the SDK and the emulators' control API). Each returns violations
 * (empty when it holds), named by the invariant's letter so that a failing run says which.
 *
 * (a) every revision a live state uses is ACTIVE;
 * (b) no ACTIVE revision is unused by every live state (all revisions here are the package's:
 *     the programs never give a definition of their own), except the family of a killed host's
 *     pending create until an `up` or `destroy` that began after its lease ended has made a Create
 *     or Delete call in its region (engine.ts); none at all once every resource is destroyed; with the
 *     ownership tags, the same for revisions tagged `ecs-task-run:managed`;
 * (c) nothing left running: a task desired RUNNING belongs to a live state with
 *     `waitForCompletion: false` (or to a pending create's family), and such a state's task runs;
 *     no two live states share a task;
 * (d) no value of a secret input appears in an output or input that is not secret, nor in the
 *     host's printed output;
 * (e) each live state's `runRegion` is the region its task is in.
 */
import { DescribeTaskDefinitionCommand, ECSClient, ListTaskDefinitionsCommand } from "@aws-sdk/client-ecs";
import type { Engine, StateEntry } from "./engine";

/** One broken invariant. */
export interface Violation {
    /** The invariant's letter; `p` is preview's "no mutating call". */
    invariant: "a" | "b" | "c" | "d" | "e" | "p";
    message: string;
}

/** Outputs the resource always makes secret (provider/resource.ts ALWAYS_SECRET_OUTPUTS). */
export const ALWAYS_SECRET = ["preparedTaskDefinition", "runTaskRequest"];
/** The tag of a revision this package registered (the ownership design of issue 9). */
export const MANAGED_TAG = "ecs-task-run:managed";
/** The prefix of a use tag of a revision. */
export const USE_TAG_PREFIX = "ecs-task-run:use:";

const clients = new WeakMap<Engine, Record<string, ECSClient>>();

function ecsOf(engine: Engine, region: string): ECSClient {
    let byRegion = clients.get(engine);
    if (!byRegion) clients.set(engine, (byRegion = {}));
    const emulator = engine.emulator(region);
    if (!emulator) throw new Error(`no emulator for ${region}`);
    return (byRegion[region] ??= new ECSClient({
        endpoint: emulator.url,
        region,
        credentials: { accessKeyId: "invariants", secretAccessKey: "invariants" },
        // A look that times out on a loaded machine (seen once in npm test's parallel workers) is
        // no answer: the SDK tries it again. The emulators inject no faults into these clients' calls.
        maxAttempts: 3,
    }));
}

/** Ends the SDK clients the checks made for `engine`. */
export function closeInvariantClients(engine: Engine): void {
    for (const client of Object.values(clients.get(engine) ?? {})) client.destroy();
    clients.delete(engine);
}

/** An ACTIVE revision and its tags. */
interface Revision {
    arn: string;
    region: string;
    family: string;
    tags: Record<string, string>;
}

async function activeRevisions(engine: Engine): Promise<Revision[]> {
    const revisions: Revision[] = [];
    for (const region of Object.keys(engine.emulators)) {
        const ecs = ecsOf(engine, region);
        let nextToken: string | undefined;
        do {
            const page = await ecs.send(new ListTaskDefinitionsCommand({ status: "ACTIVE", nextToken }));
            for (const arn of page.taskDefinitionArns ?? []) {
                const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }));
                revisions.push({
                    arn,
                    region,
                    family: described.taskDefinition?.family ?? "",
                    tags: Object.fromEntries((described.tags ?? []).map((t) => [t.key ?? "", t.value ?? ""])),
                });
            }
            nextToken = page.nextToken;
        } while (nextToken);
    }
    return revisions;
}

async function statusOf(engine: Engine, arn: string): Promise<string> {
    const region = arn.split(":")[3];
    if (!engine.emulator(region)) return `in no served region (${region})`;
    try {
        const described = await ecsOf(engine, region).send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
        return described.taskDefinition?.status ?? "unknown";
    } catch (error) {
        return `missing (${error instanceof Error ? error.name : String(error)})`;
    }
}

/** Every leaf string of a value, and of a string that parses as JSON. */
export function leaves(value: unknown, into: string[] = []): string[] {
    if (typeof value === "string") {
        into.push(value);
        try {
            const parsed: unknown = JSON.parse(value);
            if (typeof parsed === "object" && parsed !== null) leaves(parsed, into);
        } catch {
            // not JSON: the string itself is the value
        }
    } else if (typeof value === "number" || typeof value === "boolean") {
        into.push(String(value));
    } else if (Array.isArray(value)) {
        for (const item of value) leaves(item, into);
    } else if (typeof value === "object" && value !== null) {
        for (const item of Object.values(value)) leaves(item, into);
    }
    return into;
}

/** The secret values of a state: the leaves of each secret input, long enough to be meaningful. */
export function secretValues(entry: StateEntry): string[] {
    const values = new Set<string>();
    for (const key of entry.secretKeys) {
        for (const leaf of leaves(entry.inputs[key])) if (leaf.length >= 8 && !leaf.startsWith("[")) values.add(leaf);
    }
    // A JSON string input also counts as a whole.
    return [...values];
}

/** Checks every invariant; `when` names the step (for messages). */
export async function checkInvariants(engine: Engine, when: string): Promise<Violation[]> {
    const violations: Violation[] = [];
    const add = (invariant: Violation["invariant"], message: string): void => {
        violations.push({ invariant, message: `${when}: ${message}` });
    };
    const live = [...engine.state.values()];
    const pendingFamilies = new Set(engine.pending.map((p) => p.family));

    // (a) every revision a live state uses is ACTIVE.
    for (const entry of live) {
        const arn = String(entry.outputs.taskDefinitionArn ?? "");
        const status = await statusOf(engine, arn);
        if (status !== "ACTIVE") add("a", `${entry.name} uses ${arn}, which is ${status}`);
    }

    // (b) no ACTIVE revision unused by every live state.
    const used = new Set(live.map((e) => String(e.outputs.taskDefinitionArn ?? "")));
    for (const revision of await activeRevisions(engine)) {
        if (used.has(revision.arn) || pendingFamilies.has(revision.family)) continue;
        const managed = revision.tags[MANAGED_TAG] === "true" ? " (managed)" : "";
        const uses = Object.keys(revision.tags).filter((k) => k.startsWith(USE_TAG_PREFIX));
        add(
            "b",
            `${revision.arn}${managed} is ACTIVE and no live state uses it${live.length === 0 ? " (every resource is destroyed)" : ""}; use tags: ${JSON.stringify(uses)}`,
        );
    }

    // (c) nothing left running; a state's running task runs; no shared task.
    const byTask = new Map<string, StateEntry>();
    for (const entry of live) {
        const other = byTask.get(entry.id);
        if (other) add("c", `${entry.name} and ${other.name} share the task ${entry.id}`);
        byTask.set(entry.id, entry);
    }
    for (const [region, emulator] of Object.entries(engine.emulators)) {
        for (const task of emulator.tasks()) {
            if (task.desiredStatus !== "RUNNING" || task.lastStatus === "STOPPED") continue;
            const owner = byTask.get(task.taskArn);
            if (owner && owner.outputs.waitForCompletion === false) continue;
            if (pendingFamilies.has(task.family)) continue;
            add(
                "c",
                `task ${task.taskArn} (${region}, family ${task.family}) is ${task.lastStatus} and ${owner ? `its state ${owner.name} waited for completion` : "no live state owns it"}`,
            );
        }
    }
    for (const entry of live) {
        if (entry.outputs.waitForCompletion !== false) continue;
        const task = engine
            .emulatorOfArn(entry.id)
            ?.tasks()
            .find((t) => t.taskArn === entry.id);
        if (!task || task.desiredStatus !== "RUNNING") {
            add(
                "c",
                `${entry.name} (waitForCompletion false) has task ${entry.id}, which is ${task ? `${task.lastStatus}/${task.desiredStatus} (${task.stoppedReason ?? ""})` : "unknown"}`,
            );
        }
    }

    // (d) secrets.
    for (const entry of live) {
        const secrets = secretValues(entry);
        if (secrets.length === 0) continue;
        const secretNames = new Set([...ALWAYS_SECRET, ...entry.secretKeys, "__provider"]);
        for (const [where, bag] of [
            ["output", entry.outputs],
            ["input", entry.inputs],
        ] as const) {
            for (const [key, value] of Object.entries(bag)) {
                if (secretNames.has(key)) continue;
                const text = JSON.stringify(value) ?? "";
                for (const secret of secrets)
                    if (text.includes(secret)) add("d", `${entry.name}'s ${where} ${key} shows the secret ${JSON.stringify(secret)}`);
            }
        }
        for (const secret of secrets)
            if (engine.printed.includes(secret)) add("d", `the host printed the secret ${JSON.stringify(secret)} of ${entry.name}`);
    }

    // (e) runRegion.
    for (const entry of live) {
        const taskRegion = entry.id.split(":")[3];
        if (entry.outputs.runRegion !== taskRegion)
            add("e", `${entry.name}'s runRegion is ${JSON.stringify(entry.outputs.runRegion)}, its task ${entry.id} is in ${taskRegion}`);
    }
    const selected = selectedInvariants();
    return violations.filter((v) => selected.has(v.invariant));
}

/**
 * The invariants checked: all, unless `ENGINE_INVARIANTS` names some (`ENGINE_INVARIANTS=abcd`
 * leaves out (e), to see what else fails on a provider that records no `runRegion`).
 */
export function selectedInvariants(): Set<string> {
    return new Set((process.env.ENGINE_INVARIANTS || "abcdep").split(""));
}

/** A readable list of violations. */
export function describeViolations(violations: Violation[]): string {
    return violations.map((v) => `(${v.invariant}) ${v.message}`).join("\n");
}
