/**
 * A test-only HTTP router in front of one emulator per region, so that the provider host has one
 * `AWS_ENDPOINT_URL` and each request still reaches the region it was signed for: the region is
 * read from the SigV4 credential scope of the `Authorization` header
 * (`AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...`).
 * A request for a region with no emulator is answered 400 `UnrecognizedClientException`.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** A running router. */
export interface RegionRouter {
    /** The one endpoint URL to give the SDK. */
    readonly url: string;
    /** Requests forwarded per region (and `?` for unsigned ones), since start. */
    readonly forwarded: Record<string, number>;
    /** Points each region at a new emulator (the map replaces the old one). */
    setTargets(targets: Record<string, string>): void;
    close(): Promise<void>;
}

/** The region of a SigV4 `Authorization` header, or undefined. */
export function signedRegion(authorization: string | undefined): string | undefined {
    const match = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/[^/,\s]+\/aws4_request/.exec(authorization ?? "");
    return match?.[1];
}

/** Starts a router on a free local port; `targets` maps a region to its emulator's base URL. */
export async function startRegionRouter(initial: Record<string, string>): Promise<RegionRouter> {
    let targets = { ...initial };
    const forwarded: Record<string, number> = {};
    const agent = new http.Agent({ keepAlive: true });
    const server = http.createServer((req, res) => {
        const region = signedRegion(req.headers.authorization);
        const target = region === undefined ? undefined : targets[region];
        forwarded[region ?? "?"] = (forwarded[region ?? "?"] ?? 0) + 1;
        if (target === undefined) {
            const body = JSON.stringify({
                __type: "UnrecognizedClientException",
                message: `no endpoint for region ${region ?? "(unsigned)"}`,
            });
            res.writeHead(400, { "content-type": "application/x-amz-json-1.1", "content-length": Buffer.byteLength(body) });
            res.end(body);
            return;
        }
        const url = new URL(req.url ?? "/", target);
        const upstream = http.request(url, { method: req.method, headers: { ...req.headers, host: url.host }, agent }, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
        });
        upstream.on("error", (error) => {
            if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
            res.end(String(error));
        });
        req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}`,
        forwarded,
        setTargets: (next) => {
            targets = { ...next };
        },
        close: () =>
            new Promise<void>((resolve) => {
                agent.destroy();
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
