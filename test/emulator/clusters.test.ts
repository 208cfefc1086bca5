import assert from "node:assert/strict";
import {
    ClusterContainsTasksException,
    ClusterNotFoundException,
    CreateClusterCommand,
    DeleteClusterCommand,
    DescribeClustersCommand,
    InvalidParameterException,
    ListTagsForResourceCommand,
    TagResourceCommand,
    UntagResourceCommand,
    StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { startEmulator, type Emulator } from "../../emulator";
import { clientsFor, destroyClients, errorOf, registerSimple, runOne, waitForStatus, type Clients } from "./helpers";

describe("emulator: clusters and tags", () => {
    let emulator: Emulator;
    let c: Clients;

    before(async () => {
        emulator = await startEmulator();
        c = clientsFor(emulator);
    });
    after(async () => {
        destroyClients(c);
        await emulator.close();
    });

    it("has a default cluster", async () => {
        const out = await c.ecs.send(new DescribeClustersCommand({}));
        assert.equal(out.clusters?.[0].clusterName, "default");
        assert.equal(out.clusters?.[0].clusterArn, "arn:aws:ecs:us-east-1:123456789012:cluster/default");
        assert.equal(out.clusters?.[0].status, "ACTIVE");
    });

    it("creates, describes (unknown = MISSING failure) and deletes clusters", async () => {
        const created = await c.ecs.send(new CreateClusterCommand({ clusterName: "work", tags: [{ key: "a", value: "b" }] }));
        assert.equal(created.cluster?.clusterArn, "arn:aws:ecs:us-east-1:123456789012:cluster/work");
        const described = await c.ecs.send(new DescribeClustersCommand({ clusters: ["work", "ghost"], include: ["TAGS"] }));
        assert.equal(described.clusters?.length, 1);
        assert.deepEqual(described.clusters?.[0].tags, [{ key: "a", value: "b" }]);
        assert.deepEqual(described.failures, [{ arn: "arn:aws:ecs:us-east-1:123456789012:cluster/ghost", reason: "MISSING" }]);
        const deleted = await c.ecs.send(new DeleteClusterCommand({ cluster: "work" }));
        assert.equal(deleted.cluster?.status, "INACTIVE");
        const err = await errorOf(c.ecs.send(new DeleteClusterCommand({ cluster: "work" })));
        assert.ok(err instanceof ClusterNotFoundException);
    });

    it("refuses to delete a cluster with active tasks", async () => {
        await c.ecs.send(new CreateClusterCommand({ clusterName: "busy" }));
        await registerSimple(c.ecs, "sleeper", { command: ["sleep", "30"] });
        const arn = await runOne(c.ecs, { cluster: "busy", taskDefinition: "sleeper" });
        const err = await errorOf(c.ecs.send(new DeleteClusterCommand({ cluster: "busy" })));
        assert.ok(err instanceof ClusterContainsTasksException, err.name);
        await c.ecs.send(new StopTaskCommand({ cluster: "busy", task: arn }));
        await waitForStatus(c.ecs, arn, "STOPPED", "busy");
    });

    it("RunTask on an unknown cluster raises ClusterNotFoundException", async () => {
        await registerSimple(c.ecs, "anything", { command: ["true"] });
        const err = await errorOf(runOne(c.ecs, { cluster: "nope", taskDefinition: "anything" }));
        assert.ok(err instanceof ClusterNotFoundException, err.name);
        assert.equal(err.message, "Cluster not found.");
    });

    it("tags clusters, task definitions and tasks", async () => {
        const cluster = (await c.ecs.send(new CreateClusterCommand({ clusterName: "tagged" }))).cluster!.clusterArn!;
        await c.ecs.send(
            new TagResourceCommand({
                resourceArn: cluster,
                tags: [
                    { key: "x", value: "1" },
                    { key: "y", value: "2" },
                ],
            }),
        );
        await c.ecs.send(new UntagResourceCommand({ resourceArn: cluster, tagKeys: ["y"] }));
        const tags = await c.ecs.send(new ListTagsForResourceCommand({ resourceArn: cluster }));
        assert.deepEqual(tags.tags, [{ key: "x", value: "1" }]);

        const td = await registerSimple(c.ecs, "tagdef", { command: ["true"] });
        await c.ecs.send(new TagResourceCommand({ resourceArn: td, tags: [{ key: "t", value: "d" }] }));
        assert.deepEqual((await c.ecs.send(new ListTagsForResourceCommand({ resourceArn: td }))).tags, [{ key: "t", value: "d" }]);

        const task = await runOne(c.ecs, { taskDefinition: td, tags: [{ key: "run", value: "1" }] });
        assert.deepEqual((await c.ecs.send(new ListTagsForResourceCommand({ resourceArn: task }))).tags, [{ key: "run", value: "1" }]);
        await waitForStatus(c.ecs, task);

        const err = await errorOf(
            c.ecs.send(new ListTagsForResourceCommand({ resourceArn: "arn:aws:ecs:us-east-1:123456789012:task/default/0123" })),
        );
        assert.ok(err instanceof InvalidParameterException, err.name);
    });
});
