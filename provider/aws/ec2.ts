/**
 * Thin EC2 calls (the SDK module is loaded inside the function: closure serialization).
 */
import type { EC2Client } from "@aws-sdk/client-ec2";
import { errorCode } from "./errors";

type Ec2Module = typeof import("@aws-sdk/client-ec2");

/**
 * The subnet IDs of `vpcId`, else of the region's default VPC: DescribeVpcs (by `VpcIds`, or the
 * filter `isDefault=true`), then DescribeSubnets with the filter `vpc-id` (all pages).
 * Errors, worded as the reference's `_load_vpc_network_config`:
 * - no default VPC: "Failed to find the default VPC. Network configuration cannot be inferred. Pass an explicit `vpcId` or configure a default VPC."
 * - no such VPC (also EC2's `InvalidVpcID.NotFound`): "Failed to find VPC with ID vpc-x. Network configuration cannot be inferred. Check that the VPC exists in the current region."
 * - no subnets: "Failed to find subnets for <the default VPC | VPC with ID vpc-x>. Network configuration cannot be inferred."
 */
export async function findVpcSubnets(ec2: EC2Client, vpcId?: string): Promise<string[]> {
    const { DescribeVpcsCommand, DescribeSubnetsCommand } = require("@aws-sdk/client-ec2") as Ec2Module;
    const vpcMessage = vpcId ? `VPC with ID ${vpcId}` : "the default VPC";
    const notFound = (): Error =>
        new Error(
            `Failed to find ${vpcMessage}. Network configuration cannot be inferred. ` +
                (vpcId ? "Check that the VPC exists in the current region." : "Pass an explicit `vpcId` or configure a default VPC."),
        );

    let vpcs;
    try {
        const out = await ec2.send(
            new DescribeVpcsCommand(vpcId ? { VpcIds: [vpcId] } : { Filters: [{ Name: "isDefault", Values: ["true"] }] }),
        );
        vpcs = out.Vpcs ?? [];
    } catch (err) {
        if (errorCode(err) === "InvalidVpcID.NotFound") throw notFound();
        throw err;
    }
    const foundId = vpcs[0]?.VpcId;
    if (!foundId) throw notFound();

    const subnets: string[] = [];
    let nextToken: string | undefined;
    do {
        const out = await ec2.send(
            new DescribeSubnetsCommand({
                Filters: [{ Name: "vpc-id", Values: [foundId] }],
                ...(nextToken ? { NextToken: nextToken } : {}),
            }),
        );
        for (const s of out.Subnets ?? []) if (s.SubnetId) subnets.push(s.SubnetId);
        nextToken = out.NextToken;
    } while (nextToken);
    if (subnets.length === 0) {
        throw new Error(`Failed to find subnets for ${vpcMessage}. Network configuration cannot be inferred.`);
    }
    return subnets;
}
