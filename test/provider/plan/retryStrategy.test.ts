import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../../provider/plan/constants";
import {
    attemptOfTags,
    attemptRequest,
    backoffMs,
    judgeAttempt,
    matchesPattern,
    notTheTasksFault,
    resolveRetryStrategy,
    retryStrategyRule,
    ruleMatches,
    type AttemptEnd,
} from "../../../provider/plan/retryStrategy";
import { diffRun } from "../../../provider/plan/diff";
import { planRun } from "../../../provider/plan/planRun";
import { validateInputs } from "../../../provider/plan/validate";
import type { TaskRunSpec } from "../../../provider/types";
import { previewRun } from "../../../provider/preview";
import { CTX } from "./fixtures";

/** An attempt that ended as described (the rest: nothing known). */
function end(e: Partial<AttemptEnd>): AttemptEnd {
    return { stopCode: null, stoppedReason: null, containerReason: null, containerReasons: [], exitCode: null, ...e };
}

const SPOT = end({ stopCode: "SpotInterruption", stoppedReason: "Your Spot Task was interrupted.", exitCode: 143 });
const PULL =
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref registry.example.com/app:1: not found";
const PULL_FAILED = end({
    stopCode: "TaskFailedToStart",
    stoppedReason: "Task failed to start",
    containerReason: PULL,
    containerReasons: [PULL],
});
const EXIT_2 = end({ stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited", exitCode: 2 });

describe("plan/retryStrategy", () => {
    describe("retryStrategyRule (check)", () => {
        it("accepts AWS Batch's limits and any letter case of the action", () => {
            assert.equal(retryStrategyRule({}), null);
            assert.equal(retryStrategyRule({ attempts: 1 }), null);
            assert.equal(retryStrategyRule({ attempts: 10, backoffSeconds: 0 }), null);
            assert.equal(retryStrategyRule({ backoffSeconds: 3600 }), null);
            const five = Array.from({ length: 5 }, () => ({ onExitCode: "1*", action: "retry" }));
            assert.equal(retryStrategyRule({ attempts: 3, evaluateOnExit: five }), null);
            assert.equal(retryStrategyRule({ evaluateOnExit: [{ action: "Exit" }] }), null);
            assert.equal(
                retryStrategyRule({ evaluateOnExit: [{ onStatusReason: "x".repeat(511) + "*", onExitCode: "*", action: "RETRY" }] }),
                null,
            );
            assert.equal(retryStrategyRule({ attempts: null, evaluateOnExit: null }), null);
        });

        it("accepts values Pulumi does not know yet", () => {
            assert.equal(
                retryStrategyRule({
                    attempts: UNKNOWN_VALUE,
                    evaluateOnExit: [UNKNOWN_VALUE, { onReason: UNKNOWN_VALUE, action: UNKNOWN_VALUE }],
                }),
                null,
            );
            assert.equal(retryStrategyRule({ evaluateOnExit: UNKNOWN_VALUE, backoffSeconds: UNKNOWN_VALUE }), null);
        });

        const cases: [string, unknown, string][] = [
            [
                "not an object",
                3,
                '`retryStrategy` must be an object, e.g. { attempts: 3 } or { attempts: 3, evaluateOnExit: [{ onStopCode: "SpotInterruption", action: "RETRY" }] }; got 3.',
            ],
            [
                "an unknown member",
                { retries: 3 },
                "`retryStrategy.retries` is not a member of `retryStrategy`; valid: attempts, evaluateOnExit, backoffSeconds.",
            ],
            [
                "0 attempts",
                { attempts: 0 },
                "`retryStrategy.attempts` must be an integer from 1 to 10 (the first attempt included); got 0.",
            ],
            [
                "11 attempts",
                { attempts: 11 },
                "`retryStrategy.attempts` must be an integer from 1 to 10 (the first attempt included); got 11.",
            ],
            [
                "2.5 attempts",
                { attempts: 2.5 },
                "`retryStrategy.attempts` must be an integer from 1 to 10 (the first attempt included); got 2.5.",
            ],
            [
                "a negative backoff",
                { backoffSeconds: -1 },
                "`retryStrategy.backoffSeconds` must be a number of seconds from 0 to 3600; got -1.",
            ],
            [
                "a backoff over an hour",
                { backoffSeconds: 3601 },
                "`retryStrategy.backoffSeconds` must be a number of seconds from 0 to 3600; got 3601.",
            ],
            [
                "rules not a list",
                { evaluateOnExit: { action: "RETRY" } },
                '`retryStrategy.evaluateOnExit` must be a list of rules, e.g. [{ onExitCode: "75", action: "RETRY" }]; got {"action":"RETRY"}.',
            ],
            [
                "six rules",
                { evaluateOnExit: Array.from({ length: 6 }, () => ({ action: "EXIT" })) },
                "`retryStrategy.evaluateOnExit` has 6 rules; at most 5 are allowed (as in AWS Batch).",
            ],
            [
                "a rule not an object",
                { evaluateOnExit: ["RETRY"] },
                '`retryStrategy.evaluateOnExit[0]` must be an object, e.g. { onStopCode: "SpotInterruption", action: "RETRY" }; got "RETRY".',
            ],
            [
                "an unknown rule member",
                { evaluateOnExit: [{ onExit: "1", action: "RETRY" }] },
                "`retryStrategy.evaluateOnExit[0].onExit` is not a member of a rule; valid: onStopCode, onStatusReason, onReason, onExitCode, action.",
            ],
            [
                "no action",
                { evaluateOnExit: [{ onExitCode: "1" }] },
                '`retryStrategy.evaluateOnExit[0].action` must be "RETRY" or "EXIT"; got undefined.',
            ],
            [
                "another action",
                { evaluateOnExit: [{ action: "IGNORE" }] },
                '`retryStrategy.evaluateOnExit[0].action` must be "RETRY" or "EXIT"; got "IGNORE".',
            ],
            [
                "an empty pattern",
                { evaluateOnExit: [{ action: "EXIT" }, { onReason: "", action: "EXIT" }] },
                '`retryStrategy.evaluateOnExit[1].onReason` must be a non-empty pattern string; got "".',
            ],
            [
                "a `*` inside",
                { evaluateOnExit: [{ onStatusReason: "Spot*interrupted", action: "RETRY" }] },
                '`retryStrategy.evaluateOnExit[0].onStatusReason` "Spot*interrupted" has a `*` before its end; a pattern may only end with `*` (it then matches the start of the value).',
            ],
            [
                "a pattern too long",
                { evaluateOnExit: [{ onStopCode: "x".repeat(513), action: "RETRY" }] },
                "`retryStrategy.evaluateOnExit[0].onStopCode` is 513 characters; at most 512 are allowed.",
            ],
            [
                "an exit code that is not digits",
                { evaluateOnExit: [{ onExitCode: "-1", action: "RETRY" }] },
                '`retryStrategy.evaluateOnExit[0].onExitCode` "-1" must be digits, optionally ending with `*` (e.g. "1", "13*" or "*").',
            ],
        ];
        for (const [name, value, reason] of cases) {
            it(`reports ${name}`, () => {
                assert.equal(retryStrategyRule(value), reason);
            });
        }
    });

    describe("in check (validateInputs)", () => {
        const OK = { command: ["echo", "hello"], image: "alpine" };

        it("reports the strategy's problem under `retryStrategy`", () => {
            assert.deepStrictEqual(validateInputs({ ...OK, retryStrategy: { attempts: 0 }, __context: CTX }), [
                {
                    property: "retryStrategy",
                    reason: "`retryStrategy.attempts` must be an integer from 1 to 10 (the first attempt included); got 0.",
                },
            ]);
        });

        it("with more than one attempt, the tags leave room for the attempt mark", () => {
            const tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"]));
            assert.deepStrictEqual(validateInputs({ ...OK, tags, retryStrategy: { attempts: 1 }, __context: CTX }), []);
            assert.deepStrictEqual(validateInputs({ ...OK, tags, retryStrategy: { attempts: 2 }, __context: CTX }), [
                {
                    property: "tags",
                    reason:
                        "`tags` has 49 tags; AWS allows 50 per task, and with `retryStrategy.attempts` 2 this resource adds " +
                        "`ecs-task-run:inputs-hash` and `ecs-task-run:attempt`: give at most 48.",
                },
            ]);
            assert.deepStrictEqual(validateInputs({ ...OK, tags: { "ecs-task-run:attempt": "1" }, __context: CTX }), [
                { property: "tags", reason: "`tags` key `ecs-task-run:attempt` is set by this resource; use another key." },
            ]);
        });
    });

    describe("in diff: a watch-only setting", () => {
        const BASE: TaskRunSpec = { command: ["./migrate"], image: "alpine", launchType: "FARGATE_SPOT" };
        const diff = (before: TaskRunSpec, after: TaskRunSpec) =>
            diffRun(
                {
                    ...before,
                    __context: CTX,
                    plan: planRun({ ...before, __context: CTX }, {}),
                    taskArn: "arn:aws:ecs:us-east-1:123456789012:task/default/abc",
                },
                { ...after, __context: CTX, plan: planRun({ ...after, __context: CTX }, {}) },
            );

        it("a new or changed strategy updates in place and reruns nothing", () => {
            assert.deepStrictEqual(diff(BASE, { ...BASE, retryStrategy: { attempts: 3 } }), {
                changes: true,
                replaces: [],
                updates: ["retryStrategy"],
            });
            assert.deepStrictEqual(
                diff(
                    { ...BASE, retryStrategy: { attempts: 3 } },
                    { ...BASE, retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: "75", action: "RETRY" }] } },
                ),
                { changes: true, replaces: [], updates: ["retryStrategy"] },
            );
        });

        it("spelling out the defaults is no change", () => {
            assert.deepStrictEqual(diff(BASE, { ...BASE, retryStrategy: { attempts: 1, backoffSeconds: 10, evaluateOnExit: [] } }), {
                changes: false,
                replaces: [],
                updates: [],
            });
        });
    });

    describe("in the dry run (previewRun)", () => {
        it("shows the strategy with its defaults after the request when it allows several attempts", () => {
            const spec = { image: "alpine", command: ["echo", "hi"], launchType: "FARGATE_SPOT" as const };
            const text = previewRun(
                { ...spec, retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: "75", action: "retry" as "RETRY" }] } },
                { name: "hello" },
            );
            assert.ok(
                text.endsWith(
                    '---\n# Retry strategy (each attempt is a new task)\nattempts: 3\nbackoffSeconds: 10\nevaluateOnExit:\n  - action: RETRY\n    onExitCode: "75"\n',
                ),
                text,
            );
            assert.equal(previewRun({ ...spec, retryStrategy: { attempts: 1 } }, { name: "hello" }), previewRun(spec, { name: "hello" }));
        });
    });

    describe("resolveRetryStrategy", () => {
        it("applies the defaults: one attempt, no rules, 10 s", () => {
            assert.deepStrictEqual(resolveRetryStrategy(undefined), { attempts: 1, evaluateOnExit: [], backoffSeconds: 10 });
            assert.deepStrictEqual(resolveRetryStrategy({}), { attempts: 1, evaluateOnExit: [], backoffSeconds: 10 });
        });

        it("upper-cases actions and leaves out null conditions", () => {
            const given = {
                attempts: 4,
                backoffSeconds: 0,
                evaluateOnExit: [{ onExitCode: "75", onReason: null as unknown as string, action: "retry" as "RETRY" }],
            };
            assert.deepStrictEqual(resolveRetryStrategy(given), {
                attempts: 4,
                evaluateOnExit: [{ onExitCode: "75", action: "RETRY" }],
                backoffSeconds: 0,
            });
        });

        it("gives members Pulumi does not know yet their default (preview)", () => {
            const given = { attempts: UNKNOWN_VALUE, evaluateOnExit: UNKNOWN_VALUE, backoffSeconds: UNKNOWN_VALUE } as never;
            assert.deepStrictEqual(resolveRetryStrategy(given), { attempts: 1, evaluateOnExit: [], backoffSeconds: 10 });
        });
    });

    describe("matching", () => {
        it("a pattern matches the whole value, or its start when it ends with `*`; an absent value matches nothing", () => {
            assert.equal(matchesPattern("SpotInterruption", "SpotInterruption"), true);
            assert.equal(matchesPattern("Spot", "SpotInterruption"), false);
            assert.equal(matchesPattern("Spot*", "SpotInterruption"), true);
            assert.equal(matchesPattern("spot*", "SpotInterruption"), false, "letter case counts");
            assert.equal(matchesPattern("*", ""), true);
            assert.equal(matchesPattern("*", null), false);
            assert.equal(matchesPattern("1*", undefined), false);
            assert.equal(matchesPattern("CannotPullContainerError*", PULL), true);
        });

        it("a rule matches when every condition it gives matches; one without conditions matches all", () => {
            assert.equal(ruleMatches({ action: "EXIT" }, EXIT_2), true);
            assert.equal(ruleMatches({ onExitCode: "2", action: "RETRY" }, EXIT_2), true);
            assert.equal(ruleMatches({ onExitCode: "2", onStopCode: "SpotInterruption", action: "RETRY" }, EXIT_2), false);
            assert.equal(ruleMatches({ onExitCode: "14*", onStatusReason: "Your Spot*", action: "RETRY" }, SPOT), true);
            assert.equal(ruleMatches({ onExitCode: "*", action: "RETRY" }, PULL_FAILED), false, "no exit code: no match");
            assert.equal(ruleMatches({ onReason: "CannotPull*", action: "EXIT" }, PULL_FAILED), true);
        });
    });

    describe("judgeAttempt", () => {
        const none = resolveRetryStrategy({ attempts: 3 });

        it("without rules: retries a Spot interruption, a termination notice and a failed set-up", () => {
            assert.deepStrictEqual(judgeAttempt(none, SPOT), {
                action: "RETRY",
                why: "not the task's own failure: stop code SpotInterruption",
            });
            assert.deepStrictEqual(judgeAttempt(none, end({ stopCode: "TerminationNotice" })), {
                action: "RETRY",
                why: "not the task's own failure: stop code TerminationNotice",
            });
            assert.deepStrictEqual(judgeAttempt(none, PULL_FAILED), {
                action: "RETRY",
                why: "not the task's own failure: the task could not be set up (CannotPullContainerError)",
            });
        });

        it("without rules: does not retry a non-zero exit, nor a command that cannot start", () => {
            const verdict = { action: "EXIT", why: "the failure may be the task's own (no rule says to retry it)" };
            assert.deepStrictEqual(judgeAttempt(none, EXIT_2), verdict);
            const cannotStart =
                'CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: exec: "nope": executable file not found in $PATH: unknown';
            assert.deepStrictEqual(
                judgeAttempt(
                    none,
                    end({
                        stopCode: "TaskFailedToStart",
                        stoppedReason: cannotStart,
                        containerReason: cannotStart,
                        containerReasons: [cannotStart],
                    }),
                ),
                verdict,
            );
        });

        it("the first matching rule wins; none matching falls back to the default judgement", () => {
            const strategy = resolveRetryStrategy({
                attempts: 5,
                evaluateOnExit: [
                    { onExitCode: "75", action: "RETRY" },
                    { onStopCode: "SpotInterruption", action: "EXIT" },
                    { onStopCode: "Spot*", action: "RETRY" },
                ],
            });
            assert.deepStrictEqual(judgeAttempt(strategy, end({ stopCode: "EssentialContainerExited", exitCode: 75 })), {
                action: "RETRY",
                why: "retryStrategy.evaluateOnExit[0] matched",
            });
            assert.deepStrictEqual(judgeAttempt(strategy, SPOT), { action: "EXIT", why: "retryStrategy.evaluateOnExit[1] matched" });
            assert.deepStrictEqual(judgeAttempt(strategy, PULL_FAILED).action, "RETRY");
            assert.deepStrictEqual(judgeAttempt(strategy, EXIT_2).action, "EXIT");
        });

        it("a set-up failure of any container (a sidecar's image) or in the stop reason is not the task's fault", () => {
            assert.equal(
                notTheTasksFault(
                    end({ containerReason: null, containerReasons: ["ok", "ResourceInitializationError: unable to pull secrets"] }),
                ),
                "the task could not be set up (ResourceInitializationError)",
            );
            assert.equal(
                notTheTasksFault(end({ stoppedReason: "Timeout waiting for network interface provisioning to complete." })),
                "the task could not be set up (Timeout waiting for network interface provisioning)",
            );
            assert.equal(notTheTasksFault(end({ stopCode: "UserInitiated", stoppedReason: "Stopped by a person" })), undefined);
        });
    });

    describe("backoff and attempt marks", () => {
        it("waits backoffSeconds before attempt 2, doubled after, the doubling stopping at 300 s", () => {
            const s = resolveRetryStrategy({ attempts: 10, backoffSeconds: 30 });
            assert.deepStrictEqual(
                [2, 3, 4, 5, 6, 10].map((n) => backoffMs(s, n)),
                [30_000, 60_000, 120_000, 240_000, 300_000, 300_000],
            );
            assert.deepStrictEqual(
                [2, 3].map((n) => backoffMs(resolveRetryStrategy({ backoffSeconds: 0 }), n)),
                [0, 0],
            );
            assert.deepStrictEqual(
                [2, 5].map((n) => backoffMs(resolveRetryStrategy({ backoffSeconds: 600 }), n)),
                [600_000, 600_000],
            );
        });

        it("marks each attempt's request with its number only when several attempts are allowed", () => {
            const request = { taskDefinition: "app:1", tags: [{ key: "ecs-task-run:inputs-hash", value: "abc" }], count: 1 };
            assert.equal(attemptRequest(request, 1, 1), request);
            assert.deepStrictEqual(attemptRequest(request, 2, 3), {
                taskDefinition: "app:1",
                tags: [
                    { key: "ecs-task-run:inputs-hash", value: "abc" },
                    { key: "ecs-task-run:attempt", value: "2" },
                ],
                count: 1,
            });
            assert.deepStrictEqual(request.tags, [{ key: "ecs-task-run:inputs-hash", value: "abc" }], "the plan's request is not changed");
        });

        it("reads the attempt of a task from its tags; an unmarked task is attempt 1", () => {
            assert.equal(
                attemptOfTags([
                    { key: "team", value: "db" },
                    { key: "ecs-task-run:attempt", value: "3" },
                ]),
                3,
            );
            assert.equal(attemptOfTags([{ key: "team", value: "db" }]), 1);
            assert.equal(attemptOfTags(undefined), 1);
            assert.equal(attemptOfTags([{ key: "ecs-task-run:attempt", value: "x" }]), 1);
        });
    });
});
