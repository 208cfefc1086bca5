/** Validation of the inputs, run by the provider's `check` so that `pulumi preview` shows problems. */
import type { JsonPatchOperation, ResourceContext, TaskDefinition, TaskRunInputs, TaskRunSpec } from "../types";
import { PLACEHOLDER } from "../types";
import {
    DEFAULT_CPU,
    DEFAULT_LAUNCH_TYPE,
    DEFAULT_MEMORY,
    DEFAULT_VPC_LABEL,
    FARGATE_CPUS,
    FARGATE_LAUNCH_TYPES,
    FARGATE_SIZES,
    isInternalKey,
    INPUTS_HASH_TAG,
    MAX_OVERRIDES_LENGTH,
    MAX_TAGS,
} from "./constants";
import { ambiguousContainers, logsWithAwslogs, selectContainer } from "./container";
import { checkClusterDefaultSizes, checkContainerChoice, checkSecrets } from "./validateParity";
import { applyCustomizations, findCustomizationProblem } from "./customizations";
import { isPlainObject } from "./json";
import { planFromSettings } from "./planRun";
import { ATTEMPT_TAG, resolveRetryStrategy, tagsAddedByRun } from "./retryStrategy";
import { resolveSettings, SPEC_KEYS } from "./settings";
import { containsUnknown, isUnknown } from "./unknowns";
import { parseCpu, parseMemory } from "./units";
import { FIELD_RULES } from "./validateFields";

/** One problem with the inputs, as Pulumi's `check` reports it. */
export interface CheckFailure {
    /** The input the problem is about (a top-level input name). */
    property: string;
    /** What is wrong, with the value, and what to do. */
    reason: string;
}

/** What the cross-field checks know of the inputs. */
export interface View {
    raw: Record<string, unknown>;
    /** The inputs, typed; a field may be trusted only when {@link View.sure} says so. */
    spec: Partial<TaskRunSpec>;
    /** Whether the input is given (`null` counts as not given), known or not. */
    given: (key: keyof TaskRunSpec) => boolean;
    /** Whether every named input is absent, or given, valid and fully known. */
    sure: (...keys: (keyof TaskRunSpec)[]) => boolean;
    add: (property: string, reason: string) => void;
}

/**
 * Checks raw inputs (as `check` receives them) and returns the problems: at most one failure per
 * property (several reasons for one property are joined). Unknown input names are reported (with
 * a suggestion when one is close); `plan` and the internal `__` keys (`__context`, `__provider`,
 * `__secretKeys`) are ignored. Values Pulumi does not know yet (preview) are not checked, nor are
 * the checks that depend on them. When everything else is valid, the run is planned with
 * placeholders and the customizations are applied to it, and the overrides' size is checked.
 */
export function validateInputs(raw: Record<string, unknown>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const add = (property: string, reason: string): void => {
        const existing = failures.find((f) => f.property === property);
        if (existing) existing.reason += ` ${reason}`;
        else failures.push({ property, reason });
    };

    for (const key of Object.keys(raw)) {
        if (isInternalKey(key) || (SPEC_KEYS as string[]).includes(key)) continue;
        const suggestion = closest(key, SPEC_KEYS);
        add(key, `\`${key}\` is not an input of EcsTaskRun${suggestion ? `; did you mean \`${suggestion}\`?` : "."}`);
    }

    const given = (key: keyof TaskRunSpec): boolean => raw[key] !== undefined && raw[key] !== null;
    const uncertain = new Set<string>();
    for (const key of SPEC_KEYS) {
        if (!given(key)) continue;
        const value = raw[key];
        if (isUnknown(value)) {
            uncertain.add(key);
            continue;
        }
        const reason = FIELD_RULES[key](value);
        if (reason !== null) add(key, reason);
        if (reason !== null || containsUnknown(value)) uncertain.add(key);
    }

    const view: View = {
        raw,
        spec: raw as Partial<TaskRunSpec>,
        given,
        sure: (...keys) => keys.every((k) => !uncertain.has(k)),
        add,
    };
    checkDefinitionSource(view);
    checkLogs(view);
    checkFargateSizes(view);
    checkNetworkMode(view);
    checkImage(view);
    checkCapacityProviderStrategy(view);
    checkRetryTags(view);
    checkContainerChoice(view);
    checkSecrets(view);
    checkClusterDefaultSizes(view);
    if (failures.length === 0 && SPEC_KEYS.every((k) => !isUnknown(raw[k]))) checkPlannedRequest(view);
    return failures;
}

function checkDefinitionSource(v: View): void {
    if (v.given("taskDefinition") && v.given("taskDefinitionArn")) {
        v.add(
            "taskDefinitionArn",
            "Give either `taskDefinition` (a definition to register) or `taskDefinitionArn` (an existing one), not both.",
        );
    }
}

/** The inline definition the run is based on: `{}` when there is none, `undefined` when a
 * definition is given by ARN or the inline one cannot be trusted. */
function inlineDefinition(v: View): TaskDefinition | undefined {
    if (v.given("taskDefinitionArn") || !v.sure("taskDefinition")) return undefined;
    return v.spec.taskDefinition ?? {};
}

function checkLogs(v: View): void {
    if (!v.sure("configureCloudwatchLogs", "streamOutput", "taskDefinition", "containerName", "cloudwatchLogsOptions")) return;
    const { spec } = v;
    const byArn = v.given("taskDefinitionArn");
    const inline = byArn ? undefined : (spec.taskDefinition ?? {});
    const container = selectContainer(inline?.containerDefinitions ?? [], spec.containerName);
    const hasAwslogs = logsWithAwslogs(container);
    const streamOutput = spec.streamOutput ?? false;
    const configure = spec.configureCloudwatchLogs ?? (streamOutput && !hasAwslogs);

    if (Object.keys(spec.cloudwatchLogsOptions ?? {}).length > 0 && !configure) {
        v.add(
            "cloudwatchLogsOptions",
            "`configureCloudwatchLogs` must be enabled to use `cloudwatchLogsOptions`: set `configureCloudwatchLogs: true` or remove `cloudwatchLogsOptions`.",
        );
    }
    if (configure && !v.given("executionRoleArn") && !byArn && !inline?.executionRoleArn) {
        v.add(
            "executionRoleArn",
            "An `executionRoleArn` must be provided to use `configureCloudwatchLogs` or `streamOutput`: the role that writes " +
                "the container's logs needs logs:CreateLogStream, logs:CreateLogGroup and logs:PutLogEvents.",
        );
    }
    if (streamOutput && !configure && !byArn && !hasAwslogs) {
        v.add(
            "streamOutput",
            `\`streamOutput\` needs the container's logs in CloudWatch, but \`configureCloudwatchLogs\` is false and container ` +
                `\`${container?.name ?? spec.containerName ?? "main"}\` has no awslogs \`logConfiguration\`: set ` +
                "`configureCloudwatchLogs: true` or remove `streamOutput`.",
        );
    }
}

function isFargate(v: View): boolean | undefined {
    if (!v.sure("launchType")) return undefined;
    return FARGATE_LAUNCH_TYPES.includes(v.spec.launchType ?? DEFAULT_LAUNCH_TYPE);
}

interface SizeSource {
    value: number;
    property: string;
    label: string;
}

function checkFargateSizes(v: View): void {
    if (isFargate(v) !== true || !v.sure("cpu", "memory", "taskDefinition")) return;
    const inline = inlineDefinition(v);
    const source = (key: "cpu" | "memory", parse: (x: unknown) => number | undefined, fallback: number): SizeSource | undefined => {
        const input = v.spec[key];
        if (input !== undefined) return { value: input, property: key, label: `\`${key}\` ${input}` };
        const fromDefinition = inline?.[key];
        if (fromDefinition !== undefined) {
            const value = parse(fromDefinition);
            return value === undefined
                ? undefined
                : { value, property: "taskDefinition", label: `\`taskDefinition.${key}\` ${JSON.stringify(fromDefinition)}` };
        }
        return inline === undefined ? undefined : { value: fallback, property: key, label: `the default \`${key}\` ${fallback}` };
    };
    const cpu = source("cpu", parseCpu, DEFAULT_CPU);
    const memory = source("memory", parseMemory, DEFAULT_MEMORY);
    if (cpu === undefined) return;
    const sizes = (FARGATE_SIZES as Record<number, readonly number[] | undefined>)[cpu.value];
    if (sizes === undefined) {
        v.add(cpu.property, `${cpu.label} is not a Fargate size; valid: ${FARGATE_CPUS.join(", ")}.`);
    } else if (memory !== undefined && !sizes.includes(memory.value)) {
        v.add(
            memory.property,
            `${memory.label} is not valid with cpu ${cpu.value} on Fargate; valid for cpu ${cpu.value}: ${describeSizes(sizes)}.`,
        );
    }
}

/** `512, 1024, 2048`, or `2048 to 8192 in steps of 1024` for a long regular list. */
export function describeSizes(sizes: readonly number[]): string {
    if (sizes.length <= 4) return sizes.join(", ");
    const step = sizes[1] - sizes[0];
    const regular = sizes.every((s, i) => i === 0 || s - sizes[i - 1] === step);
    return regular ? `${sizes[0]} to ${sizes[sizes.length - 1]} in steps of ${step}` : sizes.join(", ");
}

function checkNetworkMode(v: View): void {
    const fargate = isFargate(v);
    const inline = inlineDefinition(v);
    if (fargate === undefined || inline === undefined) return;
    const mode = typeof inline.networkMode === "string" ? inline.networkMode : fargate ? "awsvpc" : "bridge";
    const launchType = v.spec.launchType ?? DEFAULT_LAUNCH_TYPE;
    if (fargate && mode !== "awsvpc") {
        v.add(
            "taskDefinition",
            `\`taskDefinition.networkMode\` ${JSON.stringify(mode)} cannot be used with launch type ${launchType}, which needs "awsvpc": ` +
                'set `taskDefinition.networkMode` to "awsvpc" or use launchType "EC2".',
        );
        return;
    }
    if (mode === "awsvpc") return;
    const why = inline.networkMode === undefined ? ` (the default of launch type ${launchType})` : "";
    for (const key of ["vpcId", "networkConfiguration"] as const) {
        if (v.given(key) && v.sure(key)) {
            v.add(
                key,
                `\`${key}\` is only used with the "awsvpc" network mode, but the task definition uses ${JSON.stringify(mode)}${why}: ` +
                    `set \`taskDefinition.networkMode\` to "awsvpc" or remove \`${key}\`.`,
            );
        }
    }
}

function checkImage(v: View): void {
    if (v.given("image") || v.given("taskDefinitionArn") || !v.sure("taskDefinition", "containerName")) return;
    const { spec } = v;
    const containers = spec.taskDefinition?.containerDefinitions ?? [];
    if (ambiguousContainers(containers, spec.containerName) !== null) return; // checkContainerChoice reports it
    const container = selectContainer(containers, spec.containerName);
    if (container?.image) return;
    if (spec.containerName !== undefined && container === undefined && containers.length > 0) {
        v.add(
            "image",
            `Container \`${spec.containerName}\` is not in \`taskDefinition\`, so it is added, and it needs an image: set \`image\` ` +
                "(or name a container of the definition in `containerName`).",
        );
        return;
    }
    const name = container?.name ?? spec.containerName ?? "main";
    v.add(
        "image",
        `An image is required: set \`image\`, or give \`taskDefinitionArn\`, or a \`taskDefinition\` whose container \`${name}\` has an \`image\`.`,
    );
}

function checkCapacityProviderStrategy(v: View): void {
    const strategy = v.raw.capacityProviderStrategy;
    const nonEmpty = isUnknown(strategy) || (Array.isArray(strategy) && strategy.length > 0);
    if (!nonEmpty || !v.given("launchType") || v.raw.launchType === DEFAULT_LAUNCH_TYPE) return;
    v.add(
        "capacityProviderStrategy",
        `\`capacityProviderStrategy\` cannot be used with \`launchType\` ${JSON.stringify(v.raw.launchType)}: RunTask takes one ` +
            "or the other. Remove `launchType` (the strategy chooses where the task runs) or remove `capacityProviderStrategy`.",
    );
}

/** A strategy of more than one attempt marks each task with one more tag (`ecs-task-run:attempt`):
 * the user's tags must leave room for it. */
function checkRetryTags(v: View): void {
    if (!v.sure("tags", "retryStrategy") || !v.given("tags")) return;
    const attempts = resolveRetryStrategy(v.spec.retryStrategy).attempts;
    const room = MAX_TAGS - tagsAddedByRun(attempts);
    const count = Object.keys(v.spec.tags ?? {}).length;
    if (Object.keys(v.spec.tags ?? {}).includes(ATTEMPT_TAG)) {
        v.add("tags", `\`tags\` key \`${ATTEMPT_TAG}\` is set by this resource; use another key.`);
    } else if (count > room) {
        v.add(
            "tags",
            `\`tags\` has ${count} tags; AWS allows ${MAX_TAGS} per task, and with \`retryStrategy.attempts\` ${attempts} this resource adds ` +
                `\`${INPUTS_HASH_TAG}\` and \`${ATTEMPT_TAG}\`: give at most ${room}.`,
        );
    }
}

/** Plans the run with placeholders and checks what only the whole request shows: that the
 * customizations apply (see {@link customizationProblem}) and that the overrides fit RunTask's limit. */
function checkPlannedRequest(v: View): void {
    let ops: unknown[];
    let request: Record<string, unknown>;
    let byArnUnknownNetwork: boolean;
    try {
        const settings = resolveSettings({ ...(v.raw as unknown as TaskRunInputs), __context: contextOf(v.raw) });
        ops = settings.taskCustomizations;
        const plan = planFromSettings(
            { ...settings, taskCustomizations: [] },
            { subnets: [PLACEHOLDER.subnets(settings.vpcId ?? DEFAULT_VPC_LABEL)] },
        );
        request = plan.runTaskRequest;
        byArnUnknownNetwork = plan.taskDefinition === null && !FARGATE_LAUNCH_TYPES.includes(settings.launchType);
    } catch {
        return; // planning reports its own errors
    }
    const problem = customizationProblem(ops, request, byArnUnknownNetwork);
    if (problem !== null) {
        v.add("taskCustomizations", problem);
        return;
    }
    let overrides: unknown = request.overrides;
    try {
        overrides = applyCustomizations(request, ops as JsonPatchOperation[]).overrides;
    } catch {
        // A customization that only fails on placeholders: the overrides as planned.
    }
    const size = JSON.stringify(overrides ?? {}).length;
    if (size > MAX_OVERRIDES_LENGTH) {
        const biggest = JSON.stringify(v.spec.env ?? {}).length >= JSON.stringify(v.spec.command ?? []).length ? "env" : "command";
        v.add(
            biggest,
            `The RunTask \`overrides\` (command and environment of the run) would be ${size} characters; AWS allows ${MAX_OVERRIDES_LENGTH}: ` +
                "shorten `env` or `command`, or move large values into the task definition (`taskDefinition`) or a file the task reads.",
        );
    }
}

/**
 * The first customization that does not apply to the planned request, as a message; null when
 * they all apply. A `test` that fails is not reported (the planned request holds placeholders);
 * nor is a path into `networkConfiguration` when the definition is given by ARN and its network
 * mode is not known yet.
 */
function customizationProblem(ops: unknown[], request: Record<string, unknown>, byArnUnknownNetwork: boolean): string | null {
    const problem = findCustomizationProblem(ops, request);
    if (problem === null || problem.name === "TEST_OPERATION_FAILED") return null;
    const op = ops[problem.index];
    const intoNetwork = isPlainObject(op) && [op.path, op.from].some((p) => typeof p === "string" && p.startsWith("/networkConfiguration"));
    if (byArnUnknownNetwork && intoNetwork) return null;
    const why =
        intoNetwork && request.networkConfiguration === undefined
            ? ' The request has a `networkConfiguration` only when the task definition uses the "awsvpc" network mode ' +
              '(Fargate, or `taskDefinition.networkMode: "awsvpc"`).'
            : "";
    return problem.message + why;
}

function contextOf(raw: Record<string, unknown>): ResourceContext {
    const ctx = raw.__context;
    if (isPlainObject(ctx) && typeof ctx.project === "string" && typeof ctx.stack === "string" && typeof ctx.name === "string") {
        return { project: ctx.project, stack: ctx.stack, name: ctx.name };
    }
    return { project: "project", stack: "stack", name: "name" };
}

/** The known name closest to `key`, if one is close: a case-insensitive edit distance of at most
 * 40% of the name's length (at least 1, at most 3). */
function closest(key: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Math.min(3, Math.max(1, Math.floor(key.length * 0.4))) + 1;
    for (const candidate of known) {
        const d = distance(key.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best;
}

function distance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}
