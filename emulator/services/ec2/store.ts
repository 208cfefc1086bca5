/**
 * VPCs, subnets and default security groups of the emulated account.
 */
import { randomHex, stableHex } from "../../ids";

/** A VPC as DescribeVpcs shows it. */
export interface Vpc {
    vpcId: string;
    cidrBlock: string;
    isDefault: boolean;
    state: "available" | "pending";
    ownerId: string;
    tags: Record<string, string>;
}

/** A subnet as DescribeSubnets shows it. */
export interface Subnet {
    subnetId: string;
    vpcId: string;
    cidrBlock: string;
    availabilityZone: string;
    availabilityZoneId: string;
    defaultForAz: boolean;
    mapPublicIpOnLaunch: boolean;
    availableIpAddressCount: number;
    state: "available" | "pending";
    ownerId: string;
    tags: Record<string, string>;
}

/** What `seedVpc` / `POST /_emulator/vpcs` accepts. */
export interface VpcSeed {
    /** Default: a random `vpc-` id. */
    vpcId?: string;
    /** Default `10.<n>.0.0/16`. */
    cidrBlock?: string;
    /** Make it the default VPC (an existing default VPC stops being default). Default false. */
    isDefault?: boolean;
    tags?: Record<string, string>;
    /** Subnets; default: two subnets in zones a and b. */
    subnets?: SubnetSeed[];
}

/** A subnet to seed. */
export interface SubnetSeed {
    /** Default: a random `subnet-` id. */
    subnetId?: string;
    /** Default: the n-th /20 of the VPC's range. */
    cidrBlock?: string;
    /** Default: `<region>a`, `<region>b`, ... in order. */
    availabilityZone?: string;
    /** Default: true for the default VPC's subnets. */
    defaultForAz?: boolean;
    /** Default: same as defaultForAz. */
    mapPublicIpOnLaunch?: boolean;
    tags?: Record<string, string>;
}

/** A VPC with its subnets, as seeding answers. */
export interface SeededVpc {
    vpc: Vpc;
    subnets: Subnet[];
}

function nthSubnetCidr(vpcCidr: string, n: number): string {
    const [base] = vpcCidr.split("/");
    const octets = base.split(".").map(Number);
    const third = (octets[2] ?? 0) + n * 16;
    return `${octets[0]}.${octets[1] + Math.floor(third / 256)}.${third % 256}.0/20`;
}

/** EC2 state. */
export class Ec2Store {
    readonly vpcs = new Map<string, Vpc>();
    readonly subnets = new Map<string, Subnet>();
    private seeded = 0;

    constructor(
        readonly region: string,
        readonly accountId: string,
    ) {
        const seed = `${accountId}/${region}/default`;
        this.seed({
            vpcId: `vpc-${stableHex(seed, 17)}`,
            cidrBlock: "172.31.0.0/16",
            isDefault: true,
            subnets: ["a", "b", "c"].map((zone) => ({ subnetId: `subnet-${stableHex(`${seed}/${zone}`, 17)}` })),
        });
    }

    /** The default VPC, if any. */
    defaultVpc(): Vpc | undefined {
        return [...this.vpcs.values()].find((v) => v.isDefault);
    }

    /** Adds a VPC with subnets. */
    seed(spec: VpcSeed = {}): SeededVpc {
        const vpcId = spec.vpcId ?? `vpc-${randomHex(17)}`;
        if (this.vpcs.has(vpcId)) throw new Error(`VPC ${vpcId} already exists`);
        const isDefault = spec.isDefault ?? false;
        if (isDefault) for (const v of this.vpcs.values()) v.isDefault = false;
        this.seeded += 1;
        const cidrBlock = spec.cidrBlock ?? `10.${this.seeded % 256}.0.0/16`;
        const vpc: Vpc = { vpcId, cidrBlock, isDefault, state: "available", ownerId: this.accountId, tags: spec.tags ?? {} };
        this.vpcs.set(vpcId, vpc);
        const subnetSeeds = spec.subnets ?? [{}, {}];
        const subnets = subnetSeeds.map((s, i) => {
            const subnetId = s.subnetId ?? `subnet-${randomHex(17)}`;
            if (this.subnets.has(subnetId)) throw new Error(`subnet ${subnetId} already exists`);
            const zoneLetter = String.fromCharCode(97 + (i % 26));
            const defaultForAz = s.defaultForAz ?? isDefault;
            const subnet: Subnet = {
                subnetId,
                vpcId,
                cidrBlock: s.cidrBlock ?? nthSubnetCidr(cidrBlock, i),
                availabilityZone: s.availabilityZone ?? `${this.region}${zoneLetter}`,
                availabilityZoneId: `use1-az${i + 1}`,
                defaultForAz,
                mapPublicIpOnLaunch: s.mapPublicIpOnLaunch ?? defaultForAz,
                availableIpAddressCount: 4091,
                state: "available",
                ownerId: this.accountId,
                tags: s.tags ?? {},
            };
            this.subnets.set(subnetId, subnet);
            return subnet;
        });
        return { vpc, subnets };
    }

    /** Removes a VPC (`default` = the default VPC) and its subnets; false when there was none. */
    remove(vpcIdOrDefault: string): boolean {
        const vpc = vpcIdOrDefault === "default" ? this.defaultVpc() : this.vpcs.get(vpcIdOrDefault);
        if (!vpc) return false;
        this.vpcs.delete(vpc.vpcId);
        for (const [id, s] of this.subnets) if (s.vpcId === vpc.vpcId) this.subnets.delete(id);
        return true;
    }

    /** The default security group id of a VPC (stable). */
    defaultSecurityGroupId(vpcId: string): string {
        return `sg-${stableHex(`${vpcId}/default-sg`, 17)}`;
    }
}
