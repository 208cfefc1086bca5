/**
 * The resources of the streamed fan-out (bench/scenarios/streamedLogs.ts): `BENCH_STREAMED_N`
 * `EcsTaskRun`s with `streamOutput: true`, each printing {@link STREAMED_LINES} lines over about
 * 8 s, as a user declares them. Takes the `EcsTaskRun` class so that the same program declares
 * them with this repository's source (`bench/hostPrograms.ts`) or with the installed package
 * (`bench/installedPackage.ts`).
 */
import type { EcsTaskRun } from "../provider";

/** The lines each run prints: `line-0` ... `line-40`, one every 0.2 s. */
export const STREAMED_LINES = 41;

/** `BENCH_STREAMED_N` runs named `s<i>` (three digits), one task definition family for all. */
export function declareStreamedRuns(Resource: typeof EcsTaskRun): void {
    const n = Number(process.env.BENCH_STREAMED_N ?? "1");
    for (let i = 1; i <= n; i++) {
        new Resource(`s${String(i).padStart(3, "0")}`, {
            image: "public.ecr.aws/docker/library/alpine:3.20",
            command: ["sh", "-c", `for i in $(seq 0 ${STREAMED_LINES - 1}); do echo line-$i; sleep 0.2; done`],
            family: "bench-streamed",
            executionRoleArn: "arn:aws:iam::123456789012:role/bench-exec",
            streamOutput: true,
            taskWatchPollInterval: 1,
        });
    }
}
