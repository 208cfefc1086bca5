/**
 * A specific VPC: the task runs in the subnets of `vpcId` (looked up when the task runs) instead of
 * those of the default VPC.
 *
 * Reference: `ECSTask(command=["echo", "hello world"], vpc_id="vpc-01abcdf123456789a").run()`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-vpc", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["echo", "hello world"],
    vpcId: "vpc-01abcdf123456789a",
});

export const taskArn = hello.taskArn;
export const exitCode = hello.exitCode;
