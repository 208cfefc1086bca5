/**
 * TagResource, UntagResource, ListTagsForResource for clusters, tasks and task definitions.
 */
import type { EmulatorContext, JsonHandler } from "../../context";
import { invalidParameter } from "../../errors";
import { clusterNameOf, parseTaskRef } from "./arns";
import type { Tag } from "./model";
import { taskDefinitionTagsHolder } from "./taskDefinitions";
import { mergeTags, readTags } from "./validation";

interface TagHolder {
    tags: Tag[];
}

function holderOf(ctx: EmulatorContext, arn: string): TagHolder {
    if (/^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:cluster\//.test(arn)) {
        const c = ctx.ecs.clusters.get(clusterNameOf(arn));
        if (c && c.status === "ACTIVE") return c;
    } else if (/^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:task\//.test(arn)) {
        const t = ctx.ecs.tasks.get(parseTaskRef(arn).taskId);
        if (t) return t;
    } else if (/^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:task-definition\//.test(arn)) {
        const d = taskDefinitionTagsHolder(ctx, arn);
        if (d) return d;
    } else {
        throw invalidParameter(`Invalid resource ARN '${arn}'.`);
    }
    throw invalidParameter("The specified resource could not be found.");
}

const tagResource: JsonHandler = (input, ctx) => {
    const holder = holderOf(
        ctx,
        input.string("resourceArn", () => invalidParameter("resourceArn cannot be empty.")),
    );
    holder.tags = mergeTags(holder.tags, readTags(input));
    return {};
};

const untagResource: JsonHandler = (input, ctx) => {
    const holder = holderOf(
        ctx,
        input.string("resourceArn", () => invalidParameter("resourceArn cannot be empty.")),
    );
    const keys = new Set(input.optStringList("tagKeys") ?? []);
    holder.tags = holder.tags.filter((t) => !keys.has(t.key));
    return {};
};

const listTagsForResource: JsonHandler = (input, ctx) => {
    const holder = holderOf(
        ctx,
        input.string("resourceArn", () => invalidParameter("resourceArn cannot be empty.")),
    );
    return { tags: holder.tags };
};

/** Tag operations by name. */
export const tagOperations: Readonly<Record<string, JsonHandler>> = {
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
};
