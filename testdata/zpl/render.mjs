// Renders ZPL labels to PNG with zpl-renderer-js (zebrash compiled to wasm),
// for the label acceptance test in hardware/label. Test-only.
//
// stdin: JSON [{"zpl": "^XA…^XZ", "widthMm": 101.6, "heightMm": 152.4, "dpmm": 8, "out": "/tmp/x.png"}, …]
// stdout: JSON {"zebrash": "v1.38.0", "ms": [render time of each label]}
// A label that fails to render exits 1 with its index and the renderer's message.
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { ready, ZEBRASH_VERSION } = require("zpl-renderer-js");

const jobs = JSON.parse(readFileSync(0, "utf8"));
const { api } = await ready;
const ms = [];
for (const [i, job] of jobs.entries()) {
  const t0 = performance.now();
  let png;
  try {
    png = await api.zplToBase64Async(job.zpl, job.widthMm, job.heightMm, job.dpmm);
  } catch (err) {
    process.stderr.write(`label ${i}: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  }
  ms.push(performance.now() - t0);
  writeFileSync(job.out, Buffer.from(png, "base64"));
}
process.stdout.write(JSON.stringify({ zebrash: ZEBRASH_VERSION, ms }) + "\n");
