/**
 * Writes the states this version of the package writes, as fixtures for the upgrade test
 * (`test/upgrade/`): each program of `test/upgrade/programs.ts` is checked and created through the
 * real provider host against the local ECS endpoint, and the resulting state (the engine's
 * `outputs`, and the checked `inputs`) is saved to `test/fixtures/states/v<N>/<name>.json`.
 *
 *   npx ts-node --transpile-only scripts/captureStateFixtures.ts v1
 *
 * Run it once for each new state version, and keep every folder forever: newer code must refresh,
 * update and destroy every state an older version wrote. `__provider` is left out (the test puts
 * the current provider in, as the engine does when the installed package is newer than the state).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { captureProvider, REPO_ROOT, startProviderHost, type Props } from "../test/support/providerHost";
import { upgradePrograms } from "../test/upgrade/programs";

async function main(): Promise<void> {
    const version = process.argv[2];
    if (!version || !/^v\d+$/.test(version)) throw new Error("usage: captureStateFixtures.ts v<N>");
    const out = path.join(REPO_ROOT, "test", "fixtures", "states", version);
    fs.mkdirSync(out, { recursive: true });
    const emulator = await startEmulator({ port: 0, stopTimeoutScale: 0.01 });
    const host = await startProviderHost({
        cwd: REPO_ROOT,
        env: {
            AWS_ENDPOINT_URL: emulator.url,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "test",
            AWS_SECRET_ACCESS_KEY: "test",
            AWS_PROFILE: undefined,
        },
    });
    try {
        await host.configure({ "aws:region": "us-east-1" });
        for (const resource of await captureProvider(upgradePrograms)) {
            const { inputs, failures } = await host.check({}, resource.inputs);
            if (failures.length > 0) throw new Error(`${resource.name}: ${JSON.stringify(failures)}`);
            const created = await host.create(inputs);
            const strip = (props: Props): Props => Object.fromEntries(Object.entries(props).filter(([key]) => key !== "__provider"));
            const fixture = { name: resource.name, version, id: created.id, inputs: strip(inputs), outputs: strip(created.properties) };
            fs.writeFileSync(path.join(out, `${resource.name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
            console.log(`wrote ${path.relative(REPO_ROOT, path.join(out, `${resource.name}.json`))}`);
        }
    } finally {
        await host.close();
        await emulator.close();
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
