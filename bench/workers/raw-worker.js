// One ONNX Runtime session in its own thread for the raw benchmark: loads,
// warms up, waits for "go", then runs back to back for a fixed time. Plain
// JS so that it runs as a worker without any TypeScript loader.
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { InferenceSession, Tensor } = require('onnxruntime-node');

const { modelPath, options, batch, size, warmup, durationMs } = workerData;

async function main() {
  const session = await InferenceSession.create(modelPath, options);
  const data = new Float32Array(batch * 3 * size * size);
  for (let i = 0; i < data.length; i++) data[i] = (i % 251) / 251;
  const feeds = { [session.inputNames[0]]: new Tensor('float32', data, [batch, 3, size, size]) };
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  parentPort.postMessage({ kind: 'ready' });
  await new Promise((go) => parentPort.once('message', go));
  const runs = [];
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    const t = performance.now();
    await session.run(feeds);
    runs.push(performance.now() - t);
  }
  const elapsedMs = performance.now() - started;
  await session.release();
  parentPort.postMessage({ kind: 'done', runs, elapsedMs });
}

main().catch((error) => parentPort.postMessage({ kind: 'error', message: String(error) }));
