/**
 * ARNs of mocked resources (`pulumi.runtime.setMocks`): shaped as AWS shapes them for the types
 * whose ARN `EcsTaskRun` checks (a Secrets Manager secret, an SSM parameter, given to `secrets`),
 * so that a program's dry run validates as it would against AWS; undefined for other types (each
 * mock keeps its own recognisable mock ARN for those).
 */
export function mockArn(type: string, name: string): string | undefined {
    switch (type) {
        case "aws:secretsmanager/secret:Secret":
            // Secrets Manager appends 6 random characters to the name.
            return `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
        case "aws:ssm/parameter:Parameter":
            return `arn:aws:ssm:us-east-1:123456789012:parameter/${name}`;
        default:
            return undefined;
    }
}
