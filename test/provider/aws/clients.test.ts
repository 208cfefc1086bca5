import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { ListClustersCommand } from "@aws-sdk/client-ecs";
import { makeClientCache, makeClients, regionOfArn, resolveRegion } from "../../../provider/aws/clients";

interface Seen {
    path: string;
    target: string | undefined;
    contentType: string | undefined;
    body: string;
}

/** A local HTTP server that answers like ECS / CloudWatch Logs (JSON) or EC2 (XML). */
async function fakeAws(): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
    const seen: Seen[] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
            const target = req.headers["x-amz-target"] as string | undefined;
            seen.push({ path: req.url ?? "", target, contentType: req.headers["content-type"], body });
            if (body.includes("Action=DescribeVpcs")) {
                res.writeHead(200, { "content-type": "text/xml" });
                res.end(
                    '<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><vpcSet/></DescribeVpcsResponse>',
                );
                return;
            }
            res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
            res.end(target?.startsWith("Logs_") ? '{"logGroups":[]}' : '{"clusterArns":["arn:aws:ecs:eu-west-3:1:cluster/local"]}');
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

const ENV_KEYS = [
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_ECS",
    "AWS_ENDPOINT_URL_EC2",
    "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

describe("aws/clients", () => {
    let saved: Record<string, string | undefined> = {};
    beforeEach(() => {
        saved = {};
        for (const k of ENV_KEYS) {
            saved[k] = process.env[k];
            delete process.env[k];
        }
        // No real configuration files are read.
        process.env.AWS_CONFIG_FILE = "/nonexistent/config";
        process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/credentials";
        process.env.AWS_ACCESS_KEY_ID = "AKIDTEST";
        process.env.AWS_SECRET_ACCESS_KEY = "secret";
    });
    afterEach(() => {
        for (const k of ENV_KEYS) {
            if (saved[k] === undefined) delete process.env[k];
            else process.env[k] = saved[k];
        }
    });

    it("the SDK honours AWS_ENDPOINT_URL_ECS / _EC2 / _CLOUDWATCH_LOGS by itself", async () => {
        const ecsServer = await fakeAws();
        const ec2Server = await fakeAws();
        const logsServer = await fakeAws();
        try {
            process.env.AWS_ENDPOINT_URL_ECS = ecsServer.url;
            process.env.AWS_ENDPOINT_URL_EC2 = ec2Server.url;
            process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = logsServer.url;
            const c = makeClients("eu-west-3");
            const out = await c.ecs.send(new ListClustersCommand({}));
            assert.deepEqual(out.clusterArns, ["arn:aws:ecs:eu-west-3:1:cluster/local"]);
            assert.equal(ecsServer.seen[0].target, "AmazonEC2ContainerServiceV20141113.ListClusters");
            assert.equal(ecsServer.seen[0].contentType, "application/x-amz-json-1.1");
            const vpcs = await c.ec2.send(new DescribeVpcsCommand({}));
            assert.deepEqual(vpcs.Vpcs, []);
            assert.match(ec2Server.seen[0].body, /Action=DescribeVpcs&Version=2016-11-15/);
            await c.logs.send(new DescribeLogGroupsCommand({}));
            assert.equal(logsServer.seen[0].target, "Logs_20140328.DescribeLogGroups");
            c.ecs.destroy();
            c.ec2.destroy();
            c.logs.destroy();
        } finally {
            await Promise.all([ecsServer.close(), ec2Server.close(), logsServer.close()]);
        }
    });

    it("the SDK honours AWS_ENDPOINT_URL for every service", async () => {
        const server = await fakeAws();
        try {
            process.env.AWS_ENDPOINT_URL = server.url;
            const c = makeClients("us-west-2");
            await c.ecs.send(new ListClustersCommand({}));
            await c.logs.send(new DescribeLogGroupsCommand({}));
            assert.deepEqual(
                server.seen.map((s) => s.target),
                ["AmazonEC2ContainerServiceV20141113.ListClusters", "Logs_20140328.DescribeLogGroups"],
            );
            c.ecs.destroy();
            c.ec2.destroy();
            c.logs.destroy();
        } finally {
            await server.close();
        }
    });

    it("makeClients uses the standard retry mode and the given region", async () => {
        const c = makeClients("ap-south-1");
        assert.equal(await c.ecs.config.region(), "ap-south-1");
        const strategy = (await c.ecs.config.retryStrategy()) as { mode?: string };
        assert.equal(strategy.mode, "standard");
        c.ecs.destroy();
        c.ec2.destroy();
        c.logs.destroy();
    });

    it("resolveRegion: explicit, then AWS_REGION, then undefined (no network)", async () => {
        assert.equal(await resolveRegion("eu-central-1"), "eu-central-1");
        assert.equal(await resolveRegion(), undefined);
        process.env.AWS_REGION = "sa-east-1";
        assert.equal(await resolveRegion(), "sa-east-1");
    });

    it("regionOfArn and the client cache", () => {
        assert.equal(regionOfArn("arn:aws:ecs:eu-west-1:123456789012:cluster/x"), "eu-west-1");
        assert.equal(regionOfArn("default"), undefined);
        assert.equal(regionOfArn("arn:aws:iam::123456789012:role/x"), undefined);
        let made = 0;
        const cache = makeClientCache((region) => {
            made++;
            return makeClients(region);
        });
        assert.equal(cache.get("us-east-1"), cache.get("us-east-1"));
        assert.notEqual(cache.get("us-east-1"), cache.get("us-east-2"));
        assert.equal(made, 2);
        cache.destroyAll();
    });
});
