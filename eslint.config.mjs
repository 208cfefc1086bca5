// ESLint flat config: typescript-eslint with type information so that
// `no-floating-promises` (an un-awaited AWS call is a lost error) is enforced.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
// Formatting is Prettier's (`npm run format`): the rules that would fight it are turned off.
import eslintConfigPrettier from "eslint-config-prettier/flat";

export default tseslint.config(
    { ignores: ["bin/**", "node_modules/**", "eslint.config.mjs", "coverage/**", "reports/**", ".stryker-tmp/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: {
            parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
        },
        rules: {
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-misused-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "@typescript-eslint/no-require-imports": "off",
        },
    },
    eslintConfigPrettier,
);
