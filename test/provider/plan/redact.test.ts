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
                overrides: { containerOverrides: [{ name: "main", environment: [{ name: "DB_PASSWORD", value: "hunter2" }], command: ["sh", "-c", "psql -p hunter2"] }] },
                count: 1,
            },
        };
        assert.deepEqual(redactDeep(plan, ["hunter2"]), {
            runTaskRequest: {
                overrides: { containerOverrides: [{ name: "main", environment: [{ name: "DB_PASSWORD", value: REDACTED }], command: ["sh", "-c", `psql -p ${REDACTED}`] }] },
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
});
