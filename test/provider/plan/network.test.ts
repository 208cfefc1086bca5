import assert from "node:assert/strict";
import {
    needsNetworkConfiguration,
    networkConfiguration,
    noSubnetsFoundMessage,
    noVpcFoundMessage,
    vpcLookup,
} from "../../../provider/plan/network";
import type { JsonPatchOperation } from "../../../provider/types";
import { settingsOf } from "./fixtures";

describe("plan/network", () => {
    describe("needsNetworkConfiguration", () => {
        it("follows the definition's network mode", () => {
            assert.equal(needsNetworkConfiguration({ networkMode: "awsvpc" }, settingsOf({ launchType: "EC2" })), true);
            assert.equal(needsNetworkConfiguration({ networkMode: "bridge" }, settingsOf({})), false);
            assert.equal(needsNetworkConfiguration({}, settingsOf({ launchType: "EC2" })), false);
        });
        it("for a definition not described yet: Fargate, or network settings given", () => {
            assert.equal(needsNetworkConfiguration(null, settingsOf({ taskDefinitionArn: "app" })), true);
            assert.equal(needsNetworkConfiguration(null, settingsOf({ taskDefinitionArn: "app", launchType: "FARGATE_SPOT" })), true);
            assert.equal(needsNetworkConfiguration(null, settingsOf({ taskDefinitionArn: "app", launchType: "EC2" })), false);
            assert.equal(
                needsNetworkConfiguration(null, settingsOf({ taskDefinitionArn: "app", launchType: "EC2", vpcId: "vpc-1" })),
                true,
            );
            assert.equal(
                needsNetworkConfiguration(
                    null,
                    settingsOf({ taskDefinitionArn: "app", launchType: "EC2", networkConfiguration: { subnets: ["s"] } }),
                ),
                true,
            );
        });
    });

    describe("vpcLookup", () => {
        it("looks up the default VPC, or the given one", () => {
            assert.deepStrictEqual(vpcLookup(settingsOf({})), {});
            assert.deepStrictEqual(vpcLookup(settingsOf({ vpcId: "vpc-1" })), { vpcId: "vpc-1" });
        });
        it("looks up nothing when subnets are given", () => {
            assert.equal(vpcLookup(settingsOf({ vpcId: "vpc-1", networkConfiguration: { subnets: ["subnet-1"] } })), null);
        });
        it("looks up nothing when a customization sets the subnets", () => {
            const lookup = (op: JsonPatchOperation) => vpcLookup(settingsOf({ taskCustomizations: [op] }));
            assert.equal(lookup({ op: "add", path: "/networkConfiguration/awsvpcConfiguration/subnets", value: ["subnet-1"] }), null);
            assert.equal(lookup({ op: "replace", path: "/networkConfiguration/awsvpcConfiguration/subnets", value: ["subnet-1"] }), null);
            assert.equal(
                lookup({ op: "replace", path: "/networkConfiguration/awsvpcConfiguration", value: { subnets: ["subnet-1"] } }),
                null,
            );
            assert.equal(lookup({ op: "add", path: "/networkConfiguration", value: { awsvpcConfiguration: { subnets: ["s"] } } }), null);
            assert.deepStrictEqual(
                lookup({ op: "add", path: "/networkConfiguration/awsvpcConfiguration/subnets/-", value: "subnet-1" }),
                {},
            );
            assert.deepStrictEqual(
                lookup({ op: "replace", path: "/networkConfiguration/awsvpcConfiguration", value: { assignPublicIp: "DISABLED" } }),
                {},
            );
            assert.deepStrictEqual(lookup({ op: "remove", path: "/networkConfiguration/awsvpcConfiguration/subnets" }), {});
        });
    });

    describe("networkConfiguration", () => {
        it("enables a public IP by default and sends an empty security group list (as Prefect)", () => {
            assert.deepStrictEqual(networkConfiguration(settingsOf({}), ["subnet-1", "subnet-2"]), {
                awsvpcConfiguration: { subnets: ["subnet-1", "subnet-2"], assignPublicIp: "ENABLED", securityGroups: [] },
            });
        });
        it("takes the given settings", () => {
            const settings = settingsOf({ networkConfiguration: { securityGroups: ["sg-1"], assignPublicIp: "DISABLED" } });
            assert.deepStrictEqual(networkConfiguration(settings, "<loaded from vpc-1 at run time>"), {
                awsvpcConfiguration: { subnets: "<loaded from vpc-1 at run time>", assignPublicIp: "DISABLED", securityGroups: ["sg-1"] },
            });
        });
    });

    describe("messages", () => {
        it("says the VPC was not found and what to do", () => {
            assert.equal(
                noVpcFoundMessage(),
                "Failed to find the default VPC. Network configuration cannot be inferred. Pass an explicit `vpcId` or configure a default VPC.",
            );
            assert.equal(
                noVpcFoundMessage("vpc-1"),
                "Failed to find VPC with ID vpc-1. Network configuration cannot be inferred. Check that the VPC exists in the current region.",
            );
        });
        it("says the VPC has no subnets and what to do", () => {
            assert.equal(
                noSubnetsFoundMessage(),
                "Failed to find subnets for the default VPC. Network configuration cannot be inferred. Pass `networkConfiguration.subnets` or use a VPC that has subnets.",
            );
            assert.equal(
                noSubnetsFoundMessage("vpc-1"),
                "Failed to find subnets for VPC with ID vpc-1. Network configuration cannot be inferred. Pass `networkConfiguration.subnets` or use a VPC that has subnets.",
            );
        });
    });
});
