import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { alive, sleep, waitFor } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");

/** Starts a node process with ts-node; resolves with the emulator URL it prints. */
async function startProcess(args: string[]): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", ...args], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
    });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    const url = await waitFor(
        "emulator URL",
        async () => /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? (child.exitCode !== null ? Promise.reject(new Error(out)) : undefined),
        15_000,
    );
    return { child, url };
}

/** Runs `sleep 60` through the plain HTTP API (no SDK needed) and returns its pid once RUNNING. */
async function runSleeper(url: string): Promise<number> {
    const call = async (op: string, body: unknown): Promise<Record<string, unknown>> => {
        const res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AmazonEC2ContainerServiceV20141113.${op}` },
            body: JSON.stringify(body),
        });
        const json = (await res.json()) as Record<string, unknown>;
        if (res.status !== 200) throw new Error(JSON.stringify(json));
        return json;
    };
    await call("RegisterTaskDefinition", {
        family: "s",
        containerDefinitions: [{ name: "m", image: "x", memory: 64, command: ["sleep", "60"] }],
    });
    await call("RunTask", { taskDefinition: "s" });
    return waitFor("pid", async () => {
        const tasks = (await (await fetch(`${url}/_emulator/tasks`)).json()) as Array<{
            lastStatus: string;
            containers: Array<{ pid?: number }>;
        }>;
        const t = tasks[0];
        return t?.lastStatus === "RUNNING" ? t.containers[0].pid : undefined;
    });
}

describe("emulator: the task processes die with the emulator process", function () {
    this.timeout(40_000);
    if (process.platform === "win32") return;

    for (const sig of ["SIGTERM", "SIGINT"] as const) {
        it(`npm run emulator: ${sig} closes the emulator and kills the tasks`, async () => {
            const { child, url } = await startProcess(["emulator/cli.ts", "--port", "0", "--quiet"]);
            try {
                const pid = await runSleeper(url);
                assert.ok(alive(pid));
                child.kill(sig);
                await once(child, "exit");
                await waitFor("task process gone", async () => (alive(pid) ? undefined : true), 5000);
            } finally {
                if (child.exitCode === null) child.kill("SIGKILL");
            }
        });
    }

    it("from code: SIGTERM kills the tasks, then the signal ends the process as usual", async () => {
        const script = `const { startEmulator } = require("./emulator");
      startEmulator().then((e) => console.log("listening on " + e.url));`;
        const { child, url } = await startProcess(["-e", script]);
        try {
            const pid = await runSleeper(url);
            child.kill("SIGTERM");
            const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
            assert.equal(signal, "SIGTERM", `exit code ${code}`);
            await waitFor("task process gone", async () => (alive(pid) ? undefined : true), 5000);
        } finally {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
            await sleep(0);
        }
    });
});
