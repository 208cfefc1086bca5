import assert from "node:assert/strict";
import { inputsHash, startedByFor } from "../../../provider/plan/runIdentity";
import { CTX, settingsOf } from "./fixtures";

describe("plan/runIdentity", () => {
    describe("startedByFor", () => {
        it("is etr- and 32 hex digits of the resource's identity, within RunTask's limits", () => {
            const startedBy = startedByFor(CTX);
            assert.equal(startedBy, "etr-afa6e2562384edaa90f105b30f48de87");
            assert.match(startedBy, /^[A-Za-z0-9_/-]{1,36}$/);
        });
        it("differs per project, stack and name, and is stable", () => {
            const values = [CTX, { ...CTX, project: "x" }, { ...CTX, stack: "prod" }, { ...CTX, name: "other" }].map(startedByFor);
            assert.equal(new Set(values).size, 4);
            assert.equal(startedByFor({ ...CTX }), values[0]);
        });
        it("stays short whatever the names", () => {
            assert.equal(startedByFor({ project: "p".repeat(500), stack: "s/ü", name: "n n" }).length, 36);
        });
    });

    describe("inputsHash", () => {
        const spec = { command: ["echo", "hi"], image: "alpine", env: { A: "1", B: "2" } };

        it("is 32 hex digits and stable", () => {
            const hash = inputsHash(settingsOf(spec), CTX);
            assert.match(hash, /^[0-9a-f]{32}$/);
            assert.equal(hash, "25c7ab6e0d6ea89e4ee2277940fc837e");
        });
        it("does not depend on key order or on defaults given explicitly", () => {
            const same = { env: { B: "2", A: "1" }, image: "alpine", command: ["echo", "hi"], launchType: "FARGATE" as const, tags: {} };
            assert.equal(inputsHash(settingsOf(same), CTX), inputsHash(settingsOf(spec), CTX));
        });
        it("ignores the settings that only watch the run", () => {
            const watched = {
                ...spec,
                streamOutput: true,
                configureCloudwatchLogs: false,
                taskStartTimeoutSeconds: 10,
                taskWatchPollInterval: 1,
                autoDeregisterTaskDefinition: false,
                waitForCompletion: false,
                failOnNonZeroExit: false,
            };
            assert.equal(inputsHash(settingsOf(watched), CTX), inputsHash(settingsOf(spec), CTX));
        });
        it("changes with what defines the run and with the resource", () => {
            const base = inputsHash(settingsOf(spec), CTX);
            const changed = [
                { ...spec, command: ["echo", "ho"] },
                { ...spec, env: { A: "1" } },
                { ...spec, triggers: [1] },
                { ...spec, cpu: 512 },
                { ...spec, taskCustomizations: [{ op: "remove" as const, path: "/count" }] },
                { ...spec, region: "eu-west-1" },
            ].map((s) => inputsHash(settingsOf(s), CTX));
            assert.ok(changed.every((h) => h !== base));
            assert.notEqual(inputsHash(settingsOf(spec), { ...CTX, name: "other" }), base);
        });
    });
});
