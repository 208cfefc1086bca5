/**
 * Specific advice for failures whose generic text does not say what to do: RunTask on a cluster
 * with no container instances, and a task whose execution role cannot create its log stream or
 * read its secrets (Prefect's `_report_task_run_creation_failure` has the first two).
 */
import type { Task } from "@aws-sdk/client-ecs";
import type { LaunchType } from "../types";

/** What RunTask's error says when an EC2 or EXTERNAL cluster has no container instances. */
const NO_CONTAINER_INSTANCES = /No Container Instances/i;

/** Advice for an error RunTask threw, or null when there is none more specific than the error. */
export function runTaskErrorAdvice(message: string, cluster: string, launchType: LaunchType): string | null {
    if (!NO_CONTAINER_INSTANCES.test(message)) return null;
    const instances =
        launchType === "EXTERNAL"
            ? "external instances (ECS Anywhere) registered to it"
            : "EC2 container instances registered to it (an Auto Scaling group or capacity provider whose instances run the ECS agent)";
    return (
        `Cluster ${cluster} has no container instances, so launch type ${launchType} has nowhere to run the task: ` +
        `add ${instances}, or run on Fargate (\`launchType: "FARGATE"\`).`
    );
}

/** Advice for a task that stopped before it ran, from its stop reason and its containers' reasons;
 * null when there is none more specific than those reasons. The secrets advice is given only when
 * the run has `secrets` (the same ECS message also covers private registry credentials). */
export function startFailureAdvice(task: Task, run: { executionRoleArn?: string; hasSecrets: boolean }): string | null {
    const { executionRoleArn } = run;
    const reasons = [task.stoppedReason ?? "", ...(task.containers ?? []).map((c) => c.reason ?? "")].join("\n");
    const role = executionRoleArn === undefined ? "The task's execution role" : `The execution role ${executionRoleArn}`;
    if (/failed to validate logger args/i.test(reasons) && /AccessDenied|not authorized/i.test(reasons)) {
        return (
            `${role} may not create the container's log stream: give it logs:CreateLogStream, logs:CreateLogGroup and ` +
            "logs:PutLogEvents (AWS's AmazonECSTaskExecutionRolePolicy plus logs:CreateLogGroup), or set `executionRoleArn` to a role that has them."
        );
    }
    if (run.hasSecrets && /unable to pull secrets|unable to retrieve secret|retrieve secrets? from (asm|ssm)/i.test(reasons)) {
        return (
            `${role} could not read the container's \`secrets\`: check that each secret or parameter exists in the task's region, and give the role ` +
            "secretsmanager:GetSecretValue (Secrets Manager) or ssm:GetParameters (SSM) on them, and kms:Decrypt on a customer-managed key that encrypts them."
        );
    }
    return null;
}
