/**
 * Security groups for the task's network interface (the default is the VPC's default group).
 *
 * Reference: `ECSTask(command=[...], vpc_id="vpc-01abcdf123456789a", task_customizations=[{"op": "add",
 * "path": "/networkConfiguration/awsvpcConfiguration/securityGroups", "value": ["sg-d72e9599956a084f5"]}])`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-sg", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["echo", "hello world"],
    vpcId: "vpc-01abcdf123456789a",
    networkConfiguration: { securityGroups: ["sg-d72e9599956a084f5"] },
});

export const taskArn = hello.taskArn;
export const exitCode = hello.exitCode;
