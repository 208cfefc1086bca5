/**
 * The retry strategy of a run (`retryStrategy`), as pure functions: its validation, its defaults,
 * the matching of its rules (AWS Batch's `evaluateOnExit`: glob patterns with `*` at the end, the
 * first matching rule wins), the default judgement of what is not the task's own doing, the
 * backoff between attempts, and the attempt mark on each attempt's task.
 */
import type { RetryRule, RetryStrategy } from "../types";
import { isPlainObject, quote } from "./json";
import { isUnknown } from "./unknowns";

/** The most attempts a run may make (AWS Batch's limit). */
export const MAX_ATTEMPTS = 10;

/** The most `evaluateOnExit` rules (AWS Batch's limit). */
export const MAX_RULES = 5;

/** The longest pattern of a rule (AWS Batch's limit). */
export const MAX_PATTERN_LENGTH = 512;

/** Seconds waited before the second attempt when `backoffSeconds` is not given. */
export const DEFAULT_BACKOFF_SECONDS = 10;

/** The longest `backoffSeconds` accepted. */
export const MAX_BACKOFF_SECONDS = 3600;

/** The longest single wait between two attempts (the doubling stops there), in seconds. */
export const MAX_BACKOFF_WAIT_SECONDS = 300;

/**
 * The tag that marks each task of a run whose strategy allows more than one attempt with its
 * attempt number (`"1"`, `"2"`...). A task without it is attempt 1. A tag, not a `startedBy`
 * suffix: ListTasks filters on the exact `startedBy`, so one `startedBy` per resource lets the
 * next `pulumi up` find the attempt in flight with one call, and the tag (read with the inputs
 * hash) tells it the attempt's number.
 */
export const ATTEMPT_TAG = "ecs-task-run:attempt";

/** The actions of a rule. */
export const RETRY_ACTIONS: readonly string[] = ["RETRY", "EXIT"];

/** The conditions a rule may give, in the order they are checked and named. */
const CONDITIONS = ["onStopCode", "onStatusReason", "onReason", "onExitCode"] as const;

/** The members of `retryStrategy`. */
const STRATEGY_KEYS = ["attempts", "evaluateOnExit", "backoffSeconds"];

/** Stop codes of an attempt stopped by its capacity or host, not by its own doing (ecs-facts.md). */
const INFRASTRUCTURE_STOP_CODES: readonly string[] = ["SpotInterruption", "TerminationNotice", "InfrastructureHealth"];

/** Starts of a stop or container reason that say the task could not be set up: the image, the
 * network interface, the secrets or the log stream (ECS's "stopped tasks errors" documentation). */
const SETUP_FAILURE_PREFIXES: readonly string[] = [
    "CannotPullContainerError",
    "CannotPullImageManifestError",
    "ResourceInitializationError",
    "Timeout waiting for network interface provisioning",
    "Host EC2 (instance",
];

/** A strategy with every default applied; rule actions in upper case. */
export interface ResolvedRetryStrategy {
    /** Default: 1. */
    attempts: number;
    /** Default: `[]`. */
    evaluateOnExit: RetryRule[];
    /** Default: {@link DEFAULT_BACKOFF_SECONDS}. */
    backoffSeconds: number;
}

/** How an attempt's task ended, as the rules see it. */
export interface AttemptEnd {
    /** The task's stop code. */
    stopCode: string | null;
    /** The task's stop reason. */
    stoppedReason: string | null;
    /** The container's reason: the run's container's, else the first container's that has one. */
    containerReason: string | null;
    /** Every container's reason (a sidecar's image can fail to pull too). */
    containerReasons: string[];
    /** The run's container's exit code. */
    exitCode: number | null;
}

/** What to do with a failed attempt, and why. */
export interface AttemptVerdict {
    action: "RETRY" | "EXIT";
    /** Which rule decided (`evaluateOnExit[1]`), or the default judgement's reason. */
    why: string;
}

/** The check of the `retryStrategy` input (a field rule of `validateFields.ts`): the reason it is
 * wrong, or null. Values Pulumi does not know yet are accepted. */
export function retryStrategyRule(v: unknown): string | null {
    if (!isPlainObject(v)) {
        return `\`retryStrategy\` must be an object, e.g. { attempts: 3 } or { attempts: 3, evaluateOnExit: [{ onStopCode: "SpotInterruption", action: "RETRY" }] }; got ${quote(v)}.`;
    }
    for (const key of Object.keys(v)) {
        if (!STRATEGY_KEYS.includes(key))
            return `\`retryStrategy.${key}\` is not a member of \`retryStrategy\`; valid: ${STRATEGY_KEYS.join(", ")}.`;
    }
    const { attempts, evaluateOnExit, backoffSeconds } = v;
    if (attempts !== undefined && attempts !== null && !isUnknown(attempts)) {
        if (typeof attempts !== "number" || !Number.isInteger(attempts) || attempts < 1 || attempts > MAX_ATTEMPTS) {
            return `\`retryStrategy.attempts\` must be an integer from 1 to ${MAX_ATTEMPTS} (the first attempt included); got ${quote(attempts)}.`;
        }
    }
    if (backoffSeconds !== undefined && backoffSeconds !== null && !isUnknown(backoffSeconds)) {
        if (
            typeof backoffSeconds !== "number" ||
            !Number.isFinite(backoffSeconds) ||
            backoffSeconds < 0 ||
            backoffSeconds > MAX_BACKOFF_SECONDS
        ) {
            return `\`retryStrategy.backoffSeconds\` must be a number of seconds from 0 to ${MAX_BACKOFF_SECONDS}; got ${quote(backoffSeconds)}.`;
        }
    }
    if (evaluateOnExit === undefined || evaluateOnExit === null || isUnknown(evaluateOnExit)) return null;
    if (!Array.isArray(evaluateOnExit)) {
        return `\`retryStrategy.evaluateOnExit\` must be a list of rules, e.g. [{ onExitCode: "75", action: "RETRY" }]; got ${quote(evaluateOnExit)}.`;
    }
    if (evaluateOnExit.length > MAX_RULES) {
        return `\`retryStrategy.evaluateOnExit\` has ${evaluateOnExit.length} rules; at most ${MAX_RULES} are allowed (as in AWS Batch).`;
    }
    for (let i = 0; i < evaluateOnExit.length; i++) {
        const problem = ruleProblem(`retryStrategy.evaluateOnExit[${i}]`, evaluateOnExit[i]);
        if (problem) return problem;
    }
    return null;
}

function ruleProblem(path: string, rule: unknown): string | null {
    if (isUnknown(rule)) return null;
    if (!isPlainObject(rule))
        return `\`${path}\` must be an object, e.g. { onStopCode: "SpotInterruption", action: "RETRY" }; got ${quote(rule)}.`;
    for (const key of Object.keys(rule)) {
        if (key !== "action" && !(CONDITIONS as readonly string[]).includes(key)) {
            return `\`${path}.${key}\` is not a member of a rule; valid: ${CONDITIONS.join(", ")}, action.`;
        }
    }
    const action = rule.action;
    if (!isUnknown(action) && !(typeof action === "string" && RETRY_ACTIONS.includes(action.toUpperCase()))) {
        return `\`${path}.action\` must be "RETRY" or "EXIT"; got ${quote(action)}.`;
    }
    for (const key of CONDITIONS) {
        const pattern = rule[key];
        if (pattern === undefined || pattern === null || isUnknown(pattern)) continue;
        const problem = patternProblem(`${path}.${key}`, pattern, key === "onExitCode");
        if (problem) return problem;
    }
    return null;
}

function patternProblem(path: string, pattern: unknown, exitCode: boolean): string | null {
    if (typeof pattern !== "string" || pattern === "") return `\`${path}\` must be a non-empty pattern string; got ${quote(pattern)}.`;
    if ([...pattern].length > MAX_PATTERN_LENGTH)
        return `\`${path}\` is ${[...pattern].length} characters; at most ${MAX_PATTERN_LENGTH} are allowed.`;
    if (pattern.slice(0, -1).includes("*")) {
        return `\`${path}\` ${quote(pattern)} has a \`*\` before its end; a pattern may only end with \`*\` (it then matches the start of the value).`;
    }
    if (exitCode && !/^[0-9]*\*?$/.test(pattern)) {
        return `\`${path}\` ${quote(pattern)} must be digits, optionally ending with \`*\` (e.g. "1", "13*" or "*").`;
    }
    return null;
}

/** The strategy with every default applied (validated input, or none). Rule members that are
 * `null` are left out; actions are upper case. In a preview, members Pulumi does not know yet
 * take their default (the strategy only matters when the run happens). */
export function resolveRetryStrategy(input: RetryStrategy | null | undefined): ResolvedRetryStrategy {
    const given = Array.isArray(input?.evaluateOnExit) ? input.evaluateOnExit : [];
    const rules = given.filter(isPlainObject).map((rule) => {
        const resolved: RetryRule = { action: String(rule.action).toUpperCase() as RetryRule["action"] };
        for (const key of CONDITIONS) {
            const pattern = rule[key];
            if (typeof pattern === "string") resolved[key] = pattern;
        }
        return resolved;
    });
    return {
        attempts: typeof input?.attempts === "number" ? input.attempts : 1,
        evaluateOnExit: rules,
        backoffSeconds: typeof input?.backoffSeconds === "number" ? input.backoffSeconds : DEFAULT_BACKOFF_SECONDS,
    };
}

/** Whether a value matches a pattern: the whole value, or its start when the pattern ends with
 * `*`. A value that is absent matches nothing. Letter case counts. */
export function matchesPattern(pattern: string, value: string | null | undefined): boolean {
    if (value === null || value === undefined) return false;
    return pattern.endsWith("*") ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

/** Whether every condition of a rule matches how the attempt ended. */
export function ruleMatches(rule: RetryRule, end: AttemptEnd): boolean {
    const values: Record<(typeof CONDITIONS)[number], string | null> = {
        onStopCode: end.stopCode,
        onStatusReason: end.stoppedReason,
        onReason: end.containerReason,
        onExitCode: end.exitCode === null ? null : String(end.exitCode),
    };
    return CONDITIONS.every((key) => rule[key] === undefined || matchesPattern(rule[key], values[key]));
}

/** Why an attempt's failure is not the task's own doing, or undefined when it may be: a Spot
 * interruption or termination notice, or a failed set-up (image, network interface, secrets, log
 * stream) named by the stop reason or a container's reason. */
export function notTheTasksFault(end: AttemptEnd): string | undefined {
    if (end.stopCode !== null && INFRASTRUCTURE_STOP_CODES.includes(end.stopCode)) return `stop code ${end.stopCode}`;
    for (const reason of [end.stoppedReason, ...end.containerReasons]) {
        const prefix = reason === null ? undefined : SETUP_FAILURE_PREFIXES.find((p) => reason.startsWith(p));
        if (prefix !== undefined) return `the task could not be set up (${prefix})`;
    }
    return undefined;
}

/** What to do with an attempt that failed: the first rule that matches decides; without one, the
 * attempt is retried only when its failure is not the task's own doing ({@link notTheTasksFault}).
 * The number of attempts left is not considered here. */
export function judgeAttempt(strategy: ResolvedRetryStrategy, end: AttemptEnd): AttemptVerdict {
    const index = strategy.evaluateOnExit.findIndex((rule) => ruleMatches(rule, end));
    if (index >= 0) return { action: strategy.evaluateOnExit[index].action, why: `retryStrategy.evaluateOnExit[${index}] matched` };
    const infrastructure = notTheTasksFault(end);
    if (infrastructure !== undefined) return { action: "RETRY", why: `not the task's own failure: ${infrastructure}` };
    return { action: "EXIT", why: "the failure may be the task's own (no rule says to retry it)" };
}

/** The wait (ms) before attempt `next` (2 or more): `backoffSeconds` before the second attempt,
 * doubled before each later one until {@link MAX_BACKOFF_WAIT_SECONDS} (a larger `backoffSeconds`
 * is kept as it is). */
export function backoffMs(strategy: ResolvedRetryStrategy, next: number): number {
    const doubled = strategy.backoffSeconds * 2 ** Math.max(0, next - 2);
    return Math.max(strategy.backoffSeconds, Math.min(doubled, MAX_BACKOFF_WAIT_SECONDS)) * 1000;
}

/** The RunTask request of attempt `attempt`: the planned request plus the {@link ATTEMPT_TAG} tag,
 * when the strategy allows more than one attempt (else the request as planned). */
export function attemptRequest(request: Record<string, unknown>, attempt: number, maxAttempts: number): Record<string, unknown> {
    if (maxAttempts <= 1) return request;
    const tags = Array.isArray(request.tags) ? (request.tags as unknown[]) : [];
    return { ...request, tags: [...tags, { key: ATTEMPT_TAG, value: String(attempt) }] };
}

/** The attempt a task is, from its tags: the {@link ATTEMPT_TAG} value, else 1. */
export function attemptOfTags(tags: { key?: string; value?: string }[] | undefined): number {
    const value = (tags ?? []).find((t) => t.key === ATTEMPT_TAG)?.value;
    const n = value === undefined ? NaN : Number(value);
    return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** The tags a run with this strategy adds to the user's: the inputs hash, and the attempt mark
 * when more than one attempt is allowed. */
export function tagsAddedByRun(maxAttempts: number): number {
    return maxAttempts > 1 ? 2 : 1;
}
