import assert from "node:assert/strict";
import { parseArgs } from "../../emulator/cli";

describe("emulator: CLI arguments", () => {
    it("defaults to port 4566", () => {
        assert.equal(parseArgs([]).emulator.port, 4566);
    });

    it("reads delays, throttling and missing images", () => {
        const { emulator, quiet } = parseArgs([
            "--port",
            "0",
            "--pending-ms=5",
            "--provisioning-ms",
            "1",
            "--deprovisioning-ms",
            "2",
            "--throttle",
            "--missing-image",
            "a",
            "--missing-image",
            "b",
            "--stop-timeout-scale",
            "0.1",
            "--region",
            "eu-west-1",
            "--quiet",
        ]);
        assert.equal(emulator.port, 0);
        assert.deepEqual(emulator.delays, { pendingMs: 5, provisioningMs: 1, deprovisioningMs: 2 });
        assert.equal(emulator.throttling, true);
        assert.deepEqual(emulator.missingImages, ["a", "b"]);
        assert.equal(emulator.stopTimeoutScale, 0.1);
        assert.equal(emulator.region, "eu-west-1");
        assert.equal(quiet, true);
    });

    it("reads Spot interruptions and failed starts as faults to start with", () => {
        assert.deepEqual(parseArgs(["--interrupt-tasks", "2", "--fail-starts=1"]).emulator.faults, {
            interruptTasks: { count: 2 },
            failStarts: { count: 1 },
        });
        assert.throws(() => parseArgs(["--fail-starts", "x"]), /--fail-starts needs a number/);
    });

    it("rejects unknown options and bad numbers", () => {
        assert.throws(() => parseArgs(["--nope"]), /unknown option/);
        assert.throws(() => parseArgs(["--port", "x"]), /--port needs a number/);
    });
});
