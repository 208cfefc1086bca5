/**
 * CPU profile of a provider host (Node does not allow `--cpu-prof` in NODE_OPTIONS):
 *
 *   BENCH_HOST_NODE_OPTIONS="-r ts-node/register/transpile-only -r $PWD/bench/hostProfile.ts" npm run bench -- --quick --no-write
 *
 * starts the profiler when the host loads and writes `host-<pid>.cpuprofile` to
 * `BENCH_PROFILE_DIR` (default: the OS temporary folder) when the host is told to stop (SIGTERM).
 * Open it in Chrome DevTools (Performance) or any .cpuprofile viewer.
 */
import * as fs from "node:fs";
import * as inspector from "node:inspector";
import * as os from "node:os";
import * as path from "node:path";

const session = new inspector.Session();
session.connect();
session.post("Profiler.enable", () => session.post("Profiler.start"));
process.on("SIGTERM", () => {
    session.post("Profiler.stop", (err, result) => {
        if (!err) {
            const dir = process.env.BENCH_PROFILE_DIR || os.tmpdir();
            fs.writeFileSync(path.join(dir, `host-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
        }
        process.exit(0);
    });
});
