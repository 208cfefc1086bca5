import assert from "node:assert/strict";
import { logsWithAwslogs, selectContainer } from "../../../provider/plan/container";

describe("plan/container", () => {
    const containers = [{ name: "app", image: "app:1" }, { name: "sidecar" }];

    it("selects the named container", () => {
        assert.deepStrictEqual(selectContainer(containers, "sidecar"), { name: "sidecar" });
    });
    it("selects nothing when the named container is absent (it is then added)", () => {
        assert.equal(selectContainer(containers, "worker"), undefined);
    });
    it("selects the first container without a name", () => {
        assert.deepStrictEqual(selectContainer(containers, undefined), { name: "app", image: "app:1" });
        assert.equal(selectContainer([], undefined), undefined);
    });
    it("tells whether a container logs with awslogs", () => {
        assert.equal(logsWithAwslogs({ name: "a", logConfiguration: { logDriver: "awslogs", options: {} } }), true);
        assert.equal(logsWithAwslogs({ name: "a", logConfiguration: { logDriver: "json-file" } }), false);
        assert.equal(logsWithAwslogs({ name: "a" }), false);
        assert.equal(logsWithAwslogs(undefined), false);
    });
});
