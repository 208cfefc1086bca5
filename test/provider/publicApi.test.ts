import { strict as assert } from "node:assert";
import * as api from "../../provider";

describe("the package's public API (provider/index.ts)", () => {
    it("exports the resource and previewRun as values, nothing internal", () => {
        assert.deepEqual(Object.keys(api).sort(), ["EcsTaskRun", "previewRun"]);
        assert.equal(typeof api.EcsTaskRun, "function");
        assert.equal(typeof api.previewRun, "function");
    });
});
