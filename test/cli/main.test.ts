import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { which } from "../../src/cli/start";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-kernelspec-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const cli = join(__dirname, "..", "..", "dist", "cli", "main.js");

describe("the deepdeck command", () => {
  test("install-kernel honours JUPYTER_DATA_DIR and --prefix", () => {
    const jd = join(scratch, "env-data");
    const run = spawnSync(process.execPath, [cli, "install-kernel"], {
      env: { ...process.env, JUPYTER_DATA_DIR: jd },
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Registered: Jupyter kernel "TypeScript \(deepdeck\)"/);
    assert.ok(existsSync(join(jd, "kernels", "deepdeck", "kernel.json")));
    const again = spawnSync(process.execPath, [cli, "install-kernel"], {
      env: { ...process.env, JUPYTER_DATA_DIR: jd },
      encoding: "utf8",
    });
    assert.match(again.stdout, /Already registered/);
    const prefix = join(scratch, "prefix");
    const p = spawnSync(process.execPath, [cli, "install-kernel", "--prefix", prefix], { encoding: "utf8" });
    assert.equal(p.status, 0, p.stderr);
    assert.ok(existsSync(join(prefix, "share", "jupyter", "kernels", "deepdeck", "kernel.json")));
  });
  test("unknown commands and arguments fail with usage", () => {
    const bad = spawnSync(process.execPath, [cli, "instal-kernel"], { encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown command "instal-kernel"[\s\S]*Usage: deepdeck/);
    const badArg = spawnSync(process.execPath, [cli, "install-kernel", "--prefix"], { encoding: "utf8" });
    assert.equal(badArg.status, 2);
    assert.match(badArg.stderr, /--prefix needs a directory/);
  });
  test("start says how to install Jupyter when it is missing", () => {
    const run = spawnSync(process.execPath, [cli, "start"], {
      env: {
        ...process.env,
        PATH: "/nonexistent",
        DEEPDECK_VENV: "/nonexistent",
        JUPYTER_DATA_DIR: join(scratch, "start-data"),
      },
      encoding: "utf8",
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /Jupyter was not found[\s\S]*apt-get install jupyter-notebook[\s\S]*pip install jupyterlab/,
    );
  });
  test("the package links itself so notebooks can import it by name", () => {
    const link = join(__dirname, "..", "..", "node_modules", "deepdeck");
    assert.ok(existsSync(join(link, "package.json")), "npm install ran `deepdeck link`");
    assert.equal(JSON.parse(readFileSync(join(link, "package.json"), "utf8")).name, "deepdeck");
  });
});

describe(
  "npm start",
  { skip: process.env["DEEPDECK_SKIP_JUPYTER"] === "1" ? "DEEPDECK_SKIP_JUPYTER=1" : false },
  () => {
    test("starts Jupyter on 127.0.0.1 with a token, in notebooks/, with the deepdeck kernel registered", async () => {
      assert.ok(
        which("jupyter-lab") || which("jupyter-notebook"),
        "Jupyter is not installed: sudo apt-get install jupyter-notebook (or set DEEPDECK_SKIP_JUPYTER=1)",
      );
      const jd = join(scratch, "start-real");
      const port = 20000 + (process.pid % 20000);
      const child = spawn(
        process.execPath,
        [cli, "start", "--", "--no-browser", `--port=${port}`, "--port-retries=0"],
        {
          env: { ...process.env, JUPYTER_DATA_DIR: jd, JUPYTER_RUNTIME_DIR: join(scratch, "runtime"), BROWSER: "true" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`Jupyter did not start in 60 s:\n${output}`)), 60000);
          const poll = setInterval(() => {
            const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*\?token=[0-9a-f]+)/.exec(output);
            if (m) {
              clearInterval(poll);
              clearTimeout(timer);
              resolve(m[1]!);
            }
          }, 100);
          child.on("exit", (code) => reject(new Error(`Jupyter exited with ${code}:\n${output}`)));
        });
        assert.match(output, /Registered the Jupyter kernel "TypeScript \(deepdeck\)"/);
        const token = new URL(url).searchParams.get("token")!;
        const base = `http://127.0.0.1:${port}`;
        const unauthorised = await fetch(`${base}/api/kernelspecs`);
        assert.equal(unauthorised.status, 403, "token authentication is on");
        const specs = (await (
          await fetch(`${base}/api/kernelspecs`, { headers: { Authorization: `token ${token}` } })
        ).json()) as { kernelspecs: Record<string, { spec: { display_name: string } }> };
        assert.equal(specs.kernelspecs["deepdeck"]?.spec.display_name, "TypeScript (deepdeck)");
        const contents = (await (
          await fetch(`${base}/api/contents`, { headers: { Authorization: `token ${token}` } })
        ).json()) as { content: { name: string }[] };
        assert.ok(
          contents.content.some((c) => c.name === "README.md"),
          "serves notebooks/",
        );
      } finally {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    });
  },
);
