/**
 * Resource specs for the engine tests: quick tasks (they exit at once, or sleep when the run does
 * not wait), quick polls, and the provider captured once from a real program.
 */
import { captureProvider, type Props } from "../support/providerHost";
import { EcsTaskRun } from "../../provider";
import type { ResourceDecl } from "./engine";

/** The image every run names (the emulator runs the command locally). */
export const IMAGE = "public.ecr.aws/docker/library/alpine:3.20";
export { EMPTY_VPC } from "./engine";

/** The serialized provider, captured from `new EcsTaskRun(...)` by Pulumi's closure serialization. */
export async function captureProviderText(): Promise<string> {
    const [resource] = await captureProvider(() => {
        new EcsTaskRun("capture", { image: IMAGE, command: ["true"] });
    });
    return resource.provider;
}

/** A run that exits 0 at once and is waited for. */
export function quick(extra: Props = {}): Props {
    return { image: IMAGE, command: ["sh", "-c", "exit 0"], taskWatchPollInterval: 0.02, ...extra };
}

/** A run that keeps running (60 s) and is not waited for. */
export function running(extra: Props = {}): Props {
    return { image: IMAGE, command: ["sleep", "60"], taskWatchPollInterval: 0.02, waitForCompletion: false, ...extra };
}

/** A run that takes about `seconds` and is waited for (long enough to kill the host during it). */
export function slow(seconds = 1, extra: Props = {}): Props {
    return { image: IMAGE, command: ["sleep", String(seconds)], taskWatchPollInterval: 0.02, ...extra };
}

/** A declaration. */
export function decl(name: string, spec: Props, more: Omit<ResourceDecl, "name" | "spec"> = {}): ResourceDecl {
    return { name, spec, ...more };
}
