/**
 * `ts-node test/support/captureCli.ts <module> <export>`: runs one program (a function exported by
 * `<module>`) under mocks in this fresh process and prints what it registered as JSON on the last
 * stdout line. Used by {@link captureInChildProcess} so that a capture sees exactly the
 * environment given to it (no module loaded earlier with another environment).
 */
import * as path from "node:path";
import { captureResources } from "./capture";

async function main(): Promise<void> {
    const [modulePath, exportName = "default"] = process.argv.slice(2);
    if (!modulePath) throw new Error("usage: captureCli <module> [export]");
    const loaded = require(path.resolve(modulePath)) as Record<string, unknown>;
    const program = loaded[exportName];
    if (typeof program !== "function") throw new Error(`${modulePath} exports no function ${exportName}`);
    const resources = await captureResources(() => (program as () => void | Promise<void>)());
    // Exit only once the (large) line is written: a pipe is written asynchronously.
    await new Promise<void>((resolve) => process.stdout.write(`\n${JSON.stringify(resources)}\n`, () => resolve()));
}

main().then(
    () => process.exit(0),
    (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(1);
    },
);
