/**
 * The one tool message that predates the rule that the tools (cli, tslab, executor, deck) keep their
 * messages beside them; `deepdeck start` still reads it from here.
 */
export const tools = {
  noJupyter: () =>
    [
      "Jupyter was not found on this machine (neither jupyter-lab nor jupyter-notebook is on PATH).",
      "Install one of them, then run `npm start` again:",
      "  Debian/Ubuntu:  sudo apt-get install jupyter-notebook",
      "  pip:            python3 -m pip install jupyterlab",
      "  conda:          conda install -c conda-forge jupyterlab",
    ].join("\n"),
} as const;
