/**
 * A specific cluster, by name or ARN (the default is the account's `default` cluster).
 *
 * Reference: `ECSTask(command=["echo", "hello world"], cluster="my-cluster-name")`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-cluster", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["echo", "hello world"],
    cluster: "my-cluster-name",
});

export const taskArn = hello.taskArn;
export const clusterArn = hello.clusterArn;
