import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/**", "app/generated/**", "node_modules/**", "rehearsals/**", "public/build/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // Configuration is parsed once, in app/env.server.ts; the app reads nothing else.
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/env.server.ts", "app/**/*.test.{ts,tsx}"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through env() from ~/env.server." },
      ],
    },
  },
  {
    // A procedure longer than a screen hides its steps: name them. Tests are exempt (a
    // describe block is a list, not a procedure).
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.test.{ts,tsx}", "app/**/testing/**"],
    rules: {
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    // The domain engine is pure: no I/O, no framework, no clock, no randomness.
    files: ["app/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*", "fs", "http", "https", "net", "child_process"], message: "The domain does no I/O." },
            {
              group: ["@prisma/*", "~/generated/*", "~/db.server", "*.server"],
              message: "The domain has no database.",
            },
            {
              group: ["@remix-run/*", "@shopify/*", "react", "react-dom"],
              message: "The domain imports no framework.",
            },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "Time is a parameter in the domain." },
        { object: "Math", property: "random", message: "Randomness is a parameter in the domain." },
      ],
    },
  },
  {
    // The rehearsal's core is pure like the domain, and stands on it alone: the worker and
    // `npm run rehearse` do the I/O (database, files, the real app over HTTP).
    files: ["app/rehearsal/**/*.ts"],
    ignores: ["app/rehearsal/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "fs", "http", "https", "net", "child_process"],
              message: "The rehearsal's core does no I/O.",
            },
            {
              group: ["@prisma/*", "~/generated/*", "~/db.server", "*.server"],
              message: "The rehearsal's core has no database.",
            },
            {
              group: ["@remix-run/*", "@shopify/*", "react", "react-dom"],
              message: "The rehearsal's core imports no framework.",
            },
            {
              regex: "^~/(?!domain(/|$)|rehearsal/)",
              message: "The rehearsal's core imports the domain only (app/domain).",
            },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "Time is a parameter in a rehearsal." },
        { object: "Math", property: "random", message: "A rehearsal draws from its seeded streams (random.ts)." },
        { object: "performance", property: "now", message: "The caller times a rehearsal (a clock parameter)." },
      ],
    },
  },
);
