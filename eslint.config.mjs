// Lint rules of the house: typescript-eslint's strict, type-aware set. Each rule changed here says why.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The wings of src/ and what each may import (see README, Layout). Library layers import only downward;
// the tools sit above the library and share only src/project and src/executor.
const base = ["messages", "io", "options", "quick", "seed"];
const library = [...base, "backend", "display", "format", "data", "image", "models", "charts", "install", "index"];
const allowed = {
  messages: [],
  // io turns a refused write into the catalogue's sentence (save_errors.ts); messages imports nothing.
  io: ["messages"],
  options: ["messages"],
  quick: [],
  seed: ["options", "messages"],
  backend: [...base],
  display: [...base, "tslab/display_adapter"],
  format: [...base, "backend", "display"],
  data: [...base, "backend", "format"],
  image: [...base, "backend", "display", "format"],
  models: [...base, "backend", "display", "format"],
  charts: [...base, "backend", "display", "format", "data", "image", "models"],
  install: [...base, "backend", "display", "format", "data", "models"],
  index: [...library.filter((w) => w !== "index"), "tslab/display_adapter"],
  // The tools may use the whole library, and what they share; never each other.
  project: [...library],
  executor: [...library, "project"],
  tslab: [...library, "project"],
  cli: [...library, "project", "executor"],
  deck: [...library, "project", "executor"],
};
const wings = Object.keys(allowed);
const folderWings = [
  "messages",
  "io",
  "backend",
  "display",
  "format",
  "data",
  "image",
  "models",
  "charts",
  "project",
  "executor",
  "tslab",
  "cli",
  "deck",
];
const layerRules = wings.map((wing) => {
  const ok = allowed[wing];
  const banned = wings.filter((w) => w !== wing && !ok.includes(w));
  // A file in a folder reaches other wings through "../"; a file at the top of src/ through "./".
  const inFolder = folderWings.includes(wing);
  const up = inFolder ? "../" : "./";
  const group = banned.flatMap((w) =>
    // tslab's display adapter is the one module of src/tslab the library may use.
    w === "tslab" && ok.includes("tslab/display_adapter")
      ? [`${up}tslab/*`, `!${up}tslab/display_adapter`]
      : [`${up}${w}`, `${up}${w}.*`, `${up}${w}/*`],
  );
  const files = inFolder ? [`src/${wing}/**`] : [`src/${wing}.ts`];
  return {
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group,
              message: `src/${wing} may import only ${ok.join(", ") || "nothing of deepdeck"} (README, Layout).`,
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  {
    ignores: [
      ".venv/",
      "dist/",
      "node_modules/",
      "notebooks/",
      "slides/",
      "test/fixtures/",
      "test/.tmp/",
      "test/deck/oracle/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Messages are sentences with counts and shapes in them; numbers and booleans print as users expect.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      // `() => void x()` callbacks are the idiom of event handlers and test bodies.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      // node:test's test() and describe() return promises the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["test", "describe", "it", "suite", "before", "after"] },
          ],
        },
      ],
      // With noUncheckedIndexedAccess, `a[i]!` in the numeric kernels states a bound the loop already checks.
      "@typescript-eslint/no-non-null-assertion": "off",
      // tfjs's callback and IOHandler interfaces are async by contract: a method without await still returns a promise.
      "@typescript-eslint/require-await": "off",
      // tfjs-layers types `verbose` as an enum it does not export; 0 is its documented value.
      "@typescript-eslint/no-unsafe-enum-assignment": "off",
      // deepdeck checks its arguments at run time, where notebook code with `any` or plain JavaScript breaks the
      // static types; this rule calls exactly those checks unnecessary.
      "@typescript-eslint/no-unnecessary-condition": "off",
      // Optional backends and tslab's internals load at run time by name, which in CommonJS only require() does.
      "@typescript-eslint/no-require-imports": "off",
      // Unused arguments keep a kernel's or callback's documented signature; a leading _ says so.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["test/**", "bench/**"],
    rules: {
      // Tests read JSON that Python and Jupyter wrote, and reach into untyped tslab internals on purpose;
      // their assertions check the shapes that types would.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/restrict-plus-operands": "off",
      // Tests assert that display helpers return nothing (a notebook would print a returned value).
      "@typescript-eslint/no-confusing-void-expression": "off",
      // Assertion messages print shapes as `1,2,3`, which is enough to find a failing case.
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true, allowArray: true },
      ],
    },
  },
  ...layerRules,
  {
    files: ["eslint.config.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
