/**
 * The program of the streamed fan-out with this repository's source (bench/streamedProgram.ts):
 * captured with its serialized provider in a fresh process, then created in the real provider
 * host. Here the provider is serialized by value (the repository is not under `node_modules`).
 */
import { EcsTaskRun } from "../provider";
import { declareStreamedRuns } from "./streamedProgram";

export { STREAMED_LINES } from "./streamedProgram";

/** `BENCH_STREAMED_N` runs named `s<i>` (three digits), one task definition family for all. */
export function streamedRuns(): void {
    declareStreamedRuns(EcsTaskRun);
}
