/**
 * ECS operations (JSON 1.1, `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>`).
 */
import type { JsonHandler } from "../../context";
import { clusterOperations } from "./clusters";
import { tagOperations } from "./tags";
import { taskDefinitionOperations } from "./taskDefinitions";
import { taskOperations } from "./tasks";

/** The X-Amz-Target prefix of ECS. */
export const ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113";

/** ECS operations by name. */
export const ecsOperations: Readonly<Record<string, JsonHandler>> = {
    ...clusterOperations,
    ...taskDefinitionOperations,
    ...taskOperations,
    ...tagOperations,
};
