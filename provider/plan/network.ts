/** The `awsvpc` network configuration of a run, and what the I/O layer must look up for it. */
import type { JsonPatchOperation, TaskDefinition } from "../types";
import { DEFAULT_VPC_LABEL, FARGATE_LAUNCH_TYPES } from "./constants";
import { deepClone, isPlainObject } from "./json";
import type { RunSettings } from "./settings";

/**
 * Whether the RunTask request needs a `networkConfiguration`: when the definition uses the
 * `awsvpc` network mode. For a definition given by ARN and not described yet (`null`, in
 * preview): true for Fargate launch types (they only support `awsvpc`), and for others when the
 * user gave `vpcId` or network settings (they expect `awsvpc`).
 */
export function needsNetworkConfiguration(taskDefinition: TaskDefinition | null, settings: RunSettings): boolean {
    if (taskDefinition !== null) return taskDefinition.networkMode === "awsvpc";
    if (FARGATE_LAUNCH_TYPES.includes(settings.launchType)) return true;
    const network = settings.networkConfiguration;
    return settings.vpcId !== undefined || network.subnets !== undefined || network.securityGroups !== undefined;
}

/**
 * What the I/O layer must look up to find the subnets: `null` when `networkConfiguration.subnets`
 * are given, or when a customization sets them (the reference's "custom VPC subnets" example:
 * looking up a default VPC that may not exist would fail a run that does not need it); else the
 * VPC (`{ vpcId }`, or `{}` for the default VPC).
 */
export function vpcLookup(settings: RunSettings): { vpcId?: string } | null {
    if (settings.networkConfiguration.subnets !== undefined || customizationSetsSubnets(settings.taskCustomizations)) return null;
    return settings.vpcId !== undefined ? { vpcId: settings.vpcId } : {};
}

/** Whether a customization sets the subnets: an `add` or `replace` of
 * `/networkConfiguration/awsvpcConfiguration/subnets`, or of a parent with a value holding subnets. */
export function customizationSetsSubnets(ops: readonly JsonPatchOperation[]): boolean {
    return ops.some((op) => {
        if (op.op !== "add" && op.op !== "replace") return false;
        const value: unknown = op.value;
        switch (op.path) {
            case "/networkConfiguration/awsvpcConfiguration/subnets":
                return true;
            case "/networkConfiguration/awsvpcConfiguration":
                return isPlainObject(value) && value.subnets !== undefined;
            case "/networkConfiguration":
                return isPlainObject(value) && isPlainObject(value.awsvpcConfiguration) && value.awsvpcConfiguration.subnets !== undefined;
            default:
                return false;
        }
    });
}

/** How messages and placeholders name the VPC whose subnets are used. */
export function vpcLabel(vpcId?: string): string {
    return vpcId === undefined ? DEFAULT_VPC_LABEL : `VPC with ID ${vpcId}`;
}

/**
 * The RunTask `networkConfiguration`: `{ awsvpcConfiguration: { subnets, assignPublicIp,
 * securityGroups } }`, with `assignPublicIp` from the settings (default `ENABLED`) and
 * `securityGroups` as given, else `[]` (as Prefect sends it, so that a customization appending to
 * `/networkConfiguration/awsvpcConfiguration/securityGroups/-` applies; an empty list makes AWS use
 * the VPC's default group, as no list does). `subnets` may be the preview placeholder string
 * (`PLACEHOLDER.subnets(...)`).
 */
export function networkConfiguration(settings: RunSettings, subnets: string[] | string): Record<string, unknown> {
    const { securityGroups, assignPublicIp } = settings.networkConfiguration;
    return {
        awsvpcConfiguration: {
            subnets: deepClone(subnets),
            assignPublicIp,
            securityGroups: deepClone(securityGroups ?? []),
        },
    };
}

/** The error when the VPC cannot be found (the reference's wording). Exported only for the tests. @internal */
export function noVpcFoundMessage(vpcId?: string): string {
    const help =
        vpcId === undefined ? "Pass an explicit `vpcId` or configure a default VPC." : "Check that the VPC exists in the current region.";
    return `Failed to find ${vpcLabel(vpcId)}. Network configuration cannot be inferred. ${help}`;
}

/** The error when the VPC has no subnets (the reference's wording, plus what to do). Exported only for the tests. @internal */
export function noSubnetsFoundMessage(vpcId?: string): string {
    return (
        `Failed to find subnets for ${vpcLabel(vpcId)}. Network configuration cannot be inferred. ` +
        "Pass `networkConfiguration.subnets` or use a VPC that has subnets."
    );
}
