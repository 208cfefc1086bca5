/**
 * Values of secret inputs never appear in what the provider shows: the plan (`check`), the log
 * tail in state (`toOutputs`) and the lines written to the deployment's output (`makeAwsPorts`).
 * Checked through those public functions, with secrets that overlap (`abc` inside `abcdef`),
 * occur more than once, and are numbers or booleans.
 */
import assert from "node:assert/strict";
import { checkInputs } from "../../../provider/lifecycle/checkInputs";
import { makeAwsPorts } from "../../../provider/lifecycle/runPortsOnAws";
import { REDACTED, redactDeep, redactText, secretStrings } from "../../../provider/plan/redact";
import type { CheckedInputs, TaskRunInputs } from "../../../provider/types";
import { CONTEXT, REGION, stateOf } from "./sdkMocks";

const S = REDACTED;

/** Inputs with two overlapping secrets in `env`, given short one first. */
function secretInputs(extra: Partial<TaskRunInputs> = {}): TaskRunInputs {
    return {
        region: REGION,
        image: "alpine:3.20",
        command: ["sh", "-c", "echo abcdef"],
        env: { SHORT: "abc", LONG: "abcdef", OTHER: "xyz" },
        __context: { ...CONTEXT },
        __secretKeys: ["env"],
        ...extra,
    };
}

async function checkedOf(inputs: TaskRunInputs): Promise<CheckedInputs> {
    const out = await checkInputs(inputs);
    assert.deepEqual(out.failures ?? [], []);
    return out.inputs as CheckedInputs;
}

describe("redaction of secret inputs", () => {
    describe("secretStrings", () => {
        it("collects the strings, numbers and booleans of the secret inputs, at any depth, once each, longest first", () => {
            const inputs = {
                env: { A: "abc", B: "abcdef", C: "abc", EMPTY: "", GONE: null },
                cpu: 4096,
                enableExecuteCommand: true,
                command: ["psql", ["-p", "pw1"]],
                image: "not-secret",
            };
            assert.deepEqual(secretStrings(inputs, ["env", "cpu", "enableExecuteCommand", "command"]), [
                "abcdef",
                "4096",
                "true",
                "psql",
                "abc",
                "pw1",
                "-p",
            ]);
        });

        it("a secret string that is JSON of an object or a list adds its parsed leaves; other text is only itself", () => {
            assert.deepEqual(secretStrings({ t: ' [ "ab", { "k": "cd" } ] ' }, ["t"]), [' [ "ab", { "k": "cd" } ] ', "ab", "cd"]);
            assert.deepEqual(secretStrings({ t: '{"k":"xyz"}' }, ["t"]), ['{"k":"xyz"}', "xyz"]);
            assert.deepEqual(secretStrings({ t: ["123", '"quoted"', "[not json", "x{"] }, ["t"]), ["[not json", '"quoted"', "123", "x{"]);
        });

        it("is empty when no input is secret, or the secret input is not given", () => {
            assert.deepEqual(secretStrings({ env: { A: "abc" } }, undefined), []);
            assert.deepEqual(secretStrings({ env: { A: "abc" } }, []), []);
            assert.deepEqual(secretStrings({ env: { A: "abc" } }, ["tags"]), []);
        });
    });

    describe("redactText and redactDeep", () => {
        it("replace every occurrence, the longest secret first (no `def` left of `abcdef`)", () => {
            const secrets = secretStrings({ env: { SHORT: "abc", LONG: "abcdef" } }, ["env"]);
            assert.equal(redactText("abcdef, abc and abcdef again", secrets), `${S}, ${S} and ${S} again`);
            assert.equal(redactText("nothing here", secrets), "nothing here");
            assert.deepEqual(redactDeep({ a: ["x abcdef", "abc abc"] }, secrets), { a: [`x ${S}`, `${S} ${S}`] });
        });

        it("redactDeep replaces numbers and booleans equal to a secret, keeps the others, null and the shape, and copies", () => {
            const value = {
                port: 5432,
                other: 1,
                flag: true,
                off: false,
                none: null,
                list: [5432, "5432/tcp"],
                single: [5432],
                nested: { n: 5432 },
            };
            assert.deepEqual(redactDeep(value, ["5432", "true"]), {
                port: S,
                other: 1,
                flag: S,
                off: false,
                none: null,
                list: [S, `${S}/tcp`],
                single: [S],
                nested: { n: S },
            });
            assert.equal(value.port, 5432, "the input is not changed");
        });

        it("redactDeep without secrets answers the value itself", () => {
            const value = { a: "abc" };
            assert.equal(redactDeep(value, []), value);
        });
    });

    describe("through the provider's public functions", () => {
        it("check: the plan shows no value of the secret input, nor a part of the longer one", async () => {
            const inputs = await checkedOf(secretInputs());
            const text = JSON.stringify(inputs.plan);
            assert.ok(!text.includes("abc"), text);
            assert.ok(!text.includes(`${S}def`), text);
            const override = (
                inputs.plan.runTaskRequest.overrides as {
                    containerOverrides: { command: string[]; environment: { name: string; value: string }[] }[];
                }
            ).containerOverrides[0];
            assert.deepEqual(override.command, ["sh", "-c", `echo ${S}`]);
            assert.deepEqual(Object.fromEntries(override.environment.map((e) => [e.name, e.value])), { SHORT: S, LONG: S, OTHER: S });
        });

        it("check: a secret number is redacted from the plan (cpu given as a secret)", async () => {
            const inputs = await checkedOf(secretInputs({ cpu: 4096, memory: 8192, __secretKeys: ["cpu"] }));
            assert.equal(inputs.plan.taskDefinition?.cpu, S);
            assert.equal(inputs.plan.taskDefinition?.memory, "8192");
        });

        it("state: the log tail has every occurrence of every secret redacted", async () => {
            const inputs = await checkedOf(secretInputs());
            const state = stateOf(inputs, { logTail: ["password abcdef", "abc then abc", "fine"] });
            assert.deepEqual(state.logTail, [`password ${S}`, `${S} then ${S}`, "fine"]);
        });

        it("output: lines written to the deployment's output are redacted", async () => {
            const inputs = await checkedOf(secretInputs({ __secretKeys: ["env", "cpu"], cpu: 2048, memory: 4096 }));
            const ports = await makeAwsPorts(inputs);
            const written: string[] = [];
            const realWrite = process.stdout.write.bind(process.stdout);
            process.stdout.write = ((chunk: string | Uint8Array) => {
                written.push(String(chunk));
                return true;
            }) as typeof process.stdout.write;
            try {
                ports.log("abcdef abc cpu=2048 visible");
            } finally {
                process.stdout.write = realWrite;
            }
            assert.deepEqual(written, [`${S} ${S} cpu=${S} visible\n`]);
        });
    });
});
