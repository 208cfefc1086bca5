/** Task definition family names. */
import type { ResourceContext } from "../types";
import { FALLBACK_FAMILY, MAX_FAMILY_LENGTH } from "./constants";

/**
 * Makes a string a valid task definition family: every run of characters other than ASCII
 * letters, digits, `-` and `_` becomes one `-`, leading and trailing `-` are trimmed, and the
 * result is cut to 255 characters. Letter case is kept (the reference lowercased, so a
 * family with capitals never matched its registered revision). May return `""`.
 */
export function slugifyFamily(s: string): string {
    const slug = trimDashes(s.replace(/[^A-Za-z0-9_-]+/g, "-"));
    return trimDashes(slug.slice(0, MAX_FAMILY_LENGTH));
}

/**
 * The family used when neither the inputs nor the base definition give one:
 * `<project>-<stack>-<name>`, slugified (the stack is included so that two stacks of one
 * project in one account do not share, reuse and deregister each other's revisions).
 * Never empty: falls back to `ecs-task-run`.
 */
export function defaultFamily(ctx: ResourceContext): string {
    return slugifyFamily(`${ctx.project}-${ctx.stack}-${ctx.name}`) || FALLBACK_FAMILY;
}

function trimDashes(s: string): string {
    return s.replace(/^-+/, "").replace(/-+$/, "");
}
