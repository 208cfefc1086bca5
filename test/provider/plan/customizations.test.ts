import assert from "node:assert/strict";
import { applyCustomizations, findCustomizationProblem, parseCustomizations } from "../../../provider/plan/customizations";
import type { JsonPatchOperation } from "../../../provider/types";

const request = {
    taskDefinition: "arn",
    networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "ENABLED" } },
    count: 1,
};

describe("plan/customizations", () => {
    describe("parseCustomizations", () => {
        it("gives [] when there are none", () => {
            assert.deepStrictEqual(parseCustomizations(undefined), []);
            assert.deepStrictEqual(parseCustomizations("  "), []);
        });
        it("parses a JSON string", () => {
            assert.deepStrictEqual(parseCustomizations('[{"op":"add","path":"/a","value":1}]'), [{ op: "add", path: "/a", value: 1 }]);
        });
        it("copies a list", () => {
            const ops: JsonPatchOperation[] = [{ op: "remove", path: "/count" }];
            const parsed = parseCustomizations(ops);
            assert.deepStrictEqual(parsed, ops);
            assert.notEqual(parsed, ops);
        });
        it("throws a clear error on bad JSON", () => {
            assert.throws(() => parseCustomizations("[{op: add}]"), {
                message: /^`taskCustomizations` is not valid JSON \(.+\); give a list of RFC 6902 operations\.$/,
            });
        });
        it("throws when the JSON is not a list", () => {
            assert.throws(() => parseCustomizations('{"op":"add"}'), {
                message: '`taskCustomizations` must be a list of RFC 6902 operations; got {"op":"add"}.',
            });
        });
    });

    describe("applyCustomizations", () => {
        it("applies operations to a copy and returns it", () => {
            const result = applyCustomizations(request, [
                { op: "replace", path: "/networkConfiguration/awsvpcConfiguration/assignPublicIp", value: "DISABLED" },
                { op: "add", path: "/networkConfiguration/awsvpcConfiguration/securityGroups", value: ["sg-1"] },
                { op: "add", path: "/networkConfiguration/awsvpcConfiguration/subnets/-", value: "subnet-2" },
                { op: "remove", path: "/count" },
            ]);
            assert.deepStrictEqual(result, {
                taskDefinition: "arn",
                networkConfiguration: {
                    awsvpcConfiguration: { subnets: ["subnet-1", "subnet-2"], assignPublicIp: "DISABLED", securityGroups: ["sg-1"] },
                },
            });
            assert.deepStrictEqual(request.networkConfiguration.awsvpcConfiguration, { subnets: ["subnet-1"], assignPublicIp: "ENABLED" });
            assert.equal(request.count, 1);
        });
        it("returns a copy when there is nothing to apply", () => {
            const result = applyCustomizations(request, []);
            assert.deepStrictEqual(result, request);
            assert.notEqual(result, request);
        });
        it("refuses an add whose parent does not exist (RFC 6902)", () => {
            assert.throws(
                () =>
                    applyCustomizations({ count: 1 }, [
                        { op: "add", path: "/networkConfiguration/awsvpcConfiguration/subnets", value: [] },
                    ]),
                {
                    message:
                        "`taskCustomizations` operation 0 (add /networkConfiguration/awsvpcConfiguration/subnets): Cannot perform an `add` " +
                        "operation at the desired path (OPERATION_PATH_CANNOT_ADD); the planned RunTask request has no `/networkConfiguration`.",
                },
            );
        });
        it("names the failing operation by its index", () => {
            assert.throws(
                () =>
                    applyCustomizations(request, [
                        { op: "add", path: "/group", value: "g" },
                        { op: "replace", path: "/networkConfiguration/awsvpcConfiguration/securityGroups", value: [] },
                    ]),
                {
                    message:
                        "`taskCustomizations` operation 1 (replace /networkConfiguration/awsvpcConfiguration/securityGroups): Cannot perform " +
                        "the operation at a path that does not exist (OPERATION_PATH_UNRESOLVABLE); the planned RunTask request has no " +
                        "`/networkConfiguration/awsvpcConfiguration/securityGroups`.",
                },
            );
        });
    });

    describe("findCustomizationProblem", () => {
        it("accepts valid operations, with or without a document", () => {
            const ops = [
                { op: "test", path: "/count", value: 1 },
                { op: "copy", from: "/count", path: "/other" },
            ];
            assert.equal(findCustomizationProblem(ops), null);
            assert.equal(findCustomizationProblem(ops, request), null);
        });
        it("reports an operation that is not RFC 6902", () => {
            assert.deepStrictEqual(
                findCustomizationProblem([
                    { op: "add", path: "/a", value: 1 },
                    { op: "ad", path: "/a", value: 1 },
                ]),
                {
                    index: 1,
                    name: "OPERATION_OP_INVALID",
                    message:
                        "`taskCustomizations` operation 1 (ad /a): `op` must be one of add, remove, replace, move, copy, test (OPERATION_OP_INVALID).",
                },
            );
            assert.deepStrictEqual(findCustomizationProblem([{ op: "_get", path: "/a" }]), {
                index: 0,
                name: "OPERATION_OP_INVALID",
                message:
                    "`taskCustomizations` operation 0 (_get /a): `op` must be one of add, remove, replace, move, copy, test (OPERATION_OP_INVALID).",
            });
        });
        it("reports a missing value, a bad path and a missing from", () => {
            assert.equal(findCustomizationProblem([{ op: "add", path: "/a" }])?.name, "OPERATION_VALUE_REQUIRED");
            assert.deepStrictEqual(findCustomizationProblem([{ op: "remove", path: "a" }]), {
                index: 0,
                name: "OPERATION_PATH_INVALID",
                message:
                    '`taskCustomizations` operation 0 (remove a): Operation `path` property must start with "/" (OPERATION_PATH_INVALID).',
            });
            assert.equal(findCustomizationProblem([{ op: "move", path: "/a" }])?.name, "OPERATION_FROM_REQUIRED");
            assert.deepStrictEqual(findCustomizationProblem(["add"]), {
                index: 0,
                name: "OPERATION_NOT_AN_OBJECT",
                message: '`taskCustomizations` operation 0 "add": Operation is not an object (OPERATION_NOT_AN_OBJECT).',
            });
        });
        it("reports a from that does not exist", () => {
            assert.deepStrictEqual(findCustomizationProblem([{ op: "move", from: "/cluster", path: "/c" }], request), {
                index: 0,
                name: "OPERATION_FROM_UNRESOLVABLE",
                message:
                    "`taskCustomizations` operation 0 (move /c from /cluster): Cannot perform the operation from a path that does not exist " +
                    "(OPERATION_FROM_UNRESOLVABLE); the planned RunTask request has no `/cluster`.",
            });
        });
        it("checks each operation on the document as changed by the ones before", () => {
            const ops = [
                { op: "add", path: "/overrides", value: {} },
                { op: "add", path: "/overrides/cpu", value: "512" },
            ];
            assert.equal(findCustomizationProblem(ops, { count: 1 }), null);
        });
        it("reports a failed test", () => {
            assert.equal(findCustomizationProblem([{ op: "test", path: "/count", value: 2 }], request)?.name, "TEST_OPERATION_FAILED");
        });
        it("reports an item added into a string", () => {
            const problem = findCustomizationProblem([{ op: "add", path: "/taskDefinition/-", value: "x" }], request);
            assert.deepStrictEqual(problem, {
                index: 0,
                name: "OPERATION_PATH_UNRESOLVABLE",
                message:
                    "`taskCustomizations` operation 0 (add /taskDefinition/-): Cannot perform operation at the desired path (OPERATION_PATH_UNRESOLVABLE).",
            });
        });
    });
});
