/**
 * States written by every earlier version of this package (`test/fixtures/states/v<N>/`, made by
 * `scripts/captureStateFixtures.ts` and kept forever) are refreshed, diffed, updated and destroyed
 * by today's code, through the real provider host, as after `npm update` of an installed package:
 * the state's `__provider` is today's provider (the installed package's stable entry point runs the
 * installed code). The AWS objects each state names are made again in a fresh local endpoint first
 * (its revision registered, its task run when the state says it still runs) and the state's ARNs
 * mapped to them.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    DescribeTaskDefinitionCommand,
    ECSClient,
    RegisterTaskDefinitionCommand,
    RunTaskCommand,
    type RunTaskCommandInput,
} from "@aws-sdk/client-ecs";
import { startEmulator, type Emulator } from "../../emulator";
import { captureProvider, REPO_ROOT, startProviderHost, type Props, type ProviderHost } from "../support/providerHost";
import { upgradePrograms } from "./programs";

const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "states");
const READ_ONLY = ["taskDefinitionArn", "revision", "status", "compatibilities", "requiresAttributes", "registeredAt", "registeredBy"];

interface Fixture {
    name: string;
    version: string;
    id: string;
    inputs: Props;
    outputs: Props;
}

function fixtures(): Fixture[] {
    return fs
        .readdirSync(FIXTURES)
        .sort()
        .flatMap((version) =>
            fs
                .readdirSync(path.join(FIXTURES, version))
                .sort()
                .map((file) => JSON.parse(fs.readFileSync(path.join(FIXTURES, version, file), "utf8")) as Fixture),
        );
}

describe("upgrade: today's code refreshes, updates and destroys every state an earlier version wrote", function () {
    this.timeout(60000);
    let emulator: Emulator;
    let host: ProviderHost;
    let ecs: ECSClient;
    let provider: string;

    before(async () => {
        emulator = await startEmulator({ port: 0, stopTimeoutScale: 0.01 });
        provider = (await captureProvider(upgradePrograms))[0].provider;
        // No region configured and another one in the environment: the state's own region must win.
        host = await startProviderHost({
            cwd: REPO_ROOT,
            env: {
                AWS_ENDPOINT_URL: emulator.url,
                AWS_REGION: "eu-west-3",
                AWS_ACCESS_KEY_ID: "test",
                AWS_SECRET_ACCESS_KEY: "test",
                AWS_PROFILE: undefined,
            },
        });
        await host.configure({});
        ecs = new ECSClient({ endpoint: emulator.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    });

    after(async () => {
        ecs?.destroy();
        await host?.close();
        await emulator?.close();
    });

    /** The fixture's AWS objects made again; its state with the ARNs mapped and today's provider. */
    async function revive(fixture: Fixture): Promise<{ id: string; state: Props; inputs: Props }> {
        const old = fixture.outputs;
        const prepared = { ...(old.preparedTaskDefinition as Record<string, unknown>) };
        for (const key of READ_ONLY) delete prepared[key];
        // Version 1 and later: the revision is managed and carries the state's use (see plan/ownership.ts).
        const use = typeof old.taskDefinitionUse === "string" ? old.taskDefinitionUse : undefined;
        const tags = use
            ? [
                  { key: "ecs-task-run:managed", value: "true" },
                  { key: use, value: "recorded" },
              ]
            : undefined;
        const registered = await ecs.send(new RegisterTaskDefinitionCommand({ ...prepared, ...(tags ? { tags } : {}) } as never));
        const arns: [string, string][] = [[String(old.taskDefinitionArn), registered.taskDefinition!.taskDefinitionArn!]];
        if (old.lastStatus !== "STOPPED") {
            const request: Record<string, unknown> = { ...(old.runTaskRequest as Record<string, unknown>), taskDefinition: arns[0][1] };
            delete request.clientToken;
            const ran = await ecs.send(new RunTaskCommand(request as unknown as RunTaskCommandInput));
            arns.push([String(old.taskArn), ran.tasks![0].taskArn!]);
        }
        let text = JSON.stringify(old);
        for (const [from, to] of arns) text = text.split(from).join(to);
        const id = arns.find(([from]) => from === fixture.id)?.[1] ?? fixture.id;
        return { id, state: { ...(JSON.parse(text) as Props), __provider: provider }, inputs: { ...fixture.inputs, __provider: provider } };
    }

    async function status(arn: string): Promise<string | undefined> {
        return (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition?.status;
    }

    for (const fixture of fixtures()) {
        it(`${fixture.version}/${fixture.name}: refresh, diff, update and destroy`, async () => {
            const { id, state, inputs } = await revive(fixture);
            // refresh: the state's region is used (the host's environment says eu-west-3).
            const read = await host.read(id, state, inputs);
            assert.equal(read.properties.taskArn, state.taskArn);
            if (state.lastStatus === "STOPPED") assert.equal(read.properties.lastStatus, "STOPPED");
            else assert.match(String(read.properties.lastStatus), /^(PROVISIONING|PENDING|RUNNING)$/);
            // diff with the same program (the region spelled out, as this host has another): nothing to do.
            const { inputs: checked, failures } = await host.check(inputs, { ...inputs, region: "us-east-1" });
            assert.deepEqual(failures, []);
            const same = await host.diff(id, read.properties, checked);
            assert.deepEqual(same.replaces, [], JSON.stringify(same));
            // update of a watch setting runs nothing and keeps the run's record.
            const runTasks = emulator.journal({ operation: "RunTask" }).length;
            const updated = await host.update(id, read.properties, { ...checked, taskWatchPollInterval: 2 });
            assert.equal(updated.properties.taskWatchPollInterval, 2);
            assert.equal(updated.properties.taskArn, state.taskArn);
            assert.equal(emulator.journal({ operation: "RunTask" }).length, runTasks);
            // destroy: stops what runs, deregisters what version 0 registered.
            await host.delete(id, updated.properties);
            assert.equal(await status(String(state.taskDefinitionArn)), "INACTIVE");
            for (const task of emulator.tasks()) assert.equal(task.desiredStatus, "STOPPED", `${task.taskArn} stopped`);
        });
    }
});
