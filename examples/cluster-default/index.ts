/**
 * The cluster's own default capacity provider strategy: `launchType: "CLUSTER_DEFAULT"` sends
 * neither a launch type nor a strategy, so ECS places the task as the cluster says (Prefect's
 * `launch_type=None`). No size is defaulted for it (the definition says what it needs), and the
 * definition's network mode decides whether a network configuration is sent: this one is ready
 * for a Fargate strategy (awsvpc, FARGATE compatibility, task-level sizes).
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-cluster-default", {
    cluster: "my-cluster-name",
    launchType: "CLUSTER_DEFAULT",
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["echo", "hello world"],
    taskDefinition: { networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512" },
});

export const taskArn = hello.taskArn;
