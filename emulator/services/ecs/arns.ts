/**
 * ECS ARNs: clusters, task definitions, tasks, containers.
 */

const ARN_PREFIX = /^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:/;

/** Builds ECS ARNs for one account and Region. */
export class EcsArns {
    constructor(
        readonly region: string,
        readonly accountId: string,
    ) {}

    private base(): string {
        return `arn:aws:ecs:${this.region}:${this.accountId}`;
    }
    cluster(name: string): string {
        return `${this.base()}:cluster/${name}`;
    }
    taskDefinition(family: string, revision: number): string {
        return `${this.base()}:task-definition/${family}:${revision}`;
    }
    task(cluster: string, taskId: string): string {
        return `${this.base()}:task/${cluster}/${taskId}`;
    }
    container(cluster: string, taskId: string, containerId: string): string {
        return `${this.base()}:container/${cluster}/${taskId}/${containerId}`;
    }
    containerInstance(cluster: string, id: string): string {
        return `${this.base()}:container-instance/${cluster}/${id}`;
    }
}

/** A cluster name from a name or an ARN. */
export function clusterNameOf(ref: string): string {
    if (ARN_PREFIX.test(ref)) {
        const m = /:cluster\/(.+)$/.exec(ref);
        return m ? m[1] : ref;
    }
    return ref;
}

/** A task definition reference: `family`, `family:revision` or an ARN. */
export interface TaskDefinitionRef {
    family: string;
    revision?: number;
}

/** Parses a task definition reference; undefined when it is not one. */
export function parseTaskDefinitionRef(ref: string): TaskDefinitionRef | undefined {
    let rest = ref;
    if (ARN_PREFIX.test(ref)) {
        const m = /:task-definition\/(.+)$/.exec(ref);
        if (!m) return undefined;
        rest = m[1];
    }
    const m = /^([^:]+)(?::(\d+))?$/.exec(rest);
    if (!m) return undefined;
    return { family: m[1], revision: m[2] !== undefined ? Number(m[2]) : undefined };
}

/** A task reference: an id, or an ARN `.../task/<cluster>/<id>` (or the old `.../task/<id>`). */
export function parseTaskRef(ref: string): { cluster?: string; taskId: string } {
    if (ARN_PREFIX.test(ref)) {
        const m = /:task\/(?:([^/]+)\/)?([^/]+)$/.exec(ref);
        if (m) return { cluster: m[1], taskId: m[2] };
    }
    return { taskId: ref };
}
