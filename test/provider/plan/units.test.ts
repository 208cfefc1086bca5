import assert from "node:assert/strict";
import { parseCpu, parseMemory } from "../../../provider/plan/units";

describe("plan/units", () => {
    it("reads CPU units in every form ECS takes", () => {
        assert.deepStrictEqual(
            [parseCpu(1024), parseCpu("512"), parseCpu("1 vCPU"), parseCpu("0.25 vcpu"), parseCpu(" 2vCPU ")],
            [1024, 512, 1024, 256, 2048],
        );
    });
    it("reads memory in every form ECS takes", () => {
        assert.deepStrictEqual(
            [parseMemory(2048), parseMemory("3072"), parseMemory("2 GB"), parseMemory("0.5GB")],
            [2048, 3072, 2048, 512],
        );
    });
    it("refuses what is not a size", () => {
        assert.deepStrictEqual(
            [
                parseCpu(0),
                parseCpu(-1),
                parseCpu(1.5),
                parseCpu("1 GB"),
                parseCpu("abc"),
                parseCpu(null),
                parseMemory("2 vCPU"),
                parseMemory("0"),
            ],
            [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined],
        );
    });
});
