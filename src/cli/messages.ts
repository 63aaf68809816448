/** What the `deepdeck` command says when Jupyter or a kernel is not as it expects (tools keep their messages beside them). */
export const cliMessages = {
  kernelElsewhere: (dir: string, other: string, mine: string) =>
    [
      `The Jupyter kernel "TypeScript (deepdeck)" (${dir}) runs another copy of deepdeck:`,
      `  ${other}`,
      `so notebooks on it do not run this checkout (${mine}). It was left as it is. To change that:`,
      "  npm run install-kernel                              point it at this checkout",
      "  npx deepdeck install-kernel --name NAME             or add a second kernel for this checkout",
    ].join("\n"),
  noJupyter: () =>
    [
      "Jupyter was not found on this machine (neither jupyter-lab nor jupyter-notebook is on PATH or in .venv/).",
      "Install one of them, then run `npm start` again:",
      "  in this folder:  python3 -m venv .venv && .venv/bin/pip install jupyterlab   (npm start finds .venv/)",
      "  Debian/Ubuntu:   sudo apt-get install jupyter-notebook   (the classic Notebook)",
      "  pip:             python3 -m pip install jupyterlab",
      "  conda:           conda install -c conda-forge jupyterlab",
    ].join("\n"),
  noJupyterLab: () =>
    [
      "JupyterLab was not found (no jupyter-lab on PATH or in .venv/). Install it, then run `npm start` again:",
      "  in this folder:  python3 -m venv .venv && .venv/bin/pip install jupyterlab   (npm start finds .venv/)",
      "  pip:             python3 -m pip install jupyterlab",
    ].join("\n"),
  classicNotebookOnly: () =>
    [
      "JupyterLab is not installed, so this opens the classic Notebook. For JupyterLab (what the course uses):",
      "  python3 -m venv .venv && .venv/bin/pip install jupyterlab   (npm start finds .venv/), or pip install jupyterlab",
    ].join("\n"),
  deckToolMissing: (tool: string) => `deepdeck slides: the deck tool ${tool} is missing; run \`npm run build\` first.`,
} as const;
