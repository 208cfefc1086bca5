/**
 * The control API: plain JSON under `/_emulator/`, on the same port as AWS.
 *
 * | method | path | what |
 * | --- | --- | --- |
 * | GET | /_emulator/health | `{ ok: true }` |
 * | GET / POST / DELETE | /_emulator/faults | read / set (partial) / reset the faults |
 * | GET / DELETE | /_emulator/requests | the request journal (`?operation=`, `?service=`) / clear it |
 * | GET | /_emulator/requests/counts | requests per operation |
 * | GET | /_emulator/tasks | tasks with status and container pids |
 * | GET / POST | /_emulator/vpcs | list VPCs with subnets / seed a VPC |
 * | DELETE | /_emulator/vpcs/{vpcId or "default"} | remove a VPC and its subnets |
 * | POST | /_emulator/log-groups | `{ name }`: create a log group |
 * | POST | /_emulator/clusters | `{ name }`: create a cluster |
 * | POST | /_emulator/secrets | `{ "<valueFrom>": "<value>", ... }`: values of containers' `secrets` |
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultSettings, FaultState } from "./faults";
import type { JournalEntry } from "./journal";
import type { TaskSummary } from "./runner/lifecycle";
import type { ControlHandler } from "./server";
import type { SeededVpc, SubnetSeed, VpcSeed } from "./services/ec2/store";

/** What the control API can do; the Emulator object offers the same. */
export interface ControlApi {
    getFaults(): FaultState;
    setFaults(settings: FaultSettings): FaultState;
    resetFaults(): FaultState;
    journal(filter?: { operation?: string; service?: string }): JournalEntry[];
    clearJournal(): void;
    countByOperation(): Record<string, number>;
    tasks(): TaskSummary[];
    vpcs(): SeededVpc[];
    seedVpc(seed?: VpcSeed): SeededVpc;
    removeVpc(vpcIdOrDefault: string): boolean;
    seedLogGroup(name: string): void;
    seedCluster(name: string): void;
    /** Tells the emulator the values of secrets (ARN) or parameters (ARN or name) that containers' `secrets` name. */
    seedSecrets(values: Record<string, string>): void;
}

class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body ?? null);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
}

function parse(body: Buffer): unknown {
    if (body.length === 0) return {};
    try {
        return JSON.parse(body.toString("utf8"));
    } catch {
        throw new BadRequest("body is not valid JSON");
    }
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function optString(o: Record<string, unknown>, key: string): string | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw new BadRequest(`${key} must be a string`);
    return v;
}

function optBool(o: Record<string, unknown>, key: string): boolean | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") throw new BadRequest(`${key} must be a boolean`);
    return v;
}

function optTags(o: Record<string, unknown>): Record<string, string> | undefined {
    const v = o.tags;
    if (v === undefined) return undefined;
    if (!isRecord(v) || Object.values(v).some((x) => typeof x !== "string")) throw new BadRequest("tags must be an object of strings");
    return v as Record<string, string>;
}

/** Checks a VPC seed from an HTTP body. */
export function parseVpcSeed(input: unknown): VpcSeed {
    if (!isRecord(input)) throw new BadRequest("body must be a JSON object");
    const subnetsRaw = input.subnets;
    let subnets: SubnetSeed[] | undefined;
    if (subnetsRaw !== undefined) {
        if (!Array.isArray(subnetsRaw)) throw new BadRequest("subnets must be a list");
        subnets = subnetsRaw.map((s: unknown) => {
            if (!isRecord(s)) throw new BadRequest("each subnet must be an object");
            return {
                subnetId: optString(s, "subnetId"),
                cidrBlock: optString(s, "cidrBlock"),
                availabilityZone: optString(s, "availabilityZone"),
                defaultForAz: optBool(s, "defaultForAz"),
                mapPublicIpOnLaunch: optBool(s, "mapPublicIpOnLaunch"),
                tags: optTags(s),
            };
        });
    }
    return {
        vpcId: optString(input, "vpcId"),
        cidrBlock: optString(input, "cidrBlock"),
        isDefault: optBool(input, "isDefault"),
        tags: optTags(input),
        subnets,
    };
}

function nameOf(body: unknown): string {
    if (!isRecord(body) || typeof body.name !== "string" || body.name === "") throw new BadRequest("name must be a non-empty string");
    return body.name;
}

/** Builds the `/_emulator/` request handler over a {@link ControlApi}. */
export function createControlHandler(api: ControlApi): ControlHandler {
    return (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => {
        const method = req.method ?? "GET";
        const path = url.pathname.replace(/\/+$/, "");
        try {
            const route = `${method} ${path}`;
            switch (route) {
                case "GET /_emulator":
                case "GET /_emulator/health":
                    return send(res, 200, { ok: true });
                case "GET /_emulator/faults":
                    return send(res, 200, api.getFaults());
                case "POST /_emulator/faults":
                case "PUT /_emulator/faults": {
                    const settings = parse(body);
                    try {
                        return send(res, 200, api.setFaults(settings as FaultSettings));
                    } catch (err) {
                        throw new BadRequest(err instanceof Error ? err.message : String(err));
                    }
                }
                case "DELETE /_emulator/faults":
                    return send(res, 200, api.resetFaults());
                case "GET /_emulator/requests": {
                    const operation = url.searchParams.get("operation") ?? undefined;
                    const service = url.searchParams.get("service") ?? undefined;
                    return send(res, 200, api.journal({ operation, service }));
                }
                case "DELETE /_emulator/requests":
                    api.clearJournal();
                    return send(res, 200, { ok: true });
                case "GET /_emulator/requests/counts":
                    return send(res, 200, api.countByOperation());
                case "GET /_emulator/tasks":
                    return send(res, 200, api.tasks());
                case "GET /_emulator/vpcs":
                    return send(res, 200, api.vpcs());
                case "POST /_emulator/vpcs": {
                    const seed = parseVpcSeed(parse(body));
                    try {
                        return send(res, 201, api.seedVpc(seed));
                    } catch (err) {
                        throw new BadRequest(err instanceof Error ? err.message : String(err));
                    }
                }
                case "POST /_emulator/log-groups":
                    api.seedLogGroup(nameOf(parse(body)));
                    return send(res, 201, { ok: true });
                case "POST /_emulator/clusters":
                    api.seedCluster(nameOf(parse(body)));
                    return send(res, 201, { ok: true });
                case "POST /_emulator/secrets": {
                    const values = parse(body);
                    if (!isRecord(values) || !Object.values(values).every((v) => typeof v === "string")) {
                        throw new BadRequest('body must be an object of valueFrom to string value, e.g. {"/shop/db-password": "hunter2"}');
                    }
                    api.seedSecrets(values as Record<string, string>);
                    return send(res, 201, { ok: true });
                }
            }
            const vpc = /^\/_emulator\/vpcs\/([^/]+)$/.exec(path);
            if (vpc && method === "DELETE") {
                const removed = api.removeVpc(decodeURIComponent(vpc[1]));
                return send(res, removed ? 200 : 404, removed ? { ok: true } : { message: `no VPC ${vpc[1]}` });
            }
            return send(res, 404, { message: `no control endpoint ${method} ${path}` });
        } catch (err) {
            if (err instanceof BadRequest) return send(res, 400, { message: err.message });
            return send(res, 500, { message: err instanceof Error ? err.message : String(err) });
        }
    };
}
