/**
 * EC2 launch type: the task runs on a container instance registered to the cluster (here the
 * `default` cluster, which must have instances with room for the task's cpu and memory).
 *
 * Reference: `ECSTask(command=["echo", "hello world"], launch_type="EC2").run()`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-ec2", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["echo", "hello world"],
    launchType: "EC2",
});

export const taskArn = hello.taskArn;
export const exitCode = hello.exitCode;
