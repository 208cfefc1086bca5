/**
 * The emulator in a child process of the benchmark (see `emulatorProcess.ts`): answers the
 * parent's IPC requests; when the parent goes away, kills every task process and exits.
 */
import { startEmulator, type Emulator, type EmulatorOptions, type FaultSettings } from "../emulator";
import type { ChildAnswer, ChildRequest } from "./emulatorProcess";

let emulator: Emulator | undefined;

function answer(a: ChildAnswer): void {
    process.send?.(a);
}

async function handle(req: ChildRequest): Promise<unknown> {
    if (req.op === "start") {
        emulator = await startEmulator(req.arg as EmulatorOptions);
        return { url: emulator.url };
    }
    if (!emulator) throw new Error("emulator not started");
    switch (req.op) {
        case "journal":
            return emulator.journal();
        case "clearJournal":
            return emulator.clearJournal();
        case "setFaults":
            emulator.setFaults(req.arg as FaultSettings);
            return undefined;
        case "resetFaults":
            emulator.resetFaults();
            return undefined;
        case "memory":
            return process.memoryUsage();
        case "close":
            await emulator.close();
            return undefined;
    }
}

process.on("message", (req: ChildRequest) => {
    handle(req).then(
        (value) => answer({ id: req.id, ok: true, value }),
        (err: unknown) => answer({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
});

process.on("disconnect", () => {
    const done = (): never => process.exit(0);
    if (emulator) emulator.close().then(done, done);
    else done();
});
