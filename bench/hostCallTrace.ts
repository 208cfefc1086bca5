/**
 * Records when a provider host sends each CloudWatch Logs read (bench/scenarios/streamedLogs.ts):
 * preloaded into the host (`-r ts-node/register/transpile-only -r <repo>/bench/hostCallTrace.ts`
 * in `NODE_OPTIONS`), it appends `<epoch ms> <operation>` to the file `BENCH_CALL_TRACE` names for
 * every HTTP request whose `x-amz-target` is a `Logs_*.GetLogEvents` or `FilterLogEvents`, at the
 * moment Node starts the request (`http.client.request.start`). These are the times the log
 * reader's budget controls; the emulator's journal has the times it handled the requests, which a
 * loaded machine bunches.
 */
import * as dc from "node:diagnostics_channel";
import * as fs from "node:fs";
import type { ClientRequest } from "node:http";

const file = process.env.BENCH_CALL_TRACE;
if (file) {
    dc.subscribe("http.client.request.start", (message) => {
        const target = (message as { request: ClientRequest }).request.getHeader("x-amz-target");
        const op = typeof target === "string" ? target.slice(target.indexOf(".") + 1) : "";
        if (op === "GetLogEvents" || op === "FilterLogEvents") fs.appendFileSync(file, `${Date.now()} ${op}\n`);
    });
}
