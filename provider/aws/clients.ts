/**
 * AWS SDK clients, built inside functions (never at module level: the provider is serialized
 * into Pulumi state by closure serialization, and a captured client breaks it).
 *
 * Configuration is the SDK's standard one:
 * - credentials: the default Node provider chain (env, SSO, profile, process, web identity, ECS/EC2 roles);
 * - region: the given one, else the SDK's chain (`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`);
 * - endpoints: the SDK itself honours `AWS_ENDPOINT_URL` and the per-service `AWS_ENDPOINT_URL_ECS`,
 *   `AWS_ENDPOINT_URL_EC2`, `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS` (and `endpoint_url` in the shared
 *   config file): checked in `@smithy/core` `endpoints/middleware-endpoint/adaptors/getEndpointUrlConfig.js`,
 *   which builds the variable name from the service ID ("ECS", "EC2", "CloudWatch Logs"), and by
 *   `test/provider/aws/clients.test.ts` against a local HTTP server;
 * - retries: standard mode (3 attempts, throttling and 5xx retried); callers wrap calls in
 *   `withRetry` when they want a longer, deadline-bounded effort.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ECSClient } from "@aws-sdk/client-ecs";

/** The clients of one region. */
export interface AwsClients {
    ecs: ECSClient;
    ec2: EC2Client;
    logs: CloudWatchLogsClient;
}

/** Connection timeout and whole-request timeout (ms). Without them a hung connection waits for
 * the SDK's default socket timeout (15 minutes). A request timeout throws `TimeoutError`, which
 * the SDK and {@link isTransient} retry. */
function requestHandlerOptions(): { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean } {
    return { connectionTimeout: 10_000, requestTimeout: 60_000, throwOnRequestTimeout: true };
}

/**
 * Creates the ECS, EC2 and CloudWatch Logs clients of a region.
 *
 * @param region - the region; default: the SDK's region chain (resolved lazily by each client,
 *   so a missing region surfaces as an error on the first call).
 */
export function makeClients(region?: string): AwsClients {
    const { ECSClient } = require("@aws-sdk/client-ecs") as typeof import("@aws-sdk/client-ecs");
    const { EC2Client } = require("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2");
    const { CloudWatchLogsClient } = require("@aws-sdk/client-cloudwatch-logs") as typeof import("@aws-sdk/client-cloudwatch-logs");
    const config = { region: region || undefined, retryMode: "standard", requestHandler: requestHandlerOptions() };
    return {
        ecs: new ECSClient(config),
        ec2: new EC2Client(config),
        logs: new CloudWatchLogsClient(config),
    };
}

/**
 * The region a call would use: `explicit` when given, else the SDK's region chain
 * (`AWS_REGION`, `AWS_DEFAULT_REGION`, the `region` of the profile in `~/.aws/config`), read with
 * the same loader the clients use. No network call is made (the Node SDK's region chain does not
 * ask the instance metadata service). `undefined` when no region is configured.
 */
export async function resolveRegion(explicit?: string): Promise<string | undefined> {
    if (explicit) return explicit;
    const { ECSClient } = require("@aws-sdk/client-ecs") as typeof import("@aws-sdk/client-ecs");
    const client = new ECSClient({});
    try {
        const region = await client.config.region();
        return region || undefined;
    } catch {
        return undefined;
    } finally {
        client.destroy();
    }
}

/** The region of an ARN (`arn:aws:ecs:eu-west-1:123456789012:cluster/x` gives `eu-west-1`);
 * `undefined` for a name or an ARN without a region. */
export function regionOfArn(arnOrName: string): string | undefined {
    if (!arnOrName.startsWith("arn:")) return undefined;
    const region = arnOrName.split(":")[3];
    return region ? region : undefined;
}

/** Clients per region, created on first use and kept. */
export interface ClientCache {
    /** The clients of `region` (the default region when undefined). */
    get(region?: string): AwsClients;
    /** Destroys every client (closes their sockets). */
    destroyAll(): void;
}

/**
 * A per-region cache of clients, for a process that serves resources of several regions.
 * The cache is a plain object created inside this call (nothing captured at module level).
 *
 * @param make - builds the clients of a region; default {@link makeClients}.
 */
export function makeClientCache(make: (region?: string) => AwsClients = makeClients): ClientCache {
    const byRegion: Record<string, AwsClients> = {};
    return {
        get(region?: string): AwsClients {
            // The endpoint variables are part of the key: a process (a test run, a benchmark) may
            // point the SDK at another endpoint later, and a client keeps the one it was made with.
            const env = process.env;
            const key = [
                region || "<default>",
                env.AWS_ENDPOINT_URL,
                env.AWS_ENDPOINT_URL_ECS,
                env.AWS_ENDPOINT_URL_EC2,
                env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS,
            ].join("|");
            let clients = byRegion[key];
            if (!clients) {
                clients = make(region);
                byRegion[key] = clients;
            }
            return clients;
        },
        destroyAll(): void {
            for (const key of Object.keys(byRegion)) {
                const c = byRegion[key];
                c.ecs.destroy();
                c.ec2.destroy();
                c.logs.destroy();
                delete byRegion[key];
            }
        },
    };
}

const PROCESS_CLIENTS_KEY = "__ecsTaskRun.clients";

/**
 * The clients of `region` (default: the SDK's region chain) shared by the whole process: one set
 * per region, created on first use and kept on `globalThis` (under `"__ecsTaskRun.clients"`),
 * never at module level.
 */
export function processClients(region?: string): AwsClients {
    const g = globalThis as unknown as Record<string, ClientCache | undefined>;
    let cache = g[PROCESS_CLIENTS_KEY];
    if (!cache) {
        cache = makeClientCache();
        g[PROCESS_CLIENTS_KEY] = cache;
    }
    return cache.get(region);
}
