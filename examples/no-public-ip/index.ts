/**
 * No public IP: the task's network interface gets none, so its subnets need a route to the image
 * registry (a NAT gateway or VPC endpoints).
 *
 * Reference: `ECSTask(command=[...], vpc_id="vpc-01abcdf123456789a", task_customizations=[{"op": "replace",
 * "path": "/networkConfiguration/awsvpcConfiguration/assignPublicIp", "value": "DISABLED"}])`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-private", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["echo", "hello world"],
    vpcId: "vpc-01abcdf123456789a",
    networkConfiguration: { assignPublicIp: "DISABLED" },
});

export const taskArn = hello.taskArn;
export const exitCode = hello.exitCode;
