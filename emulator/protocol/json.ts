/**
 * AWS JSON 1.1 protocol (ECS and CloudWatch Logs).
 *
 * Requests: `POST /`, `Content-Type: application/x-amz-json-1.1`,
 * `X-Amz-Target: <ServicePrefix>.<Operation>`, a JSON object body.
 * Errors: `{"__type": "<Code>", "message": "..."}` plus the `x-amzn-errortype`
 * header; the SDK reads `__type` first (see `loadJsonRpcErrorCode` in
 * `@smithy/core/protocols`), so modelled codes become typed exceptions.
 */
import type { ServerResponse } from "node:http";
import { AwsError, serializationException } from "../errors";
import { isObject, type JsonObject } from "./input";

/** Content type of the JSON 1.1 protocol. */
export const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

/** Parses a request body; an empty body is `{}`. */
export function parseJsonBody(body: Buffer): JsonObject {
    if (body.length === 0) return {};
    let parsed: unknown;
    try {
        parsed = JSON.parse(body.toString("utf8"));
    } catch {
        throw serializationException("Start of structure or map found where not expected.");
    }
    if (!isObject(parsed)) throw serializationException("The request body must be a JSON object.");
    return parsed;
}

/** Splits `Prefix.Operation` from the X-Amz-Target header. */
export function splitTarget(target: string): { prefix: string; operation: string } {
    const dot = target.lastIndexOf(".");
    if (dot < 0) return { prefix: target, operation: "" };
    return { prefix: target.slice(0, dot), operation: target.slice(dot + 1) };
}

/** Writes a 200 JSON answer. */
export function sendJson(res: ServerResponse, requestId: string, body: unknown): void {
    const text = JSON.stringify(body ?? {});
    res.writeHead(200, {
        "content-type": JSON_CONTENT_TYPE,
        "content-length": Buffer.byteLength(text),
        "x-amzn-requestid": requestId,
    });
    res.end(text);
}

/** Writes an AWS JSON error answer. */
export function sendJsonError(res: ServerResponse, requestId: string, err: AwsError): void {
    const text = JSON.stringify({ __type: err.code, message: err.message, ...err.extra });
    res.writeHead(err.status, {
        "content-type": JSON_CONTENT_TYPE,
        "content-length": Buffer.byteLength(text),
        "x-amzn-requestid": requestId,
        "x-amzn-errortype": err.code,
    });
    res.end(text);
}
