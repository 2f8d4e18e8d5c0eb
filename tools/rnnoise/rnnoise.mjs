// Runs RNNoise (the npm package @echogarden/rnnoise-wasm, xiph's C library compiled to WebAssembly) on 48 kHz mono
// WAV files, as its C API is meant to be used: 480-sample frames (10 ms) in the int16 range, one state per file.
//
//   node rnnoise.mjs PACKAGE-FOLDER IN.wav OUT.wav [IN.wav OUT.wav ...]
//
// PACKAGE-FOLDER is where `npm install @echogarden/rnnoise-wasm` put node_modules (compare.sh's scratch folder), so
// the package never becomes a dependency of anything in the repository.
// RNNoise's output lags its input by one frame (its analysis window spans two frames), so the input is followed by
// one frame of zeros and the first frame of output is dropped: the output lines up with the input sample for sample.
// Reads 16-bit PCM or 32-bit float; writes 32-bit float at the input's length.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const FRAME = 480;
const [packageFolder, ...files] = process.argv.slice(2);
if (!packageFolder || files.length === 0 || files.length % 2 !== 0) {
  console.error('usage: node rnnoise.mjs PACKAGE-FOLDER IN.wav OUT.wav [IN.wav OUT.wav ...]');
  process.exit(2);
}
const entry = join(packageFolder, 'node_modules', '@echogarden', 'rnnoise-wasm', 'rnnoise.js');
const { default: createModule } = await import(pathToFileURL(entry).href);
const rnnoise = await createModule();
if (rnnoise._rnnoise_get_frame_size() !== FRAME) throw new Error(`RNNoise frame size ${rnnoise._rnnoise_get_frame_size()}, expected ${FRAME}`);

for (let f = 0; f < files.length; f += 2) {
  const { samples, rate } = readWav(files[f]);
  if (rate !== 48000) throw new Error(`${files[f]}: ${rate} Hz; RNNoise runs at 48000 Hz`);
  const frames = Math.ceil((samples.length + FRAME) / FRAME);
  const padded = new Float32Array(frames * FRAME);
  padded.set(samples);
  const output = new Float32Array(frames * FRAME);
  const state = rnnoise._rnnoise_create(0);
  const buffer = rnnoise._malloc(FRAME * 4);
  for (let t = 0; t < frames; t++) {
    // The heap view is read again for every frame: it is replaced if the module's memory grows.
    const heap = rnnoise.HEAPF32.subarray(buffer >> 2, (buffer >> 2) + FRAME);
    for (let i = 0; i < FRAME; i++) heap[i] = padded[t * FRAME + i] * 32768;
    rnnoise._rnnoise_process_frame(state, buffer, buffer);
    const out = rnnoise.HEAPF32.subarray(buffer >> 2, (buffer >> 2) + FRAME);
    for (let i = 0; i < FRAME; i++) output[t * FRAME + i] = out[i] / 32768;
  }
  rnnoise._free(buffer);
  rnnoise._rnnoise_destroy(state);
  writeFloatWav(files[f + 1], output.subarray(FRAME, FRAME + samples.length), rate);
}

function readWav(path) {
  const data = readFileSync(path);
  if (data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  let pos = 12, format = null, body = null;
  while (pos + 8 <= data.length) {
    const id = data.toString('ascii', pos, pos + 4), size = data.readUInt32LE(pos + 4);
    if (id === 'fmt ') format = { encoding: data.readUInt16LE(pos + 8), channels: data.readUInt16LE(pos + 10), rate: data.readUInt32LE(pos + 12), bits: data.readUInt16LE(pos + 22) };
    if (id === 'data') body = data.subarray(pos + 8, pos + 8 + size);
    pos += 8 + size + (size & 1);
  }
  if (!format || !body) throw new Error(`${path}: no fmt or data chunk`);
  if (format.channels !== 1) throw new Error(`${path}: ${format.channels} channels; mono expected`);
  const encoding = format.encoding === 0xfffe ? (format.bits === 32 ? 3 : 1) : format.encoding;
  let samples;
  if (encoding === 1 && format.bits === 16) samples = Float32Array.from({ length: body.length >> 1 }, (_, i) => body.readInt16LE(2 * i) / 32768);
  else if (encoding === 3 && format.bits === 32) samples = Float32Array.from({ length: body.length >> 2 }, (_, i) => body.readFloatLE(4 * i));
  else throw new Error(`${path}: encoding ${format.encoding}, ${format.bits} bits; 16-bit PCM or 32-bit float expected`);
  return { samples, rate: format.rate };
}

function writeFloatWav(path, samples, rate) {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii'); header.writeUInt32LE(36 + samples.length * 4, 4); header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii'); header.writeUInt32LE(16, 16); header.writeUInt16LE(3, 20); header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24); header.writeUInt32LE(rate * 4, 28); header.writeUInt16LE(4, 32); header.writeUInt16LE(32, 34);
  header.write('data', 36, 'ascii'); header.writeUInt32LE(samples.length * 4, 40);
  const body = Buffer.alloc(samples.length * 4);
  for (let i = 0; i < samples.length; i++) body.writeFloatLE(samples[i], 4 * i);
  writeFileSync(path, Buffer.concat([header, body]));
}
