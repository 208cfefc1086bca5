import assert from "node:assert/strict";
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { startEmulator, type Emulator } from "../../emulator";
import { clientsFor, destroyClients, errorOf, type Clients } from "./helpers";

describe("emulator: EC2 VPCs and subnets", () => {
    let emulator: Emulator;
    let c: Clients;

    beforeEach(async () => {
        emulator = await startEmulator();
        c = clientsFor(emulator);
    });
    afterEach(async () => {
        destroyClients(c);
        await emulator.close();
    });

    it("has a default VPC (isDefault filter) with three default subnets", async () => {
        const vpcs = await c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "isDefault", Values: ["true"] }] }));
        assert.equal(vpcs.Vpcs?.length, 1);
        const vpc = vpcs.Vpcs![0];
        assert.match(vpc.VpcId!, /^vpc-[0-9a-f]{17}$/);
        assert.equal(vpc.IsDefault, true);
        assert.equal(vpc.CidrBlock, "172.31.0.0/16");
        const subnets = await c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }));
        assert.equal(subnets.Subnets?.length, 3);
        for (const s of subnets.Subnets ?? []) {
            assert.match(s.SubnetId!, /^subnet-[0-9a-f]{17}$/);
            assert.equal(s.VpcId, vpc.VpcId);
            assert.equal(s.DefaultForAz, true);
            assert.match(s.AvailabilityZone!, /^us-east-1[abc]$/);
        }
        const sgs = await c.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }));
        assert.equal(sgs.SecurityGroups?.[0].GroupName, "default");
    });

    it("answers InvalidVpcID.NotFound / InvalidSubnetID.NotFound as EC2 does", async () => {
        const vpcErr = await errorOf(c.ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0123456789abcdef0"] })));
        assert.equal(vpcErr.name, "InvalidVpcID.NotFound");
        assert.equal(vpcErr.message, "The vpc ID 'vpc-0123456789abcdef0' does not exist");
        assert.equal(vpcErr.$metadata?.httpStatusCode, 400);
        const subnetErr = await errorOf(c.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-1"] })));
        assert.equal(subnetErr.name, "InvalidSubnetID.NotFound");
        const filterErr = await errorOf(c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "bogus", Values: ["x"] }] })));
        assert.equal(filterErr.name, "InvalidParameterValue");
    });

    it("seeds VPCs from code and removes the default VPC", async () => {
        const seeded = emulator.seedVpc({
            vpcId: "vpc-0aaaaaaaaaaaaaaaa",
            cidrBlock: "10.9.0.0/16",
            subnets: [{ subnetId: "subnet-0bbbbbbbbbbbbbbbb" }, {}],
            tags: { Name: "custom" },
        });
        assert.equal(seeded.subnets.length, 2);
        const vpc = await c.ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0aaaaaaaaaaaaaaaa"] }));
        assert.equal(vpc.Vpcs?.[0].IsDefault, false);
        assert.deepEqual(vpc.Vpcs?.[0].Tags, [{ Key: "Name", Value: "custom" }]);
        const byTag = await c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: ["cust*"] }] }));
        assert.equal(byTag.Vpcs?.length, 1);
        const subnets = await c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: ["vpc-0aaaaaaaaaaaaaaaa"] }] }));
        assert.deepEqual(
            subnets.Subnets?.map((s) => s.CidrBlock),
            ["10.9.0.0/20", "10.9.16.0/20"],
        );

        emulator.seedVpc({ subnets: [{}, {}] }); // 3 + 2 + 2 subnets now
        const paged = await c.ec2.send(new DescribeSubnetsCommand({ MaxResults: 5 }));
        assert.equal(paged.Subnets?.length, 5);
        const rest = await c.ec2.send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: paged.NextToken }));
        assert.equal(rest.Subnets?.length, 2);
        assert.equal(rest.NextToken, undefined);

        assert.equal(emulator.removeDefaultVpc(), true);
        const none = await c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "isDefault", Values: ["true"] }] }));
        assert.deepEqual(none.Vpcs ?? [], []);
    });

    it("seeds and removes VPCs through the control API", async () => {
        const res = await fetch(`${emulator.url}/_emulator/vpcs`, {
            method: "POST",
            body: JSON.stringify({
                vpcId: "vpc-0ccccccccccccccccc",
                subnets: [{ subnetId: "subnet-0ddddddddddddddddd", availabilityZone: "us-east-1f" }],
            }),
        });
        assert.equal(res.status, 201);
        const subnet = await c.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-0ddddddddddddddddd"] }));
        assert.equal(subnet.Subnets?.[0].AvailabilityZone, "us-east-1f");
        const del = await fetch(`${emulator.url}/_emulator/vpcs/default`, { method: "DELETE" });
        assert.equal(del.status, 200);
        const vpcs = await c.ec2.send(new DescribeVpcsCommand({}));
        assert.deepEqual(
            vpcs.Vpcs?.map((v) => v.VpcId),
            ["vpc-0ccccccccccccccccc"],
        );
        const again = await fetch(`${emulator.url}/_emulator/vpcs/default`, { method: "DELETE" });
        assert.equal(again.status, 404);
        const bad = await fetch(`${emulator.url}/_emulator/vpcs`, { method: "POST", body: JSON.stringify({ subnets: "x" }) });
        assert.equal(bad.status, 400);
    });
});
