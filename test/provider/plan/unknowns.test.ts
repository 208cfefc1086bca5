import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../../provider/plan/constants";
import { containsUnknown, isUnknown } from "../../../provider/plan/unknowns";

describe("plan/unknowns", () => {
    it("recognises Pulumi's unknown sentinel", () => {
        assert.equal(UNKNOWN_VALUE, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
        assert.deepStrictEqual([isUnknown(UNKNOWN_VALUE), isUnknown("x"), isUnknown(undefined)], [true, false, false]);
    });
    it("finds it at any depth", () => {
        assert.equal(containsUnknown({ a: [{ b: UNKNOWN_VALUE }] }), true);
        assert.equal(containsUnknown({ a: [{ b: "x" }], c: null }), false);
    });
});
