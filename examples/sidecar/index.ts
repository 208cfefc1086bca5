/**
 * A sidecar: the task definition has a log router listed first and the application; the run's
 * image and command go to the container `containerName` names, whatever the order. Without
 * `containerName`, a definition of several containers is refused at `pulumi preview` (Prefect
 * always targets its own container by name; taking the first would give the sidecar the command).
 *
 * The run fails when its container exits non-zero, and also when another essential container
 * does (a sidecar that ECS stops because the run's container finished does not count). The
 * `containers` output lists every container's status, exit code and reason.
 */
import { EcsTaskRun } from "../../provider";

const job = new EcsTaskRun("nightly-job", {
    taskDefinition: {
        family: "nightly-job",
        executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        containerDefinitions: [
            {
                name: "log-router",
                image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
                essential: true,
                firelensConfiguration: { type: "fluentbit" },
                memoryReservation: 50,
            },
            {
                name: "app",
                image: "ghcr.io/example/app:1.4.2",
                essential: true,
            },
        ],
    },
    containerName: "app",
    command: ["npm", "run", "nightly"],
});

export const containers = job.containers;
export const exitCode = job.exitCode;
