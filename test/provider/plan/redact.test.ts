import { strict as assert } from "node:assert";
import { redactDeep, redactText, secretStrings, REDACTED } from "../../../provider/plan/redact";

describe("plan/redact", () => {
    it("collects the string leaves of the secret inputs only, longest first", () => {
        const inputs = { env: { DB_PASSWORD: "hunter2", MODE: "fast" }, command: ["echo", "hi"], image: "alpine" };
        assert.deepEqual(secretStrings(inputs, ["env"]), ["hunter2", "fast"]);
        assert.deepEqual(secretStrings(inputs, undefined), []);
    });

    it("replaces secrets inside strings at any depth and keeps the shape", () => {
        const plan = {
            runTaskRequest: {
                overrides: {
                    containerOverrides: [
                        {
                            name: "main",
                            environment: [{ name: "DB_PASSWORD", value: "hunter2" }],
                            command: ["sh", "-c", "psql -p hunter2"],
                        },
                    ],
                },
                count: 1,
            },
        };
        assert.deepEqual(redactDeep(plan, ["hunter2"]), {
            runTaskRequest: {
                overrides: {
                    containerOverrides: [
                        {
                            name: "main",
                            environment: [{ name: "DB_PASSWORD", value: REDACTED }],
                            command: ["sh", "-c", `psql -p ${REDACTED}`],
                        },
                    ],
                },
                count: 1,
            },
        });
        assert.equal(plan.runTaskRequest.overrides.containerOverrides[0].environment[0].value, "hunter2", "input not mutated");
    });

    it("redacts numbers equal to a secret and text lines", () => {
        assert.deepEqual(redactDeep({ port: 5432, other: 1 }, ["5432"]), { port: REDACTED, other: 1 });
        assert.equal(redactText("password is hunter2!", ["hunter2"]), `password is ${REDACTED}!`);
        assert.deepEqual(redactDeep({ a: "x" }, []), { a: "x" });
    });

    it("collects the parsed leaves of a secret JSON string (taskCustomizations given as text), so the plan's parsed values are redacted", () => {
        const text = JSON.stringify([
            { op: "add", path: "/overrides/containerOverrides/0/environment", value: [{ name: "TOKEN", value: "s3cr3t-token" }] },
        ]);
        const secrets = secretStrings({ taskCustomizations: text }, ["taskCustomizations"]);
        assert.ok(secrets.includes("s3cr3t-token"), JSON.stringify(secrets));
        assert.ok(secrets.includes(text));
        const plan = {
            runTaskRequest: { overrides: { containerOverrides: [{ environment: [{ name: "TOKEN", value: "s3cr3t-token" }] }] } },
        };
        assert.equal(JSON.stringify(redactDeep(plan, secrets)).includes("s3cr3t-token"), false);
        // Text that is not JSON of an object or a list is only itself.
        assert.deepEqual(secretStrings({ a: "[not json" }, ["a"]), ["[not json"]);
        assert.deepEqual(secretStrings({ a: "42" }, ["a"]), ["42"]);
    });
});
