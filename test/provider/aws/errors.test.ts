import assert from "node:assert/strict";
import { ResourceNotFoundException } from "@aws-sdk/client-cloudwatch-logs";
import { EC2ServiceException } from "@aws-sdk/client-ec2";
import {
    AccessDeniedException,
    ClientException,
    ClusterNotFoundException,
    InvalidParameterException,
    ServerException,
} from "@aws-sdk/client-ecs";
import {
    describeAwsError,
    errorCode,
    isConcurrentRevisionError,
    isFatal,
    isThrottling,
    isTransient,
    retryExhaustedError,
} from "../../../provider/aws/errors";

const meta = (status = 400) => ({ $metadata: { httpStatusCode: status, requestId: "abc-123" } });
const ec2Error = (name: string, message: string, status = 400): EC2ServiceException =>
    new EC2ServiceException({ name, message, $fault: "client", ...meta(status) });
const concurrent = new ClientException({
    message: "Too many concurrent attempts to create a new revision of the specified family.",
    ...meta(),
});

describe("aws/errors", () => {
    it("reads the code of SDK exceptions, EC2 errors, network errors and raw bodies", () => {
        assert.equal(errorCode(new ClusterNotFoundException({ message: "x", ...meta() })), "ClusterNotFoundException");
        assert.equal(errorCode(ec2Error("InvalidVpcID.NotFound", "The vpc ID 'vpc-1' does not exist")), "InvalidVpcID.NotFound");
        assert.equal(errorCode(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })), "ECONNRESET");
        assert.equal(errorCode({ __type: "com.amazonaws.ecs#ClientException", message: "m" }), "ClientException");
        assert.equal(errorCode(new Error("plain")), undefined);
        assert.equal(errorCode("text"), undefined);
        assert.equal(
            errorCode(retryExhaustedError("gave up", new ServerException({ message: "x", ...meta(500) }), 3, 10)),
            "ServerException",
        );
    });

    it("recognizes throttling, including the concurrent-revision ClientException and HTTP 429", () => {
        for (const name of ["ThrottlingException", "Throttling", "RequestLimitExceeded", "TooManyRequestsException"]) {
            assert.ok(isThrottling(ec2Error(name, "slow down")), name);
            assert.ok(!isFatal(ec2Error(name, "slow down")), name);
            assert.ok(isTransient(ec2Error(name, "slow down")), name);
        }
        assert.ok(isThrottling({ name: "Whatever", $metadata: { httpStatusCode: 429 } }));
        assert.ok(isConcurrentRevisionError(concurrent));
        assert.ok(isThrottling(concurrent));
        assert.ok(!isFatal(concurrent));
        assert.ok(!isThrottling(new ClientException({ message: "Invalid 'cpu' setting for task.", ...meta() })));
    });

    it("classifies fatal errors", () => {
        assert.ok(isFatal(new AccessDeniedException({ message: "denied", ...meta(403) })));
        assert.ok(isFatal(ec2Error("AccessDenied", "denied", 403)));
        assert.ok(isFatal(ec2Error("UnauthorizedOperation", "You are not authorized", 403)));
        assert.ok(isFatal(new InvalidParameterException({ message: "bad", ...meta() })));
        assert.ok(isFatal(new ClientException({ message: "Invalid 'cpu' setting for task.", ...meta() })));
        assert.ok(isFatal(new ClusterNotFoundException({ message: "Cluster not found.", ...meta() })));
        assert.ok(isFatal(ec2Error("InvalidVpcID.NotFound", "nope")));
        assert.ok(!isFatal(new ServerException({ message: "oops", ...meta(500) })));
        assert.ok(isTransient(new ServerException({ message: "oops", ...meta(500) })));
        assert.ok(!isFatal(Object.assign(new Error("reset"), { code: "ECONNRESET" })));
        assert.ok(isTransient(Object.assign(new Error("reset"), { code: "ECONNRESET" })));
        assert.ok(!isFatal(new Error("unknown")));
        assert.ok(!isTransient(new Error("unknown")));
        // A modelled client fault of an unknown code is fatal (4xx, not 429).
        assert.ok(isFatal(new ResourceNotFoundException({ message: "The specified log stream does not exist.", ...meta() })));
    });

    it("explains access denied with the IAM action from AWS's message", () => {
        const err = new AccessDeniedException({
            message:
                "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
            ...meta(403),
        });
        const text = describeAwsError(err, "Running the task in cluster default", "ecs:RunTask");
        assert.match(text, /^Running the task in cluster default failed: AccessDeniedException: User: .* \(request ID abc-123\)\./);
        assert.match(text, /not allowed to call ecs:RunTask: grant ecs:RunTask to the IAM principal/);
    });

    it("names the action given when AWS's message does not, and mentions iam:PassRole", () => {
        const text = describeAwsError(
            ec2Error("UnauthorizedOperation", "You are not authorized to perform this operation.", 403),
            "Finding the default VPC",
            "ec2:DescribeVpcs",
        );
        assert.match(text, /grant ec2:DescribeVpcs/);
        const pass = describeAwsError(
            new AccessDeniedException({
                message: "User: x is not authorized to perform: iam:PassRole on resource: arn:aws:iam::1:role/exec",
                ...meta(403),
            }),
            "Running the task",
        );
        assert.match(pass, /grant iam:PassRole/);
    });

    it("explains cluster-not-found, throttling and retries given up", () => {
        assert.match(
            describeAwsError(
                new ClusterNotFoundException({ message: "Cluster not found.", ...meta() }),
                "Running the task in cluster jobs",
            ),
            /ClusterNotFoundException: Cluster not found\..*create it, or set `cluster`/,
        );
        const gaveUp = retryExhaustedError("x", concurrent, 7, 42_000);
        assert.match(
            describeAwsError(gaveUp, "Registering family web"),
            /^Registering family web failed \(gave up after 7 attempts over 42 s\): ClientException: Too many concurrent/,
        );
        assert.match(describeAwsError(gaveUp, "Registering family web"), /collided; this is retried/);
    });
});
