/**
 * Custom subnets. The first-class argument `networkConfiguration.subnets` is the way to go: it is
 * validated and shown by `pulumi preview`. The second resource shows the reference's form, an
 * RFC 6902 patch applied last to the RunTask request (`taskCustomizations`), which can change any
 * field of the request.
 *
 * Reference:
 * `ECSTask(command=[...], task_customizations=[{"op": "add", "path": "/networkConfiguration/awsvpcConfiguration/subnets", "value": [...]}])`
 */
import { EcsTaskRun } from "../../provider";

const subnets = ["subnet-80b6fbcd", "subnet-42a6fdgd"];

const hello = new EcsTaskRun("hello-subnets", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["echo", "hello world"],
    networkConfiguration: { subnets },
});

const patched = new EcsTaskRun("hello-subnets-patched", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["echo", "hello world"],
    taskCustomizations: [
        {
            op: "add",
            path: "/networkConfiguration/awsvpcConfiguration/subnets",
            value: subnets,
        },
    ],
});

export const taskArn = hello.taskArn;
export const patchedTaskArn = patched.taskArn;
