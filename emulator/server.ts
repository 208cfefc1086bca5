/**
 * HTTP routing and protocol detection.
 *
 * - `/_emulator/...` → the control API (plain JSON).
 * - `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>` → ECS (JSON 1.1).
 * - `X-Amz-Target: Logs_20140328.<Op>` → CloudWatch Logs (JSON 1.1).
 * - a form body (or query string) with `Action=` → EC2 (query protocol).
 *
 * The SigV4 credential scope (`Credential=<key>/<date>/<region>/<service>/aws4_request`)
 * names the service too; any credentials are accepted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { EmulatorContext, JsonHandler } from "./context";
import { AwsError, toAwsError } from "./errors";
import { requestId as newRequestId } from "./ids";
import { Input } from "./protocol/input";
import { parseJsonBody, sendJson, sendJsonError, splitTarget } from "./protocol/json";
import { parseQuery, sendQueryError, sendQueryResult } from "./protocol/query";
import { ec2Operations } from "./services/ec2/api";
import { ECS_TARGET_PREFIX, ecsOperations } from "./services/ecs";
import { logsOperations } from "./services/logs/api";

/** The X-Amz-Target prefix of CloudWatch Logs. */
export const LOGS_TARGET_PREFIX = "Logs_20140328";

/** Largest request body accepted. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Handles `/_emulator/...` requests. */
export type ControlHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => void;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
                reject(new BodyTooLarge("request body too large"));
                req.destroy();
                return;
            }
            chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

/** The service named by the SigV4 credential scope, if any. */
export function scopeService(authorization: string | undefined): string | undefined {
    if (!authorization) return undefined;
    const m = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization);
    return m ? m[1] : undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
}

/** Runs one AWS operation with the faults that apply before it (injected errors, throttling). */
function guarded(ctx: EmulatorContext, service: string, operation: string, run: () => unknown): unknown {
    const injected = ctx.faults.takeInjectedError(operation);
    if (injected) throw injected;
    if (ctx.faults.isThrottled(operation)) {
        throw service === "ec2"
            ? new AwsError("RequestLimitExceeded", "Request limit exceeded.", 503)
            : new AwsError("ThrottlingException", "Rate exceeded");
    }
    return run();
}

function handleJson(
    ctx: EmulatorContext,
    res: ServerResponse,
    body: Buffer,
    target: string,
): { service: string; operation: string; status: number; errorCode?: string } {
    const rid = newRequestId();
    const { prefix, operation } = splitTarget(target);
    let service = "unknown";
    let operations: Readonly<Record<string, JsonHandler>> | undefined;
    if (prefix === ECS_TARGET_PREFIX) {
        service = "ecs";
        operations = ecsOperations;
    } else if (prefix === LOGS_TARGET_PREFIX) {
        service = "logs";
        operations = logsOperations;
    }
    try {
        const handler = operations?.[operation];
        if (!operations || !handler) {
            throw new AwsError("UnknownOperationException", `The emulator does not implement ${target}.`);
        }
        const result = guarded(ctx, service, operation, () => handler(Input.of(parseJsonBody(body)), ctx));
        sendJson(res, rid, result);
        return { service, operation, status: 200 };
    } catch (err) {
        const e = toAwsError(err);
        sendJsonError(res, rid, e);
        return { service, operation, status: e.status, errorCode: e.code };
    }
}

function handleQuery(
    ctx: EmulatorContext,
    res: ServerResponse,
    text: string,
): { service: string; operation: string; status: number; errorCode?: string } {
    const rid = newRequestId();
    const params = parseQuery(text);
    const operation = params.get("Action") ?? "";
    try {
        const handler = ec2Operations[operation];
        if (!handler) throw new AwsError("InvalidAction", `The action ${operation} is not valid for this web service.`);
        const members = guarded(ctx, "ec2", operation, () => handler(params, ctx)) as ReturnType<typeof handler>;
        sendQueryResult(res, rid, operation, members);
        return { service: "ec2", operation, status: 200 };
    } catch (err) {
        const e = toAwsError(err);
        sendQueryError(res, rid, e);
        return { service: "ec2", operation, status: e.status, errorCode: e.code };
    }
}

function sendPlain(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
}

async function handle(ctx: EmulatorContext, control: ControlHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    let body: Buffer;
    try {
        body = await readBody(req);
    } catch (err) {
        if (err instanceof BodyTooLarge) sendPlain(res, 413, { message: err.message });
        return;
    }
    if (url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/")) {
        control(req, res, url, body);
        return;
    }
    const started = Date.now();
    const target = header(req, "x-amz-target");
    const contentType = header(req, "content-type") ?? "";
    const scope = scopeService(header(req, "authorization"));
    let outcome: { service: string; operation: string; status: number; errorCode?: string };
    if (target) {
        outcome = handleJson(ctx, res, body, target);
    } else if (contentType.startsWith("application/x-www-form-urlencoded") || url.searchParams.has("Action") || scope === "ec2") {
        const text = body.length > 0 ? body.toString("utf8") : url.search.slice(1);
        outcome = handleQuery(ctx, res, text);
    } else if (req.method === "GET" && url.pathname === "/") {
        sendPlain(res, 200, { service: "ecs-emulator", control: "/_emulator/" });
        return;
    } else {
        sendPlain(res, 400, { message: "Not an AWS request: no X-Amz-Target header and no Action parameter." });
        outcome = { service: scope ?? "unknown", operation: "", status: 400, errorCode: "UnknownRequest" };
    }
    ctx.journal.add({
        time: new Date(started).toISOString(),
        service: outcome.service === "unknown" && scope ? scope : outcome.service,
        operation: outcome.operation,
        status: outcome.status,
        ...(outcome.errorCode !== undefined ? { errorCode: outcome.errorCode } : {}),
        durationMs: Date.now() - started,
    });
}

/** Creates the HTTP server (not yet listening). */
export function createEmulatorServer(ctx: EmulatorContext, control: ControlHandler): Server {
    return createServer((req, res) => {
        handle(ctx, control, req, res).catch((err: unknown) => {
            if (!res.headersSent) sendPlain(res, 500, { message: err instanceof Error ? err.message : String(err) });
            else res.destroy();
        });
    });
}
