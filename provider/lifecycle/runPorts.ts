import type { AwsRunServices } from "../run/awsRunServices";
import type { Clock } from "../aws/retry";

export type { Clock } from "../aws/retry";
export type { WaitOptions } from "../run/waiting";

/** Reads one container's log stream: only a bounded tail is kept in memory. */
export interface LogReader {
    /** Reads what is new and relays it line by line; `signal` gives up what has not been sent yet. */
    poll(signal?: AbortSignal): Promise<unknown>;
    /** After the task's containers stopped: reads until nothing new has arrived for a short while
     * since `since` (when they stopped, ms since the epoch; default: now). */
    drain(options?: { since?: number }): Promise<unknown>;
    /** The last lines read. */
    tail(): string[];
}

/**
 * Everything a run does to the outside world, as functions. The lifecycle code (`create`,
 * `delete`, `read`) is written against these ports only; `runPortsOnAws.ts` binds them to the AWS SDK
 * (the run layer's {@link AwsRunServices}, documented there), tests bind them to fakes.
 */
export type RunPorts = Omit<AwsRunServices, "openLogStream"> & {
    /** The region the AWS clients use. */
    region: string;
    clock: Clock;
    /** Writes a line to the deployment's output. */
    log(line: string): void;
    /** Opens a reader of a log stream that relays each line to `onLine`. */
    openLogStream(group: string, stream: string, onLine: (line: string) => void): LogReader;
};
