import assert from "node:assert/strict";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client, EC2ServiceException } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { findVpcSubnets } from "../../../provider/aws/ec2";
import { getLogEvents } from "../../../provider/aws/logs";

const credentials = { accessKeyId: "AKID", secretAccessKey: "SECRET" };

function ec2Setup() {
    const ec2 = new EC2Client({ region: "us-east-1", credentials });
    return { ec2, mock: mockClient(ec2) };
}

describe("aws/ec2 findVpcSubnets", () => {
    it("finds the default VPC by the isDefault filter, then its subnets (all pages)", async () => {
        const { ec2, mock } = ec2Setup();
        mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: "vpc-def" }] });
        mock.on(DescribeSubnetsCommand)
            .resolvesOnce({ Subnets: [{ SubnetId: "subnet-a" }, { SubnetId: "subnet-b" }], NextToken: "n2" })
            .resolvesOnce({ Subnets: [{ SubnetId: "subnet-c" }] });
        assert.deepEqual(await findVpcSubnets(ec2), ["subnet-a", "subnet-b", "subnet-c"]);
        assert.deepEqual(mock.commandCalls(DescribeVpcsCommand)[0].args[0].input, { Filters: [{ Name: "isDefault", Values: ["true"] }] });
        assert.deepEqual(
            mock.commandCalls(DescribeSubnetsCommand).map((c) => c.args[0].input),
            [
                { Filters: [{ Name: "vpc-id", Values: ["vpc-def"] }] },
                { Filters: [{ Name: "vpc-id", Values: ["vpc-def"] }], NextToken: "n2" },
            ],
        );
    });

    it("asks for an explicit VPC by VpcIds", async () => {
        const { ec2, mock } = ec2Setup();
        mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: "vpc-1" }] });
        mock.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: "subnet-x" }] });
        assert.deepEqual(await findVpcSubnets(ec2, "vpc-1"), ["subnet-x"]);
        assert.deepEqual(mock.commandCalls(DescribeVpcsCommand)[0].args[0].input, { VpcIds: ["vpc-1"] });
    });

    it("says so when there is no default VPC", async () => {
        const { ec2, mock } = ec2Setup();
        mock.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
        await assert.rejects(findVpcSubnets(ec2), {
            message:
                "Failed to find the default VPC. Network configuration cannot be inferred. Pass an explicit `vpcId` or configure a default VPC.",
        });
        assert.equal(mock.commandCalls(DescribeSubnetsCommand).length, 0);
    });

    it("says so when the VPC does not exist (empty answer or InvalidVpcID.NotFound)", async () => {
        const expected = {
            message:
                "Failed to find VPC with ID vpc-x. Network configuration cannot be inferred. Check that the VPC exists in the current region.",
        };
        const a = ec2Setup();
        a.mock.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
        await assert.rejects(findVpcSubnets(a.ec2, "vpc-x"), expected);
        const b = ec2Setup();
        b.mock.on(DescribeVpcsCommand).rejects(
            new EC2ServiceException({
                name: "InvalidVpcID.NotFound",
                message: "The vpc ID 'vpc-x' does not exist",
                $fault: "client",
                $metadata: { httpStatusCode: 400 },
            }),
        );
        await assert.rejects(findVpcSubnets(b.ec2, "vpc-x"), expected);
    });

    it("says so when the VPC has no subnets, and passes other errors through", async () => {
        const { ec2, mock } = ec2Setup();
        mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: "vpc-1" }] });
        mock.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
        await assert.rejects(findVpcSubnets(ec2, "vpc-1"), {
            message: "Failed to find subnets for VPC with ID vpc-1. Network configuration cannot be inferred.",
        });
        await assert.rejects(findVpcSubnets(ec2), {
            message: "Failed to find subnets for the default VPC. Network configuration cannot be inferred.",
        });
        const c = ec2Setup();
        c.mock.on(DescribeVpcsCommand).rejects(
            new EC2ServiceException({
                name: "UnauthorizedOperation",
                message: "You are not authorized",
                $fault: "client",
                $metadata: { httpStatusCode: 403 },
            }),
        );
        await assert.rejects(findVpcSubnets(c.ec2), { name: "UnauthorizedOperation" });
    });
});

describe("aws/logs getLogEvents", () => {
    it("reads forward from the head, with the token and limit when given", async () => {
        const logs = new CloudWatchLogsClient({ region: "us-east-1", credentials });
        const mock = mockClient(logs);
        mock.on(GetLogEventsCommand).resolves({
            events: [{ timestamp: 1, message: "hello", ingestionTime: 2 }],
            nextForwardToken: "f/2",
            nextBackwardToken: "b/1",
        });
        const page = await getLogEvents(logs, { group: "g", stream: "p/main/id", startFromHead: true });
        assert.deepEqual(page, { events: [{ timestamp: 1, message: "hello", ingestionTime: 2 }], nextForwardToken: "f/2" });
        await getLogEvents(logs, { group: "g", stream: "p/main/id", startFromHead: true, nextToken: "f/2", limit: 100 });
        assert.deepEqual(
            mock.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input),
            [
                { logGroupName: "g", logStreamName: "p/main/id", startFromHead: true },
                { logGroupName: "g", logStreamName: "p/main/id", startFromHead: true, nextToken: "f/2", limit: 100 },
            ],
        );
    });
});
