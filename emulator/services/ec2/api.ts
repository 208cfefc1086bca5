/**
 * EC2 operations (query protocol): DescribeVpcs, DescribeSubnets, DescribeSecurityGroups.
 */
import type { EmulatorContext } from "../../context";
import { AwsError } from "../../errors";
import { queryFilters, queryList, type QueryFilter, type QueryParams, type XmlValue } from "../../protocol/query";
import type { Subnet, Vpc } from "./store";

/** An EC2 operation handler: returns the members of `<ActionResponse>`. */
export type QueryHandler = (params: QueryParams, ctx: EmulatorContext) => Record<string, XmlValue>;

/** EC2 filter values allow `*` and `?` wildcards. */
function globMatch(pattern: string, value: string): boolean {
    const re = new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
    );
    return re.test(value);
}

type FieldReader<T> = (item: T) => string | string[] | undefined;

function applyFilters<T extends { tags: Record<string, string> }>(
    items: T[],
    filters: QueryFilter[],
    fields: Record<string, FieldReader<T>>,
): T[] {
    for (const f of filters) {
        const isTag = f.name.startsWith("tag:");
        if (!isTag && f.name !== "tag-key" && !(f.name in fields)) {
            throw new AwsError("InvalidParameterValue", `The filter '${f.name}' is invalid`);
        }
    }
    return items.filter((item) =>
        filters.every((f) => {
            let actual: string | string[] | undefined;
            if (f.name.startsWith("tag:")) actual = item.tags[f.name.slice(4)];
            else if (f.name === "tag-key") actual = Object.keys(item.tags);
            else actual = fields[f.name](item);
            if (actual === undefined) return false;
            const values = Array.isArray(actual) ? actual : [actual];
            return f.values.some((pattern) => values.some((v) => globMatch(pattern, v)));
        }),
    );
}

/** MaxResults (5-1000) / NextToken paging, as EC2's Describe* calls have it. */
function paginate<T>(items: T[], params: QueryParams): { page: T[]; nextToken?: string } {
    const maxText = params.get("MaxResults");
    const tokenText = params.get("NextToken");
    let start = 0;
    if (tokenText !== undefined) {
        const m = /^p(\d+)$/.exec(tokenText);
        if (!m) throw new AwsError("InvalidPaginationToken", `Invalid pagination token: ${tokenText}`);
        start = Number(m[1]);
    }
    if (maxText === undefined) return { page: items.slice(start) };
    const max = Number(maxText);
    if (!Number.isInteger(max) || max < 5 || max > 1000) {
        throw new AwsError(
            "InvalidParameterValue",
            `Value ( ${maxText} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
        );
    }
    const page = items.slice(start, start + max);
    return start + max < items.length ? { page, nextToken: `p${start + max}` } : { page };
}

const tagSet = (tags: Record<string, string>): XmlValue =>
    Object.keys(tags).length === 0 ? undefined : Object.entries(tags).map(([key, value]) => ({ key, value }));

const vpcXml = (v: Vpc): XmlValue => ({
    vpcId: v.vpcId,
    ownerId: v.ownerId,
    state: v.state,
    cidrBlock: v.cidrBlock,
    cidrBlockAssociationSet: [
        { cidrBlock: v.cidrBlock, associationId: `vpc-cidr-assoc-${v.vpcId.slice(4)}`, cidrBlockState: { state: "associated" } },
    ],
    dhcpOptionsId: `dopt-${v.vpcId.slice(4)}`,
    tagSet: tagSet(v.tags),
    instanceTenancy: "default",
    isDefault: v.isDefault,
});

const subnetXml = (s: Subnet, ctx: EmulatorContext): XmlValue => ({
    subnetId: s.subnetId,
    subnetArn: `arn:aws:ec2:${ctx.region}:${s.ownerId}:subnet/${s.subnetId}`,
    state: s.state,
    ownerId: s.ownerId,
    vpcId: s.vpcId,
    cidrBlock: s.cidrBlock,
    availableIpAddressCount: s.availableIpAddressCount,
    availabilityZone: s.availabilityZone,
    availabilityZoneId: s.availabilityZoneId,
    defaultForAz: s.defaultForAz,
    mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
    assignIpv6AddressOnCreation: false,
    tagSet: tagSet(s.tags),
});

const VPC_FIELDS: Record<string, FieldReader<Vpc>> = {
    "vpc-id": (v) => v.vpcId,
    isDefault: (v) => String(v.isDefault),
    "is-default": (v) => String(v.isDefault),
    state: (v) => v.state,
    "cidr-block": (v) => v.cidrBlock,
    cidr: (v) => v.cidrBlock,
    "cidr-block-association.cidr-block": (v) => v.cidrBlock,
    "owner-id": (v) => v.ownerId,
};

const SUBNET_FIELDS: Record<string, FieldReader<Subnet>> = {
    "vpc-id": (s) => s.vpcId,
    vpcId: (s) => s.vpcId,
    "subnet-id": (s) => s.subnetId,
    subnetId: (s) => s.subnetId,
    "availability-zone": (s) => s.availabilityZone,
    availabilityZone: (s) => s.availabilityZone,
    "availability-zone-id": (s) => s.availabilityZoneId,
    "default-for-az": (s) => String(s.defaultForAz),
    defaultForAz: (s) => String(s.defaultForAz),
    "map-public-ip-on-launch": (s) => String(s.mapPublicIpOnLaunch),
    state: (s) => s.state,
    "cidr-block": (s) => s.cidrBlock,
    cidrBlock: (s) => s.cidrBlock,
    cidr: (s) => s.cidrBlock,
    "owner-id": (s) => s.ownerId,
};

const describeVpcs: QueryHandler = (params, ctx) => {
    const ids = queryList(params, "VpcId");
    let vpcs = [...ctx.ec2.vpcs.values()];
    if (ids.length > 0) {
        for (const id of ids) {
            if (!ctx.ec2.vpcs.has(id)) throw new AwsError("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`);
        }
        vpcs = vpcs.filter((v) => ids.includes(v.vpcId));
    }
    vpcs = applyFilters(vpcs, queryFilters(params), VPC_FIELDS);
    const { page, nextToken } = paginate(vpcs, params);
    return { vpcSet: page.map(vpcXml), nextToken };
};

const describeSubnets: QueryHandler = (params, ctx) => {
    const ids = queryList(params, "SubnetId");
    let subnets = [...ctx.ec2.subnets.values()];
    if (ids.length > 0) {
        for (const id of ids) {
            if (!ctx.ec2.subnets.has(id)) throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`);
        }
        subnets = subnets.filter((s) => ids.includes(s.subnetId));
    }
    subnets = applyFilters(subnets, queryFilters(params), SUBNET_FIELDS);
    const { page, nextToken } = paginate(subnets, params);
    return { subnetSet: page.map((s) => subnetXml(s, ctx)), nextToken };
};

interface SecurityGroup {
    groupId: string;
    groupName: string;
    vpcId: string;
    tags: Record<string, string>;
}

const SG_FIELDS: Record<string, FieldReader<SecurityGroup>> = {
    "vpc-id": (g) => g.vpcId,
    "group-id": (g) => g.groupId,
    "group-name": (g) => g.groupName,
};

/** Every VPC has one security group, `default`. */
const describeSecurityGroups: QueryHandler = (params, ctx) => {
    let groups: SecurityGroup[] = [...ctx.ec2.vpcs.values()].map((v) => ({
        groupId: ctx.ec2.defaultSecurityGroupId(v.vpcId),
        groupName: "default",
        vpcId: v.vpcId,
        tags: {},
    }));
    const ids = queryList(params, "GroupId");
    for (const id of ids) {
        if (!groups.some((g) => g.groupId === id)) throw new AwsError("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
    }
    if (ids.length > 0) groups = groups.filter((g) => ids.includes(g.groupId));
    const names = queryList(params, "GroupName");
    if (names.length > 0) groups = groups.filter((g) => names.includes(g.groupName));
    groups = applyFilters(groups, queryFilters(params), SG_FIELDS);
    return {
        securityGroupInfo: groups.map((g) => ({
            ownerId: ctx.accountId,
            groupId: g.groupId,
            groupName: g.groupName,
            groupDescription: "default VPC security group",
            vpcId: g.vpcId,
            securityGroupArn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:security-group/${g.groupId}`,
        })),
    };
};

/** EC2 operations by action name. */
export const ec2Operations: Readonly<Record<string, QueryHandler>> = {
    DescribeVpcs: describeVpcs,
    DescribeSubnets: describeSubnets,
    DescribeSecurityGroups: describeSecurityGroups,
};
