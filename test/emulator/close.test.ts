import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { startEmulator } from "../../emulator";
import { alive, awslogs, clientsFor, destroyClients, registerSimple, runOne, waitFor, waitForStatus } from "./helpers";

/** Pids whose environment carries the emulator's marker variable for one of these tasks (Linux). */
function processesOfTasks(taskIds: string[]): number[] {
    const found: number[] = [];
    let names: string[] = [];
    try {
        names = readdirSync("/proc");
    } catch {
        return found;
    }
    for (const name of names) {
        if (!/^\d+$/.test(name)) continue;
        try {
            const env = readFileSync(`/proc/${name}/environ`, "utf8");
            if (taskIds.some((id) => env.includes(`/v4/${id}-`)) && alive(Number(name))) found.push(Number(name));
        } catch {
            // gone or not ours
        }
    }
    return found;
}

describe("emulator: close()", () => {
    it("kills every task process, including processes the container left behind", async () => {
        const emulator = await startEmulator();
        const c = clientsFor(emulator);
        try {
            await c.logs.send(new CreateLogGroupCommand({ logGroupName: "/close" }));
            await registerSimple(c.ecs, "sleeper", { command: ["sleep", "60"] });
            // A shell that backgrounds a grandchild and waits: the grandchild is not a direct child of the emulator.
            await registerSimple(c.ecs, "forker", {
                command: ["sh", "-c", "sleep 60 & echo started; wait"],
                logConfiguration: awslogs("/close"),
            });
            const arns = [
                await runOne(c.ecs, { taskDefinition: "sleeper" }),
                await runOne(c.ecs, { taskDefinition: "sleeper" }),
                await runOne(c.ecs, { taskDefinition: "forker" }),
            ];
            for (const arn of arns) await waitForStatus(c.ecs, arn, "RUNNING");
            const pids = emulator.livePids();
            assert.equal(pids.length, 3);
            const taskIds = arns.map((a) => a.slice(a.lastIndexOf("/") + 1));
            if (process.platform === "linux") {
                await waitFor("the grandchild", async () => (processesOfTasks(taskIds).length >= 4 ? true : undefined));
            }
            await emulator.close();
            for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still alive`);
            if (process.platform === "linux") {
                await waitFor("no leftovers", async () => (processesOfTasks(taskIds).length === 0 ? true : undefined), 3000);
            }
            assert.deepEqual(emulator.livePids(), []);
        } finally {
            destroyClients(c);
            await emulator.close();
        }
    });

    it("kills the leftovers of a container whose main process exited (as Docker does)", async () => {
        const emulator = await startEmulator();
        const c = clientsFor(emulator);
        try {
            await registerSimple(c.ecs, "orphaner", { command: ["sh", "-c", "sleep 60 & exit 0"] });
            const arn = await runOne(c.ecs, { taskDefinition: "orphaner" });
            const t = await waitForStatus(c.ecs, arn);
            assert.equal(t.containers?.[0].exitCode, 0);
            if (process.platform === "linux") {
                const id = arn.slice(arn.lastIndexOf("/") + 1);
                await waitFor("orphan killed", async () => (processesOfTasks([id]).length === 0 ? true : undefined), 3000);
            }
        } finally {
            destroyClients(c);
            await emulator.close();
        }
    });

    it("close() is idempotent and the port stops answering", async () => {
        const emulator = await startEmulator();
        await Promise.all([emulator.close(), emulator.close()]);
        await assert.rejects(fetch(`${emulator.url}/_emulator/health`));
    });
});
