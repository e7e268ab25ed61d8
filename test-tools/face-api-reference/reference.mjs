// Reference outputs from face-api.js itself (@vladmandic/face-api 1.7.15) on the pure-JS
// TensorFlow.js CPU backend (tfjs-core + tfjs-backend-cpu 4.22.0; no tfjs-node, no webgl, no wasm).
//
// Usage: node reference.mjs OUTDIR
//
// Writes into OUTDIR:
//   sampleN.rgb.npy            decoded pixels of demo/sampleN.jpg, uint8 [H,W,3] (jpeg-js)
//   reference.json             detections, landmarks, aligned rects and descriptors per sample
//   sample1.*.f32.npy          debugging intermediates for sample1 (first face), float32:
//     sample1.detector_input.f32.npy        [1,416,416,3] input of the detector's first conv
//     sample1.detector_output.f32.npy       [1,13,13,25]  detector output before decoding
//     sample1.face0.landmark_input.f32.npy  [1,112,112,3] input of the landmark net's first conv
//     sample1.face0.landmark_output.f32.npy [1,136]       landmark net fc output (before postProcess)
//     sample1.face0.recognition_input.f32.npy  [1,150,150,3] input of the recognition net's first conv
//     sample1.face0.recognition_output.f32.npy [1,128]       recognition net output (= descriptor)
//
// Besides running the high-level API, the script re-implements face-api's pre/post-processing in
// plain JS (padToSquare, tfjs resizeBilinear, normalisation, box decoding, NMS, crop rounding,
// landmark post-processing, dlib-style alignment) and checks that it reproduces face-api's own
// results; the max abs differences are printed and stored in reference.json ("selfCheck").

import { register } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// face-api's nobundle build imports '@tensorflow/tfjs/dist/index.js' and the webgl/wasm backends;
// redirect them to @tensorflow/tfjs's Node entry and an empty module (see tfjs-resolve-hooks.mjs).
register('./tfjs-resolve-hooks.mjs', import.meta.url);

const faceapi = await import('@vladmandic/face-api/dist/face-api.esm-nobundle.js');
const tf = await import('@tensorflow/tfjs');
const tfCpu = await import('@tensorflow/tfjs-backend-cpu');
const jpeg = (await import('jpeg-js')).default;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FACEAPI_DIR = path.join(HERE, 'node_modules', '@vladmandic', 'face-api');
const MODEL_DIR = path.join(FACEAPI_DIR, 'model');
const DEMO_DIR = path.join(FACEAPI_DIR, 'demo');
const readJson = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));

const OPTIONS = { inputSize: 416, scoreThreshold: 0.5 };
// constants copied from face-api src (see /tmp/face-api-spec.md for file/line references)
const DET_MEAN_RGB = [117.001, 114.697, 97.404]; // src/tinyFaceDetector/const.ts
const DET_ANCHORS = [[1.603231, 2.094468], [6.041143, 7.080126], [2.882459, 3.518061], [4.266906, 5.178857], [9.041765, 10.66308]];
const DET_IOU = 0.4;
const FACE_MEAN_RGB = [122.782, 117.001, 104.298]; // FaceFeatureExtractor.ts / FaceRecognitionNet.ts

function main() {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node reference.mjs OUTDIR');
    process.exit(2);
  }
  if (os.endianness() !== 'LE') throw new Error('big-endian host not supported (npy is written little-endian)');
  fs.mkdirSync(outDir, { recursive: true });
  return run(path.resolve(outDir));
}

// ---------------------------------------------------------------- npy writer (format version 1.0)
function writeNpy(file, descr, shape, typed) {
  const n = shape.reduce((a, b) => a * b, 1);
  if (typed.length !== n) throw new Error(`${file}: ${typed.length} values for shape ${shape}`);
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const total = 10 + header.length + 1; // magic(6) + version(2) + len(2) + header + '\n'
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

// ---------------------------------------------------------------- model loading (no fetch)
function loadNet(net, modelName) {
  const manifest = readJson(path.join(MODEL_DIR, `${modelName}-weights_manifest.json`));
  const weightMap = {};
  for (const group of manifest) {
    const bufs = group.paths.map((p) => fs.readFileSync(path.join(MODEL_DIR, p)));
    const all = Buffer.concat(bufs);
    const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
    Object.assign(weightMap, tf.io.decodeWeights(ab, group.weights));
  }
  net.loadFromWeightMap(weightMap);
  if (!net.isLoaded) throw new Error(`${modelName} not loaded`);
}

// ---------------------------------------------------------------- plain-JS re-implementation
const f32 = Math.fround;
const sigmoid = (x) => 1 / (1 + Math.exp(-x));

// ops/padToSquare.ts + tfjs-backend-cpu ResizeBilinear (alignCorners=false, halfPixelCenters=false)
// img: {data (H*W*3), h, w}; returns Float32Array [size*size*3] (values before normalisation)
function padSquareResize(img, size, center) {
  const { h, w, data } = img;
  const s = Math.max(h, w);
  const diff = Math.abs(h - w);
  const append = Math.round(diff * (center ? 0.5 : 1));
  const prepend = center ? diff - append : 0;
  const offY = h < w ? prepend : 0; // padding axis: rows when h < w, columns when w < h
  const offX = w < h ? prepend : 0;
  const px = (y, x, c) => {
    const iy = y - offY; const ix = x - offX;
    return (iy >= 0 && iy < h && ix >= 0 && ix < w) ? data[(iy * w + ix) * 3 + c] : 0;
  };
  const out = new Float32Array(size * size * 3);
  if (s === size) { // toBatchTensor skips the resize when the padded image already has the size
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = px(y, x, c);
    return out;
  }
  const ratio = s / size;
  let o = 0;
  for (let r = 0; r < size; r++) {
    const sr = ratio * r;
    const r0 = Math.max(0, Math.floor(sr)); const rf = sr - r0; const r1 = Math.min(s - 1, Math.ceil(sr));
    for (let col = 0; col < size; col++) {
      const sc = ratio * col;
      const c0 = Math.max(0, Math.floor(sc)); const cf = sc - c0; const c1 = Math.min(s - 1, Math.ceil(sc));
      for (let ch = 0; ch < 3; ch++) {
        const tl = px(r0, c0, ch); const tr = px(r0, c1, ch); const bl = px(r1, c0, ch); const br = px(r1, c1, ch);
        const top = tl + (tr - tl) * cf;
        const bottom = bl + (br - bl) * cf;
        out[o++] = top + (bottom - top) * rf;
      }
    }
  }
  return out;
}

// ops/normalize.ts followed by .div(255), in float32 like tfjs
function normalizeJs(x, mean) {
  const m = mean.map(f32);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f32(f32(x[i] - m[i % 3]) / 255);
  return out;
}

function crop(img, box) { // box: integer {x, y, width, height}
  const data = new Uint8Array(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) {
    const src = ((box.y + y) * img.w + box.x) * 3;
    data.set(img.data.subarray(src, src + box.width * 3), y * box.width * 3);
  }
  return { data, h: box.height, w: box.width };
}

// Box.clipAtImageBorders (classes/Box.ts)
function clipAtImageBorders(b, imgW, imgH) {
  const cx = Math.max(b.x, 0); const cy = Math.max(b.y, 0);
  const w = Math.min(b.x + b.width - cx, imgW - cx);
  const h = Math.min(b.y + b.height - cy, imgH - cy);
  return { x: Math.floor(cx), y: Math.floor(cy), width: Math.floor(w), height: Math.floor(h) };
}

// TinyYolov2Base.extractBoxes + ops/nonMaxSuppression.ts + ObjectDetection
function decodeDetections(raw, imgW, imgH, inputSize, scoreThreshold) {
  const scale = inputSize / Math.max(imgH, imgW);
  const rw = Math.round(imgW * scale); const rh = Math.round(imgH * scale);
  const inSize = Math.max(rw, rh);
  const cfx = inSize / rw; const cfy = inSize / rh;
  const n = Math.round(Math.sqrt(raw.length / 25));
  const cands = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      for (let a = 0; a < 5; a++) {
        const base = ((row * n + col) * 5 + a) * 5;
        const score = sigmoid(raw[base + 4]);
        if (score > scoreThreshold) {
          const ctX = ((col + sigmoid(raw[base])) / n) * cfx;
          const ctY = ((row + sigmoid(raw[base + 1])) / n) * cfy;
          const bw = ((Math.exp(raw[base + 2]) * DET_ANCHORS[a][0]) / n) * cfx;
          const bh = ((Math.exp(raw[base + 3]) * DET_ANCHORS[a][1]) / n) * cfy;
          const x = ctX - bw / 2; const y = ctY - bh / 2;
          cands.push({ score, left: x, top: y, right: x + bw, bottom: y + bh, row, col, anchor: a });
        }
      }
    }
  }
  const boxes = cands.map((c) => ({ l: c.left * inputSize, t: c.top * inputSize, r: c.right * inputSize, b: c.bottom * inputSize }));
  const area = (b) => (b.r - b.l) * (b.b - b.t);
  const iou = (p, q) => {
    const iw = Math.max(0, Math.min(p.r, q.r) - Math.max(p.l, q.l));
    const ih = Math.max(0, Math.min(p.b, q.b) - Math.max(p.t, q.t));
    const inter = iw * ih;
    return inter / (area(p) + area(q) - inter);
  };
  let order = cands.map((c, i) => ({ s: c.score, i })).sort((u, v) => u.s - v.s).map((o) => o.i);
  const pick = [];
  while (order.length > 0) {
    const cur = order.pop();
    pick.push(cur);
    order = order.filter((i) => iou(boxes[cur], boxes[i]) <= DET_IOU);
  }
  return pick.map((i) => {
    const c = cands[i];
    const rel = { x: c.left, y: c.top, width: c.right - c.left, height: c.bottom - c.top };
    return { score: c.score, rel, box: { x: rel.x * imgW, y: rel.y * imgH, width: rel.width * imgW, height: rel.height * imgH }, cell: { row: c.row, col: c.col, anchor: c.anchor } };
  });
}

// FaceLandmark68NetBase.postProcess + FaceLandmarks (shift by the unrounded detection box x,y)
function landmarksFromRaw(raw, cropW, cropH, shiftX, shiftY) {
  const s = 112 / Math.max(cropH, cropW);
  const w = cropW * s; const h = cropH * s;
  const padX = w < h ? Math.abs(w - h) / 2 : 0;
  const padY = h < w ? Math.abs(w - h) / 2 : 0;
  const pts = [];
  for (let i = 0; i < 68; i++) {
    const rx = f32(f32(f32(raw[2 * i] * 112) - f32(padX)) / f32(w));
    const ry = f32(f32(f32(raw[2 * i + 1] * 112) - f32(padY)) / f32(h));
    pts.push({ x: rx * cropW + shiftX, y: ry * cropH + shiftY });
  }
  return pts;
}

const center = (pts) => {
  const s = pts.reduce((a, p) => ({ x: a.x + p.x, y: a.y + p.y }), { x: 0, y: 0 });
  return { x: s.x / pts.length, y: s.y / pts.length };
};

// FaceLandmarks.alignDlib (used for the descriptor crop)
function alignDlib(pts, lmImgW, lmImgH) {
  const le = center(pts.slice(36, 42)); const re = center(pts.slice(42, 48)); const mouth = center(pts.slice(48, 68));
  const dist = (p) => Math.sqrt((mouth.x - p.x) ** 2 + (mouth.y - p.y) ** 2);
  const size = Math.floor(((dist(le) + dist(re)) / 2) / 0.45);
  const ref = center([le, re, mouth]);
  const x = Math.floor(Math.max(0, ref.x - 0.5 * size));
  const y = Math.floor(Math.max(0, ref.y - 0.43 * size));
  return { x, y, width: Math.min(size, lmImgW + x), height: Math.min(size, lmImgH + y) };
}

// FaceLandmarks.alignMinBbox(0.2) (= result.alignedRect)
function alignMinBbox(pts) {
  let minX = Infinity; let minY = Infinity; let maxX = 0; let maxY = 0;
  for (const p of pts) { minX = Math.min(minX, p.x); minY = Math.min(minY, p.y); maxX = Math.max(maxX, p.x); maxY = Math.max(maxY, p.y); }
  const w = maxX - minX; const h = maxY - minY;
  return { x: minX - (w * 0.2) / 2, y: minY - (h * 0.2) / 2, width: w + w * 0.2, height: h + h * 0.2 };
}

const maxAbs = (a, b) => {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const rectArr = (r) => [r.x, r.y, r.width, r.height];
const rect = (b) => ({ x: b.x, y: b.y, width: b.width, height: b.height });
const ptsArr = (pts) => pts.flatMap((p) => [p.x, p.y]);

// ---------------------------------------------------------------- main run
async function run(outDir) {
  const t0 = Date.now();
  // PROD only silences tfjs's console warnings (the "install our node backend" banner); the kernels are the same.
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
  const backend = tf.getBackend();
  const registered = Object.keys(tf.engine().registryFactory);
  console.log(`tfjs backend: ${backend} (registered: ${registered.join(', ')})`);
  if (backend !== 'cpu') throw new Error(`expected cpu backend, got ${backend}`);
  if (faceapi.tf.Tensor !== tf.Tensor) throw new Error('face-api and this script see different tfjs instances');

  const { nets } = faceapi;
  loadNet(nets.tinyFaceDetector, 'tiny_face_detector_model');
  loadNet(nets.faceLandmark68Net, 'face_landmark_68_model');
  loadNet(nets.faceRecognitionNet, 'face_recognition_model');
  const options = new faceapi.TinyFaceDetectorOptions(OPTIONS);

  const versions = {
    faceApi: readJson(path.join(FACEAPI_DIR, 'package.json')).version,
    tfjsCore: tf.version_core,
    tfjsBackendCpu: tfCpu.version_cpu,
    jpegJs: readJson(path.join(HERE, 'node_modules', 'jpeg-js', 'package.json')).version,
    node: process.version,
  };
  console.log(`versions: ${JSON.stringify(versions)}`);

  const selfCheck = {};
  const samples = [];
  for (let n = 1; n <= 6; n++) {
    const name = `sample${n}`;
    const ts = Date.now();
    const decoded = jpeg.decode(fs.readFileSync(path.join(DEMO_DIR, `${name}.jpg`)), { useTArray: true, formatAsRGBA: false });
    const { width: W, height: H } = decoded;
    const rgb = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, W * H * 3);
    if (decoded.data.length !== W * H * 3) throw new Error(`${name}: unexpected decoded size ${decoded.data.length}`);
    writeNpy(path.join(outDir, `${name}.rgb.npy`), '|u1', [H, W, 3], rgb);
    const img = { data: rgb, h: H, w: W };

    // int32 [H,W,3] tensor, as face-api's node demos do (values 0..255; toBatchTensor casts to float32)
    const tensor = tf.tensor3d(Int32Array.from(rgb), [H, W, 3], 'int32');
    const results = await faceapi.detectAllFaces(tensor, options).withFaceLandmarks().withFaceDescriptors();

    // --- plain-JS check of detection decoding from the raw detector output
    const netInput = await faceapi.toNetInput(tensor);
    const detRawT = nets.tinyFaceDetector.forwardInput(netInput, OPTIONS.inputSize);
    const detRaw = detRawT.dataSync();
    const jsDets = decodeDetections(detRaw, W, H, OPTIONS.inputSize, OPTIONS.scoreThreshold);
    const check = { numFacesApi: results.length, numFacesJs: jsDets.length };
    if (jsDets.length === results.length) {
      check.detScoreMaxAbs = maxAbs(jsDets.map((d) => d.score), results.map((r) => r.detection.score));
      check.detBoxMaxAbs = maxAbs(jsDets.flatMap((d) => rectArr(d.box)), results.flatMap((r) => rectArr(r.detection.box)));
    }

    const faces = [];
    let lmMax = 0; let descMax = 0; let alignMax = 0;
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      const det = r.detection;
      const lmCrop = clipAtImageBorders(det.box, W, H); // what extractFaceTensors slices
      const descAlign = r.landmarks.align(null, { useDlibAlignment: true }); // rect used for the descriptor
      const descCrop = clipAtImageBorders(descAlign, W, H);
      faces.push({
        score: det.score,
        detectorCell: jsDets.length === results.length ? jsDets[i].cell : null,
        box: rect(det.box),
        relativeBox: rect(det.relativeBox),
        landmarkCropBox: lmCrop,
        landmarks: r.landmarks.positions.map((p) => [p.x, p.y]),
        unshiftedLandmarks: r.unshiftedLandmarks.positions.map((p) => [p.x, p.y]),
        landmarkShift: [r.landmarks.shift.x, r.landmarks.shift.y],
        descriptorAlignRect: rect(descAlign),
        descriptorCropBox: descCrop,
        alignedRect: rect(r.alignedRect.box),
        angle: r.angle,
        descriptor: Array.from(r.descriptor),
      });

      // --- plain-JS checks of landmark post-processing and alignment (raw nets outputs via face-api)
      const [faceT] = await faceapi.extractFaceTensors(tensor, [det]);
      if (faceT.shape[0] !== lmCrop.height || faceT.shape[1] !== lmCrop.width) throw new Error(`${name} face ${i}: crop shape mismatch`);
      const lmNetInput = await faceapi.toNetInput(faceT);
      const lmRawT = nets.faceLandmark68Net.runNet(lmNetInput);
      const jsPts = landmarksFromRaw(lmRawT.dataSync(), lmCrop.width, lmCrop.height, det.box.x, det.box.y);
      lmMax = Math.max(lmMax, maxAbs(ptsArr(jsPts), ptsArr(r.landmarks.positions)));
      const jsDesc = alignDlib(r.landmarks.positions, lmCrop.width, lmCrop.height);
      const jsMin = alignMinBbox(r.landmarks.positions);
      alignMax = Math.max(alignMax, maxAbs(rectArr(jsDesc), rectArr(descAlign)), maxAbs(rectArr(jsMin), rectArr(r.alignedRect.box)));
      const [recT] = await faceapi.extractFaceTensors(tensor, [descAlign]);
      const recNetInput = await faceapi.toNetInput(recT);
      const recRawT = nets.faceRecognitionNet.forwardInput(recNetInput);
      descMax = Math.max(descMax, maxAbs(recRawT.dataSync(), r.descriptor));

      if (n === 1 && i === 0) {
        // ---- debugging intermediates for sample1, face 0
        const detInT = tf.tidy(() => faceapi.normalize(tf.cast(netInput.toBatchTensor(OPTIONS.inputSize, false), 'float32'), DET_MEAN_RGB).div(255));
        const detIn = detInT.dataSync();
        writeNpy(path.join(outDir, `${name}.detector_input.f32.npy`), '<f4', detInT.shape, detIn);
        writeNpy(path.join(outDir, `${name}.detector_output.f32.npy`), '<f4', detRawT.shape, detRaw);
        const lmInT = tf.tidy(() => faceapi.normalize(tf.cast(lmNetInput.toBatchTensor(112, true), 'float32'), FACE_MEAN_RGB).div(255));
        writeNpy(path.join(outDir, `${name}.face0.landmark_input.f32.npy`), '<f4', lmInT.shape, lmInT.dataSync());
        writeNpy(path.join(outDir, `${name}.face0.landmark_output.f32.npy`), '<f4', lmRawT.shape, lmRawT.dataSync());
        const recInT = tf.tidy(() => faceapi.normalize(tf.cast(recNetInput.toBatchTensor(150, true), 'float32'), FACE_MEAN_RGB).div(255));
        writeNpy(path.join(outDir, `${name}.face0.recognition_input.f32.npy`), '<f4', recInT.shape, recInT.dataSync());
        writeNpy(path.join(outDir, `${name}.face0.recognition_output.f32.npy`), '<f4', recRawT.shape, recRawT.dataSync());

        // plain-JS preprocessing vs face-api's toBatchTensor + normalize
        const jsDetPre = padSquareResize(img, OPTIONS.inputSize, false);
        const jsLmPre = padSquareResize(crop(img, lmCrop), 112, true);
        const jsRecPre = padSquareResize(crop(img, descCrop), 150, true);
        // feed the JS-built (pre-normalisation) inputs through the nets: a square tensor of the
        // target size passes toBatchTensor unchanged, so this checks the raw outputs end to end
        const viaJs = async (pre, size, fn) => {
          const t = tf.tensor4d(pre, [1, size, size, 3], 'float32');
          const out = fn(await faceapi.toNetInput(t));
          const d = out.dataSync();
          tf.dispose([t, out]);
          return d;
        };
        const jsDetRaw = await viaJs(jsDetPre, OPTIONS.inputSize, (ni) => nets.tinyFaceDetector.forwardInput(ni, OPTIONS.inputSize));
        const jsLmRaw = await viaJs(jsLmPre, 112, (ni) => nets.faceLandmark68Net.runNet(ni));
        const jsRecRaw = await viaJs(jsRecPre, 150, (ni) => nets.faceRecognitionNet.forwardInput(ni));
        check.sample1Face0 = {
          detectorInputMaxAbs: maxAbs(normalizeJs(jsDetPre, DET_MEAN_RGB), detIn),
          detectorOutputMaxAbs: maxAbs(jsDetRaw, detRaw),
          landmarkInputMaxAbs: maxAbs(normalizeJs(jsLmPre, FACE_MEAN_RGB), lmInT.dataSync()),
          landmarkOutputMaxAbs: maxAbs(jsLmRaw, lmRawT.dataSync()),
          recognitionInputMaxAbs: maxAbs(normalizeJs(jsRecPre, FACE_MEAN_RGB), recInT.dataSync()),
          recognitionOutputMaxAbs: maxAbs(jsRecRaw, recRawT.dataSync()),
          landmarkCropBox: lmCrop,
          descriptorCropBox: descCrop,
        };
        tf.dispose([detInT, lmInT, recInT]);
      }
      tf.dispose([faceT, lmRawT, recT, recRawT]);
    }
    check.landmarksMaxAbs = lmMax;
    check.alignRectsMaxAbs = alignMax;
    check.descriptorMaxAbs = descMax;
    selfCheck[name] = check;
    tf.dispose([tensor, detRawT]);

    const reshaped = faceapi.utils.computeReshapedDimensions({ width: W, height: H }, OPTIONS.inputSize);
    samples.push({
      name, file: `demo/${name}.jpg`, pixels: `${name}.rgb.npy`, width: W, height: H,
      detectorReshapedDims: { width: reshaped.width, height: reshaped.height },
      faces,
    });
    console.log(`${name}: ${W}x${H}, ${faces.length} face(s), ${((Date.now() - ts) / 1000).toFixed(1)} s; `
      + `check: ${JSON.stringify(check)}`);
  }

  const reference = {
    generator: 'test-tools/face-api-reference/reference.mjs',
    versions,
    backend,
    registeredBackends: registered,
    input: 'jpeg-js decode (RGB, alpha dropped) -> tf.tensor3d int32 [H,W,3]',
    call: 'faceapi.detectAllFaces(tensor, new faceapi.TinyFaceDetectorOptions(options)).withFaceLandmarks().withFaceDescriptors()',
    options: OPTIONS,
    nets: { detector: 'tiny_face_detector_model', landmarks: 'face_landmark_68_model', recognition: 'face_recognition_model' },
    notes: {
      detectorCell: 'grid row/col (0..12) and anchor index (0..4) of the detector output cell that produced the box',
      detectorReshapedDims: 'computeReshapedDimensions(W,H,416): the image size inside the 416 square that box decoding divides by',
      box: 'detection.box in original-image pixels (not clipped, may extend outside the image)',
      relativeBox: 'detection.relativeBox = box / (imageWidth, imageHeight)',
      landmarkCropBox: 'integer region sliced by extractFaceTensors for the landmark net: box.clipAtImageBorders(W,H) (floored)',
      landmarks: 'landmarks.positions in original-image pixels = unshiftedLandmarks + landmarkShift (= unrounded box.x, box.y)',
      descriptorAlignRect: 'landmarks.align(null, {useDlibAlignment: true}); the rect withFaceDescriptors() crops for the recognition net',
      descriptorCropBox: 'descriptorAlignRect.clipAtImageBorders(W,H): integer region sliced for the recognition net',
      alignedRect: 'result.alignedRect.box = landmarks.align() (min bbox of the 68 points padded by 20%); NOT used for the descriptor',
      descriptor: '128 float32 values, not L2-normalised',
      intermediates: 'sample1.*.f32.npy: debugging tensors for sample1 face 0, see README.md',
    },
    selfCheck,
    samples,
  };
  // written last, and renamed into place: run.sh takes a reference.json as the mark of a complete run
  fs.writeFileSync(path.join(outDir, 'reference.json.tmp'), `${JSON.stringify(reference, null, 1)}\n`);
  fs.renameSync(path.join(outDir, 'reference.json.tmp'), path.join(outDir, 'reference.json'));
  console.log(`wrote ${outDir}/reference.json; total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

await main();
