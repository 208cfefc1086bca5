/** Which container of a task definition a run is about. */
import type { ContainerDefinition } from "../types";
import { isPlainObject } from "./json";

/**
 * The container a run uses among `containers`: the one named `name` when a name is given
 * (`undefined` when there is none of that name: it is then added), else the only container
 * (`undefined` when there is none, `main` is then added, or when there are several: see
 * {@link ambiguousContainers}). Items that are not objects (values not known yet in preview) are
 * passed over.
 */
export function selectContainer(containers: readonly ContainerDefinition[], name: string | undefined): ContainerDefinition | undefined {
    if (name !== undefined) return containers.find((c) => isPlainObject(c) && c.name === name);
    const known = containers.filter((c) => isPlainObject(c));
    return known.length === 1 ? known[0] : undefined;
}

/**
 * The names of the containers when no `containerName` is given and the definition has several,
 * so that which one runs the command would be a guess (a sidecar listed first would get the run's
 * image and command); null when the choice is clear. Prefect always targets its own container by
 * name; this resource asks for the name instead of taking the first.
 */
export function ambiguousContainers(containers: readonly ContainerDefinition[], name: string | undefined): string[] | null {
    if (name !== undefined) return null;
    const known = containers.filter((c) => isPlainObject(c));
    return known.length > 1 ? known.map((c) => String(c.name)) : null;
}

/** The error for {@link ambiguousContainers}: names the containers and says to set `containerName`. */
export function ambiguousContainerMessage(names: readonly string[], where: string): string {
    return (
        `${where} has ${names.length} containers (${names.join(", ")}) and no \`containerName\` says which one runs the command: ` +
        `set \`containerName\` to one of them (the others run beside it as sidecars).`
    );
}

/** Whether a container logs with the `awslogs` driver (whose output can be streamed). */
export function logsWithAwslogs(container: ContainerDefinition | undefined): boolean {
    return isPlainObject(container) && isPlainObject(container.logConfiguration) && container.logConfiguration.logDriver === "awslogs";
}
