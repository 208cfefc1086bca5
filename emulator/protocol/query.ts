/**
 * EC2 query protocol: form-encoded requests
 * (`Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=isDefault&Filter.1.Value.1=true`)
 * and XML answers in the EC2 namespace.
 */
import type { ServerResponse } from "node:http";
import type { AwsError } from "../errors";

/** The EC2 API version the SDK sends and the namespace of the answers. */
export const EC2_VERSION = "2016-11-15";
export const EC2_NAMESPACE = `http://ec2.amazonaws.com/doc/${EC2_VERSION}/`;

/** Parsed form parameters of a query request. */
export type QueryParams = Map<string, string>;

/** Parses a form-encoded body (or URL query string). */
export function parseQuery(text: string): QueryParams {
    const params: QueryParams = new Map();
    for (const [key, value] of new URLSearchParams(text)) params.set(key, value);
    return params;
}

/** Reads a flattened list `Name.1`, `Name.2`, ... in index order. */
export function queryList(params: QueryParams, name: string): string[] {
    const items: Array<[number, string]> = [];
    const re = new RegExp(`^${escapeRegExp(name)}\\.(\\d+)$`);
    for (const [key, value] of params) {
        const m = re.exec(key);
        if (m) items.push([Number(m[1]), value]);
    }
    return items.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** A filter of a Describe* call. */
export interface QueryFilter {
    name: string;
    values: string[];
}

/** Reads `Filter.N.Name` / `Filter.N.Value.M`. */
export function queryFilters(params: QueryParams): QueryFilter[] {
    const byIndex = new Map<number, QueryFilter>();
    const re = /^Filter\.(\d+)\.(Name|Value\.(\d+))$/;
    const values = new Map<number, Array<[number, string]>>();
    for (const [key, value] of params) {
        const m = re.exec(key);
        if (!m) continue;
        const index = Number(m[1]);
        const filter = byIndex.get(index) ?? { name: "", values: [] };
        byIndex.set(index, filter);
        if (m[2] === "Name") filter.name = value;
        else {
            const list = values.get(index) ?? [];
            list.push([Number(m[3]), value]);
            values.set(index, list);
        }
    }
    for (const [index, filter] of byIndex) {
        filter.values = (values.get(index) ?? []).sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    }
    return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
}

function escapeRegExp(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A value that can be written as XML: arrays become `<item>` lists, as EC2 does. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [name: string]: XmlValue };

/** Escapes text for XML. */
export function escapeXml(text: string): string {
    return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c] ?? c);
}

/** Serializes one element. */
export function toXml(name: string, value: XmlValue): string {
    if (value === undefined) return "";
    if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml("item", v)).join("")}</${name}>`;
    if (typeof value === "object") {
        const inner = Object.entries(value)
            .map(([k, v]) => toXml(k, v))
            .join("");
        return `<${name}>${inner}</${name}>`;
    }
    return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Writes a 200 EC2 answer `<ActionResponse xmlns=...><requestId>...</requestId>...`. */
export function sendQueryResult(res: ServerResponse, requestId: string, action: string, members: Record<string, XmlValue>): void {
    const inner = Object.entries(members)
        .map(([k, v]) => toXml(k, v))
        .join("");
    const text =
        `<?xml version="1.0" encoding="UTF-8"?>\n` +
        `<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>${inner}</${action}Response>`;
    res.writeHead(200, { "content-type": "text/xml;charset=UTF-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
}

/** Writes an EC2 error: `<Response><Errors><Error><Code>..</Code><Message>..</Message></Error></Errors><RequestID>..`. */
export function sendQueryError(res: ServerResponse, requestId: string, err: AwsError): void {
    const text =
        `<?xml version="1.0" encoding="UTF-8"?>\n` +
        `<Response><Errors><Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error></Errors>` +
        `<RequestID>${requestId}</RequestID></Response>`;
    res.writeHead(err.status, { "content-type": "text/xml;charset=UTF-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
}
