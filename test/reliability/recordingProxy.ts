/**
 * A transparent HTTP proxy in front of the local ECS endpoint that records what each AWS answer
 * said, for the figures the emulator's journal cannot give: the journal has the operation, the
 * HTTP status and the error code of every request, but not the bodies, so it cannot tell a RunTask
 * answered `200` with `failures` (a capacity failure) from one that started a task, nor count the
 * `MISSING` failures of a DescribeTasks answer (eventual consistency).
 *
 * Requests and answers go through unchanged; the answer is buffered (every answer of the emulator
 * is small JSON or XML) and read after it was passed on.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** What one AWS answer said. */
export interface ProxiedAnswer {
    /** The operation (`RunTask`, `DescribeTasks`, `DescribeVpcs`...). */
    operation: string;
    status: number;
    /** The error code of an error answer (`ThrottlingException`, `RequestLimitExceeded`...). */
    errorCode?: string;
    /** RunTask answered 200: how many tasks it returned, and its `failures[].reason`s. */
    runTask?: { tasks: number; failureReasons: string[] };
    /** DescribeTasks answered 200: how many of the asked tasks were `MISSING`. */
    missing?: number;
}

/** A running recording proxy. */
export interface RecordingProxy {
    /** The URL to give the AWS SDK (`AWS_ENDPOINT_URL`). */
    readonly url: string;
    /** Every answer recorded since the last {@link RecordingProxy.clear}, oldest first. */
    answers(): ProxiedAnswer[];
    clear(): void;
    close(): Promise<void>;
}

/** Starts a proxy to `target` (e.g. `http://127.0.0.1:41237`) on a free local port. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
    const upstream = new URL(target);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    let recorded: ProxiedAnswer[] = [];

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const body = Buffer.concat(chunks);
            const operation = operationOf(req, body);
            const forward = http.request(
                {
                    host: upstream.hostname,
                    port: upstream.port,
                    method: req.method,
                    path: req.url,
                    headers: req.headers,
                    agent,
                },
                (answer) => {
                    const parts: Buffer[] = [];
                    answer.on("data", (chunk: Buffer) => parts.push(chunk));
                    answer.on("end", () => {
                        const text = Buffer.concat(parts);
                        res.writeHead(answer.statusCode ?? 502, answer.headers);
                        res.end(text);
                        if (operation) recorded.push(describe(operation, answer, text.toString("utf8")));
                    });
                    answer.on("error", () => res.destroy());
                },
            );
            forward.on("error", () => res.destroy());
            forward.end(body);
        });
        req.on("error", () => res.destroy());
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        answers: () => [...recorded],
        clear: () => {
            recorded = [];
        },
        close: async () => {
            const closed = new Promise<void>((resolve) => server.close(() => resolve()));
            server.closeAllConnections();
            agent.destroy();
            await closed;
        },
    };
}

/** The operation of an AWS request: `X-Amz-Target`'s suffix (JSON protocols), else `Action=` (EC2). */
function operationOf(req: http.IncomingMessage, body: Buffer): string | undefined {
    const target = req.headers["x-amz-target"];
    if (typeof target === "string") return target.slice(target.lastIndexOf(".") + 1);
    const action = /(?:^|&)Action=([A-Za-z0-9]+)/.exec(body.toString("utf8"));
    return action?.[1];
}

function describe(operation: string, answer: http.IncomingMessage, text: string): ProxiedAnswer {
    const status = answer.statusCode ?? 0;
    const out: ProxiedAnswer = { operation, status };
    if (status >= 400) {
        const header = answer.headers["x-amzn-errortype"];
        const code =
            (typeof header === "string" ? header.split(":")[0] : undefined) ??
            /"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"/.exec(text)?.[1] ??
            /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
        if (code) out.errorCode = code;
        return out;
    }
    if (operation === "RunTask" || operation === "DescribeTasks") {
        let parsed: { tasks?: unknown[]; failures?: { reason?: string }[] } = {};
        try {
            parsed = JSON.parse(text) as typeof parsed;
        } catch {
            // Not JSON: nothing to count.
        }
        const failures = parsed.failures ?? [];
        if (operation === "RunTask")
            out.runTask = { tasks: (parsed.tasks ?? []).length, failureReasons: failures.map((f) => f.reason ?? "") };
        else out.missing = failures.filter((f) => f.reason === "MISSING").length;
    }
    return out;
}
