/** Which container of a task definition a run is about. */
import type { ContainerDefinition } from "../types";
import { isPlainObject } from "./json";

/**
 * The container a run uses among `containers`: the one named `name` when a name is given
 * (`undefined` when there is none of that name: it is then added), else the first container
 * (`undefined` when there is none: `main` is then added). Items that are not objects (values not
 * known yet in preview) are passed over.
 */
export function selectContainer(
    containers: readonly ContainerDefinition[],
    name: string | undefined,
): ContainerDefinition | undefined {
    if (name !== undefined) return containers.find((c) => isPlainObject(c) && c.name === name);
    return containers.find((c) => isPlainObject(c));
}

/** Whether a container logs with the `awslogs` driver (whose output can be streamed). */
export function logsWithAwslogs(container: ContainerDefinition | undefined): boolean {
    return isPlainObject(container) && isPlainObject(container.logConfiguration) && container.logConfiguration.logDriver === "awslogs";
}
