/**
 * The state every service handler works on.
 */
import type { FaultController } from "./faults";
import type { Journal } from "./journal";
import type { Timers } from "./timers";
import type { LogStore } from "./services/logs/store";
import type { Ec2Store } from "./services/ec2/store";
import type { EcsState } from "./services/ecs/state";
import type { Input } from "./protocol/input";
import type { SecretStore } from "./secretStore";

/** Lifecycle delays in milliseconds (all resolved). */
export interface ResolvedDelays {
    provisioningMs: number;
    pendingMs: number;
    deprovisioningMs: number;
}

/** Shared emulator state. */
export interface EmulatorContext {
    readonly region: string;
    readonly accountId: string;
    readonly delays: ResolvedDelays;
    /** Multiplies a container's `stopTimeout` (seconds) before SIGKILL. */
    readonly stopTimeoutScale: number;
    readonly faults: FaultController;
    readonly journal: Journal;
    readonly timers: Timers;
    readonly logs: LogStore;
    readonly ec2: Ec2Store;
    readonly ecs: EcsState;
    /** Values of containers' `secrets`, as the emulator was told them. */
    readonly secrets: SecretStore;
}

/** A JSON-protocol operation handler: returns the response object. */
export type JsonHandler = (input: Input, ctx: EmulatorContext) => unknown;
