// face-api.js (@vladmandic/face-api) over a folder of photos and over LFW pairs, on one thread, with the best
// CPU backend that installs here: TensorFlow.js's WebAssembly backend with SIMD (tfjs-node needs a libtensorflow
// download that the package registries do not serve). Per photo it does what `facesearch bench pipeline
// --images` does: decode, find every face (SSD MobileNet v1, the library's default and most accurate detector),
// 68 landmarks, the 128-d descriptor and age/gender of each face.
//
//   node face-api-bench.js photos DIR                 photos per second and faces found
//   node face-api-bench.js lfw IMAGES PAIRS           5-fold verification accuracy on an LFW-style pairs file
// The last line of each is key=value, for run.sh.
'use strict';
const fs = require('fs');
const path = require('path');
const jpeg = require('jpeg-js');
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const MODELS = path.join(__dirname, 'node_modules/@vladmandic/face-api/model');

async function setUp() {
  wasm.setWasmPaths(path.join(__dirname, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + path.sep);
  wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  for (const net of [faceapi.nets.ssdMobilenetv1, faceapi.nets.faceLandmark68Net, faceapi.nets.faceRecognitionNet,
    faceapi.nets.ageGenderNet]) {
    await net.loadFromDisk(MODELS);
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  console.log(`face-api ${faceapi.version}, TensorFlow.js ${tf.version_core}, backend ${tf.getBackend()} `
    + `(SIMD ${simd}, multithread support ${threads}, threads used 1), node ${process.version}`);
}

function decode(bytes) {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
  return tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
}

async function analyse(tensor) {
  return faceapi.detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options())
    .withFaceLandmarks().withFaceDescriptors().withAgeAndGender();
}

function jpegsIn(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.jpe?g$/i.test(entry.name)) {
      out.push(path.join(entry.parentPath ?? entry.path, entry.name));
    }
  }
  return out.sort();
}

async function photos(dir) {
  const files = jpegsIn(dir).map((file) => fs.readFileSync(file)); // read before timing, as bench pipeline does
  for (const file of files.slice(0, 5)) { // warm-up: first-run compilation and allocation
    const t = decode(file);
    await analyse(t);
    tf.dispose(t);
  }
  let faces = 0;
  let decodeMs = 0;
  const start = performance.now();
  for (const file of files) {
    const d0 = performance.now();
    const t = decode(file);
    decodeMs += performance.now() - d0;
    faces += (await analyse(t)).length;
    tf.dispose(t);
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(`${files.length} photos, ${faces} faces, ${seconds.toFixed(1)} s (decode ${(decodeMs / 1000).toFixed(1)} s)`);
  console.log(`photos=${files.length} faces=${faces} seconds=${seconds.toFixed(2)} `
    + `photos_per_s=${(files.length / seconds).toFixed(2)}`);
}

function readPairs(file) {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const [folds, perFold] = lines[0].trim().split(/\s+/).map(Number);
  const pairs = [];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].trim().split(/\s+/);
    const fold = Math.floor((i - 1) / (2 * perFold));
    if (f.length === 3) {
      pairs.push({ a: [f[0], +f[1]], b: [f[0], +f[2]], same: true, fold });
    } else {
      pairs.push({ a: [f[0], +f[1]], b: [f[2], +f[3]], same: false, fold });
    }
  }
  return { folds, pairs };
}

function imagePath(images, [name, n]) {
  return path.join(images, name, `${name}_${String(n).padStart(4, '0')}.jpg`);
}

// Accuracy of a distance threshold on some pairs; a pair with a missing descriptor counts as an error.
function accuracy(scored, threshold) {
  let right = 0;
  for (const p of scored) {
    if (p.distance !== null && (p.distance <= threshold) === p.same) right++;
  }
  return right / scored.length;
}

async function lfw(images, pairsFile) {
  const { folds, pairs } = readPairs(pairsFile);
  const descriptors = new Map();
  const files = [...new Set(pairs.flatMap((p) => [imagePath(images, p.a), imagePath(images, p.b)]))];
  let failures = 0;
  const start = performance.now();
  for (const file of files) {
    const t = decode(fs.readFileSync(file));
    const found = await analyse(t);
    tf.dispose(t);
    if (found.length === 0) {
      failures++;
      continue;
    }
    const largest = found.reduce((x, y) => (x.detection.box.area >= y.detection.box.area ? x : y));
    descriptors.set(file, largest.descriptor);
  }
  const seconds = (performance.now() - start) / 1000;
  const scored = pairs.map((p) => {
    const a = descriptors.get(imagePath(images, p.a));
    const b = descriptors.get(imagePath(images, p.b));
    return { ...p, distance: a && b ? faceapi.euclideanDistance(a, b) : null };
  });
  const candidates = [...new Set(scored.filter((p) => p.distance !== null).map((p) => p.distance))].sort((x, y) => x - y);
  const perFold = [];
  for (let fold = 0; fold < folds; fold++) {
    const train = scored.filter((p) => p.fold !== fold);
    let best = 0;
    let bestThreshold = 0.6;
    for (const c of candidates) {
      const acc = accuracy(train, c);
      if (acc > best) {
        best = acc;
        bestThreshold = c;
      }
    }
    perFold.push(accuracy(scored.filter((p) => p.fold === fold), bestThreshold));
  }
  const mean = perFold.reduce((x, y) => x + y, 0) / folds;
  const std = Math.sqrt(perFold.reduce((x, y) => x + (y - mean) ** 2, 0) / folds);
  console.log(`${pairs.length} pairs in ${folds} folds, ${files.length} images, ${failures} without a face, `
    + `${seconds.toFixed(1)} s; accuracy (${folds}-fold, threshold chosen on the other folds, default detector `
    + `settings) ${mean.toFixed(4)} +- ${std.toFixed(4)}`);
  console.log(`accuracy=${mean.toFixed(4)} accuracy_std=${std.toFixed(4)} failures=${failures} images=${files.length}`);
}

(async () => {
  const [mode, a, b] = process.argv.slice(2);
  await setUp();
  if (mode === 'photos' && a) await photos(a);
  else if (mode === 'lfw' && a && b) await lfw(a, b);
  else {
    console.error('usage: node face-api-bench.js photos DIR | lfw IMAGES PAIRS');
    process.exit(2);
  }
})();
