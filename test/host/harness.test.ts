/**
 * Proves the harness of test/support/providerHost.ts on its own, with a tiny provider
 * (fixtures/echo.ts): capture under mocks, then Configure/Check/Diff/Create/Update/Read/Delete
 * through the real dynamic provider host over gRPC.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
    CaptureError,
    captureProvider,
    captureResources,
    ProviderCallError,
    REPO_ROOT,
    startProviderHost,
    type CapturedResource,
    type ProviderHost,
} from "../support/providerHost";
import { Echo } from "./fixtures/echo";
import { Bad, clientProvider, mapProvider, moduleStateProvider } from "./fixtures/badProviders";

const ECHO_TYPE = "pulumi-nodejs:dynamic/echo:Echo";

describe("harness: captureProvider", () => {
    it("returns each registered resource with its serialized provider and inputs", async () => {
        const resources = await captureProvider(() => {
            new Echo("first", { greeting: "hello", size: 2 }, { additionalSecretOutputs: ["shout"] });
        });
        assert.equal(resources.length, 1);
        const [echo] = resources;
        assert.equal(echo.type, ECHO_TYPE);
        assert.equal(echo.name, "first");
        assert.equal(echo.urn, `urn:pulumi:test::test-project::${ECHO_TYPE}::first`);
        assert.equal(echo.inputs.greeting, "hello");
        assert.equal(echo.inputs.size, 2);
        assert.equal(echo.inputs.__provider, echo.provider);
        assert.match(echo.provider, /^exports\.handler = /);
        assert.match(echo.provider, /echo says/);
        assert.deepEqual(echo.additionalSecretOutputs, ["shout"]);
    });

    it("can run several programs in one process, each under fresh mocks", async () => {
        const first = await captureProvider(() => {
            new Echo("a", { greeting: "a" });
        });
        const second = await captureProvider(
            () => {
                new Echo("b", { greeting: "b" });
                new Echo("c", { greeting: "c" });
            },
            { project: "other", stack: "dev" },
        );
        assert.deepEqual(
            first.map((r) => r.name),
            ["a"],
        );
        assert.deepEqual(second.map((r) => r.name).sort(), ["b", "c"]);
        assert.ok(second.every((r) => r.urn.startsWith("urn:pulumi:dev::other::")));
    });

    it("waits for resources whose inputs come from other resources, and records dependencies", async () => {
        const resources = await captureResources(
            () => {
                const first = new Echo("upstream", { greeting: "up" });
                new Echo("downstream", { greeting: first.shout.apply((s) => `after ${s}`) }, { dependsOn: [first] });
            },
            {
                newResource: (args) => ({
                    id: `${args.name}-id`,
                    state: { ...args.inputs, shout: String(args.inputs.greeting).toUpperCase() },
                }),
            },
        );
        const byName = Object.fromEntries(resources.map((r) => [r.name, r])) as Record<string, CapturedResource>;
        assert.equal(byName.downstream.inputs.greeting, "after UP");
        assert.ok(byName.downstream.dependencies.includes(byName.upstream.urn));
    });

    it("unwraps secrets as the engine does for a dynamic provider, and names the secret inputs", async () => {
        const [echo] = await captureProvider(() => {
            new Echo("secret", { greeting: pulumi.secret("psst") });
        });
        assert.equal(echo.inputs.greeting, "psst");
        assert.deepEqual(echo.secretInputs, ["greeting"]);
    });

    it("rejects when the program's provider cannot be serialized", async () => {
        await assert.rejects(
            captureProvider(() => {
                new Bad(clientProvider, "client");
            }),
            (error: unknown) => error instanceof CaptureError && /error serializing property "__provider"/.test(error.message),
        );
        // and the mocks still work afterwards
        const after = await captureProvider(() => {
            new Echo("after", { greeting: "ok" });
        });
        assert.equal(after.length, 1);
    });
});

describe("harness: startProviderHost", function () {
    this.timeout(30000);
    let host: ProviderHost;
    let echo: CapturedResource;

    before(async () => {
        [echo] = await captureProvider(() => {
            new Echo("e", { greeting: "hello" });
        });
        host = await startProviderHost({ cwd: REPO_ROOT });
        await host.configure({ "aws:region": "eu-west-3" });
    });
    after(async () => {
        await host?.close();
    });

    it("Check returns checked inputs (with __provider) and failures", async () => {
        const good = await host.check({}, echo.inputs);
        assert.deepEqual(good.failures, []);
        assert.equal(good.inputs.size, 1);
        assert.equal(good.inputs.__provider, echo.provider);

        const bad = await host.check({}, { ...echo.inputs, size: 0 });
        assert.deepEqual(bad.failures, [{ property: "size", reason: "size must be a positive integer, got 0" }]);
    });

    it("Create returns the id and outputs; Configure reached the provider; the provider's log lines show", async () => {
        const { inputs } = await host.check({}, echo.inputs);
        const created = await host.create(inputs);
        assert.equal(created.id, "echo-hello");
        assert.equal(created.properties.shout, "HELLO");
        assert.equal(created.properties.region, "eu-west-3");
        assert.equal(created.properties.__provider, echo.provider);
        await host.waitForOutput("echo says hello");
    });

    it("a failed Create rejects with the provider's message", async () => {
        const { inputs } = await host.check({}, { ...echo.inputs, fail: "no capacity" });
        await assert.rejects(
            host.create(inputs),
            (error: unknown) =>
                error instanceof ProviderCallError && error.method === "Create" && error.message === "echo refused: no capacity",
        );
    });

    it("Diff, Update, Read and Delete", async () => {
        const { inputs } = await host.check({}, echo.inputs);
        const { id, properties } = await host.create(inputs);

        assert.deepEqual(await host.diff(id, properties, inputs), { changes: "DIFF_NONE", replaces: [], deleteBeforeReplace: false });
        const resized = (await host.check(inputs, { ...echo.inputs, size: 3 })).inputs;
        assert.deepEqual(await host.diff(id, properties, resized), { changes: "DIFF_SOME", replaces: [], deleteBeforeReplace: false });
        const renamed = (await host.check(inputs, { ...echo.inputs, greeting: "bye" })).inputs;
        assert.deepEqual((await host.diff(id, properties, renamed)).replaces, ["greeting"]);

        const updated = await host.update(id, properties, resized);
        assert.equal(updated.properties.updated, true);
        assert.equal(updated.properties.size, 3);

        const read = await host.read(id, updated.properties);
        assert.equal(read.id, id);
        assert.equal(read.properties.refreshed, true);

        await host.delete(id, read.properties);
        await host.waitForOutput(`echo deleted ${id}`);
        await host.cancel();
    });

    it("kill ends the host", async () => {
        const other = await startProviderHost({ cwd: REPO_ROOT });
        other.kill("SIGKILL");
        assert.deepEqual(await other.exited, { code: null, signal: "SIGKILL" });
        await other.close();
    });
});

describe("harness: what breaks a dynamic provider (tried once)", function () {
    this.timeout(30000);
    let host: ProviderHost;
    before(async () => {
        host = await startProviderHost({ cwd: REPO_ROOT });
        await host.configure({ "aws:region": "eu-west-3" });
    });
    after(async () => {
        await host?.close();
    });

    it("a Map captured at module level serializes, but fails in the host", async () => {
        const [bad] = await captureProvider(() => {
            new Bad(mapProvider, "map");
        });
        assert.match(bad.provider, /Map\.prototype\.set/);
        await assert.rejects(host.create(bad.inputs), /Map\.prototype\.(get|set) called on incompatible receiver/);
    });

    it("state kept in a module-level let by configure is not seen by create", async () => {
        const [bad] = await captureProvider(() => {
            new Bad(moduleStateProvider, "state");
        });
        const created = await host.create(bad.inputs);
        assert.equal(created.properties.region, null);
    });
});
