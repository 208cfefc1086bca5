import assert from "node:assert/strict";
import { ambiguousContainerMessage, ambiguousContainers, logsWithAwslogs, selectContainer } from "../../../provider/plan/container";
import { UNKNOWN_VALUE } from "../../../provider/plan/constants";
import type { ContainerDefinition } from "../../../provider/types";

describe("plan/container", () => {
    const containers = [{ name: "app", image: "app:1" }, { name: "sidecar" }];

    it("selects the named container", () => {
        assert.deepStrictEqual(selectContainer(containers, "sidecar"), { name: "sidecar" });
    });
    it("selects nothing when the named container is absent (it is then added)", () => {
        assert.equal(selectContainer(containers, "worker"), undefined);
    });
    it("selects the only container without a name, and none when there are several (a sidecar may be first)", () => {
        assert.deepStrictEqual(selectContainer([{ name: "app", image: "app:1" }], undefined), { name: "app", image: "app:1" });
        assert.equal(selectContainer(containers, undefined), undefined);
        assert.equal(selectContainer([], undefined), undefined);
        // An item not known yet (preview) is passed over.
        assert.deepStrictEqual(selectContainer([UNKNOWN_VALUE as unknown as ContainerDefinition, { name: "app" }], undefined), {
            name: "app",
        });
    });
    it("names the containers when the choice is not clear, and says to set containerName", () => {
        assert.deepStrictEqual(ambiguousContainers(containers, undefined), ["app", "sidecar"]);
        assert.equal(ambiguousContainers(containers, "sidecar"), null);
        assert.equal(ambiguousContainers([{ name: "app" }], undefined), null);
        assert.equal(ambiguousContainers([], undefined), null);
        assert.equal(
            ambiguousContainerMessage(["log-router", "app"], "`taskDefinition`"),
            "`taskDefinition` has 2 containers (log-router, app) and no `containerName` says which one runs the command: " +
                "set `containerName` to one of them (the others run beside it as sidecars).",
        );
    });
    it("tells whether a container logs with awslogs", () => {
        assert.equal(logsWithAwslogs({ name: "a", logConfiguration: { logDriver: "awslogs", options: {} } }), true);
        assert.equal(logsWithAwslogs({ name: "a", logConfiguration: { logDriver: "json-file" } }), false);
        assert.equal(logsWithAwslogs({ name: "a" }), false);
        assert.equal(logsWithAwslogs(undefined), false);
    });
});
