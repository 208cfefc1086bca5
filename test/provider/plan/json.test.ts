import assert from "node:assert/strict";
import { canonicalJson, deepClone, isPlainObject, isStringArray, isStringRecord, jsonEqual, quote } from "../../../provider/plan/json";

describe("plan/json", () => {
    it("narrows plain values", () => {
        assert.deepStrictEqual(
            [isPlainObject({}), isPlainObject([]), isPlainObject(null), isPlainObject("x")],
            [true, false, false, false],
        );
        assert.deepStrictEqual([isStringArray(["a"]), isStringArray(["a", 1]), isStringArray("a")], [true, false, false]);
        assert.deepStrictEqual([isStringRecord({ a: "b" }), isStringRecord({ a: 1 }), isStringRecord(["a"])], [true, false, false]);
    });
    it("copies deeply", () => {
        const value = { a: [{ b: 1 }] };
        const copy = deepClone(value);
        copy.a[0].b = 2;
        assert.deepStrictEqual(value, { a: [{ b: 1 }] });
    });
    it("compares JSON whatever the key order, ignoring undefined members", () => {
        assert.equal(canonicalJson({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: undefined } }), '{"a":{"d":[1,{"e":2,"f":1}]},"b":1}');
        assert.equal(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 }), true);
        assert.equal(jsonEqual([1, 2], [2, 1]), false);
        assert.equal(jsonEqual(undefined, undefined), true);
    });
    it("quotes values for messages, cut to a length", () => {
        assert.equal(quote("echo hi"), '"echo hi"');
        assert.equal(quote(undefined), "undefined");
        assert.equal(quote("x".repeat(100), 10), '"xxxxxxxx…');
    });
});
