/**
 * `npm run emulator -- [options]`: starts the emulator in the foreground.
 *
 * Options:
 *   --port N                 TCP port (default 4566; 0 = any free port)
 *   --host H                 interface (default 127.0.0.1)
 *   --region R               Region in ARNs (default us-east-1)
 *   --account-id A           account id in ARNs (default 123456789012)
 *   --provisioning-ms N      PROVISIONING → PENDING delay (default 50)
 *   --pending-ms N           PENDING → RUNNING delay (default 50)
 *   --deprovisioning-ms N    DEPROVISIONING → STOPPED delay (default 50)
 *   --stop-timeout-scale X   multiplies containers' stopTimeout before SIGKILL (default 1)
 *   --throttle               enable throttling with the default token buckets
 *   --log-quotas             AWS's log read quotas (25 GetLogEvents, 5 FilterLogEvents per second)
 *   --missing-image IMAGE    an image that cannot be pulled (repeatable)
 *   --interrupt-tasks N      the next N tasks that run are interrupted as Fargate Spot does
 *   --fail-starts N          the next N tasks fail to start (their image pull fails)
 *   --quiet                  do not print each request
 *   --help
 */
import { startEmulator, type EmulatorOptions } from "./index";

const HELP = `Usage: npm run emulator -- [--port 4566] [--host 127.0.0.1] [--region us-east-1] [--account-id 123456789012]
  [--provisioning-ms 50] [--pending-ms 50] [--deprovisioning-ms 50] [--stop-timeout-scale 1]
  [--throttle] [--log-quotas] [--missing-image IMAGE]... [--interrupt-tasks N] [--fail-starts N] [--quiet]`;

interface CliOptions {
    emulator: EmulatorOptions;
    quiet: boolean;
}

function number(flag: string, value: string | undefined): number {
    const n = Number(value);
    if (value === undefined || value === "" || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number >= 0`);
    return n;
}

/** Parses the command line (exported for tests). */
export function parseArgs(argv: string[]): CliOptions {
    const emulator: EmulatorOptions = { port: 4566, delays: {} };
    const delays = emulator.delays as NonNullable<EmulatorOptions["delays"]>;
    let quiet = false;
    for (let i = 0; i < argv.length; i += 1) {
        const arg = argv[i];
        const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        const value = (): string | undefined => inline ?? argv[++i];
        switch (flag) {
            case "--port":
                emulator.port = number(flag, value());
                break;
            case "--host":
                emulator.host = value();
                break;
            case "--region":
                emulator.region = value();
                break;
            case "--account-id":
                emulator.accountId = value();
                break;
            case "--provisioning-ms":
                delays.provisioningMs = number(flag, value());
                break;
            case "--pending-ms":
                delays.pendingMs = number(flag, value());
                break;
            case "--deprovisioning-ms":
                delays.deprovisioningMs = number(flag, value());
                break;
            case "--stop-timeout-scale":
                emulator.stopTimeoutScale = number(flag, value());
                break;
            case "--throttle":
                emulator.throttling = true;
                break;
            case "--log-quotas":
                emulator.faults = { ...(emulator.faults ?? {}), logQuotas: true };
                break;
            case "--missing-image": {
                const image = value();
                if (!image) throw new Error("--missing-image needs an image");
                emulator.missingImages = [...(emulator.missingImages ?? []), image];
                break;
            }
            case "--interrupt-tasks":
                emulator.faults = { ...emulator.faults, interruptTasks: { count: number(flag, value()) } };
                break;
            case "--fail-starts":
                emulator.faults = { ...emulator.faults, failStarts: { count: number(flag, value()) } };
                break;
            case "--quiet":
                quiet = true;
                break;
            case "--help":
            case "-h":
                throw new Error(HELP);
            default:
                throw new Error(`unknown option ${arg}\n${HELP}`);
        }
    }
    return { emulator, quiet };
}

async function main(): Promise<void> {
    let options: CliOptions;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exitCode = 2;
        return;
    }
    const emulator = await startEmulator(options.emulator);
    process.stdout.write(`ECS emulator listening on ${emulator.url} (region ${emulator.region}, account ${emulator.accountId})\n`);
    process.stdout.write(
        `  AWS_ENDPOINT_URL=${emulator.url} AWS_REGION=${emulator.region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n`,
    );
    process.stdout.write(`  control API: ${emulator.url}/_emulator/faults, /_emulator/requests, /_emulator/tasks, /_emulator/vpcs\n`);
    let seen = 0;
    const tick = options.quiet
        ? undefined
        : setInterval(() => {
              const entries = emulator.requests();
              for (const e of entries.slice(seen)) {
                  process.stdout.write(`${e.time} ${e.service} ${e.operation} ${e.status}${e.errorCode ? ` ${e.errorCode}` : ""}\n`);
              }
              seen = entries.length;
          }, 250);
    let stopping = false;
    const shutdown = (sig: string): void => {
        if (stopping) return;
        stopping = true;
        if (tick) clearInterval(tick);
        process.stdout.write(`\n${sig}: stopping (killing task processes)\n`);
        emulator.close().then(
            () => process.exit(0),
            (err: unknown) => {
                process.stderr.write(`${String(err)}\n`);
                process.exit(1);
            },
        );
    };
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (require.main === module) {
    main().catch((err: unknown) => {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(1);
    });
}
