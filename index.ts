/**
 * The program of the repository's own Pulumi project (`Pulumi.yaml`): the quick start of
 * examples/quickstart, whose outputs become the stack's outputs. See README, "Running against a local
 * ECS endpoint".
 */
export * from "./examples/quickstart";
