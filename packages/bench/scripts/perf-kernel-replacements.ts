// Measures what kernel replacements would do to whole training steps (PERFORMANCE.md): critics are
// timed with the stock kernels, then again with replacements registered for this process only.
//   wasm:       Sum over one contiguous block of axes as a product with a ones vector, and
//               Conv2DBackpropInput of stride-2 'valid' convolutions as four stride-1 conv2d
//               (polyphase decomposition; other cases fall back to the stock kernel);
//   tensorflow: Step (the ReLU gradient's mask, alpha 0) as cast(greater(x, 0)) instead of
//               tfjs-node's isNaN/greater/ones/fill/where/Select.
// Not part of the package; run from the repository root:
//
//   node packages/critics/bench/run-ts.mjs packages/bench/scripts/perf-kernel-replacements.ts wasm joint,cnn
//   node packages/critics/bench/run-ts.mjs packages/bench/scripts/perf-kernel-replacements.ts tensorflow joint,separable
import { measureTrainingStep, type PerfCriticId } from '@mi/bench';
import { initBackend } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';

const backend = (process.argv[3] ?? 'wasm') as 'wasm' | 'tensorflow';
process.env['TF_NUM_INTRAOP_THREADS'] ??= '1';
process.env['TF_NUM_INTEROP_THREADS'] ??= '1';
process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
await initBackend(backend, { log: false });
const critics = (process.argv[4] ?? 'joint,cnn').split(',') as PerfCriticId[];

async function timeCritics(label: string): Promise<void> {
  for (const critic of critics) {
    const result = await measureTrainingStep({
      critic,
      backend,
      bound: 'infonce',
      warmupSteps: critic === 'cnn' ? 1 : 3,
      timedSteps: critic === 'cnn' ? 4 : 15,
      seed: 1,
    });
    const top = result
      .profile!.topKernels.slice(0, 4)
      .map((k) => `${k.name} ${k.count}× ${k.milliseconds.toFixed(0)} ms`)
      .join(', ');
    console.log(
      `${label} ${critic}/${backend}: ${result.medianMs!.toFixed(1)} ms/step (p10 ${result.p10Ms!.toFixed(1)}, p90 ${result.p90Ms!.toFixed(1)}); ${top}`,
    );
  }
}

await timeCritics('stock');

const stockSum = tf.getKernel('Sum', backend)!;
const stockBackpropInput = tf.getKernel('Conv2DBackpropInput', backend)!;
const stockStep = tf.getKernel('Step', backend)!;

// ReLU gradient mask without tfjs-node's full-size JavaScript arrays (NaN maps to 0, not NaN).
function stepAsComparison(args: Parameters<tf.KernelFunc>[0]) {
  const x = args.inputs['x'] as tf.Tensor;
  const { alpha } = args.attrs as unknown as { alpha: number };
  if (alpha !== 0) return stockStep.kernelFunc(args);
  return tf.tidy(() => tf.cast(tf.greater(x, 0), x.dtype));
}

// Sum over one contiguous block of axes [first, last] of x: reshape to [before, reduced, after]
// and multiply by ones — a plain (non-transposed) product, the fast case of the wasm matMul.
function sumAsProduct(args: Parameters<tf.KernelFunc>[0]) {
  const x = args.inputs['x'] as tf.Tensor;
  const { axis, keepDims } = args.attrs as unknown as {
    axis: number | number[];
    keepDims: boolean;
  };
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
  if (x.dtype !== 'float32' || axes.length === 0 || !contiguous) return stockSum.kernelFunc(args);
  const size = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
  const before = size(x.shape.slice(0, axes[0]!));
  const reduced = size(axes.map((a) => x.shape[a]!));
  const after = size(x.shape.slice(axes[axes.length - 1]! + 1));
  const outShape = keepDims
    ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !axes.includes(i));
  return tf.tidy(() => {
    const summed =
      before === 1
        ? tf.matMul(tf.ones([1, reduced]), tf.reshape(x, [reduced, after]))
        : tf.matMul(tf.ones([before, 1, reduced]), tf.reshape(x, [before, reduced, after]));
    return tf.reshape(summed, outShape);
  });
}

// Input gradient of a stride-2 'valid' NHWC convolution with even input size: output phase
// (ry, rx) of dx is a stride-1 full correlation of dy with the taps k ≡ r (mod 2), flipped.
function backpropInputPolyphase(args: Parameters<tf.KernelFunc>[0]) {
  const dy = args.inputs['dy'] as tf.Tensor4D;
  const filter = args.inputs['filter'] as tf.Tensor4D;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const [batch, inHeight, inWidth, inChannels] = attrs.inputShape;
  const strides =
    typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
  if (
    attrs.pad !== 'valid' ||
    strides[0] !== 2 ||
    strides[1] !== 2 ||
    inHeight % 2 !== 0 ||
    inWidth % 2 !== 0 ||
    filter.shape[0] !== filter.shape[1]
  ) {
    return stockBackpropInput.kernelFunc(args);
  }
  const [k, , , outChannels] = filter.shape;
  const [, outHeight, outWidth] = dy.shape;
  return tf.tidy(() => {
    const rows: tf.Tensor[] = [];
    for (let ry = 0; ry < 2; ry++) {
      const phases: tf.Tensor[] = [];
      for (let rx = 0; rx < 2; rx++) {
        const tapsY = Math.ceil((k - ry) / 2);
        const tapsX = Math.ceil((k - rx) / 2);
        const sub = tf.transpose(
          tf.reverse(
            tf.stridedSlice(filter, [ry, rx, 0, 0], [k, k, inChannels, outChannels], [2, 2, 1, 1]),
            [0, 1],
          ),
          [0, 1, 3, 2],
        ) as tf.Tensor4D;
        const padded = tf.pad(dy, [
          [0, 0],
          [tapsY - 1, inHeight / 2 - outHeight],
          [tapsX - 1, inWidth / 2 - outWidth],
          [0, 0],
        ]) as tf.Tensor4D;
        phases.push(tf.conv2d(padded, sub, 1, 'valid'));
      }
      rows.push(tf.stack(phases, 3));
    }
    return tf.reshape(tf.stack(rows, 2), [batch, inHeight, inWidth, inChannels]);
  });
}

// Check the replacements against the stock kernels before timing with them.
if (backend === 'wasm') {
  const x = tf.randomNormal([64, 64, 256]);
  const stock = tf.sum(x, 1);
  const dy = tf.randomNormal([4, 7, 7, 16]) as tf.Tensor4D;
  const filter = tf.randomNormal([5, 5, 8, 16]) as tf.Tensor4D;
  const stockDx = tf.conv2dTranspose(dy, filter, [4, 18, 18, 8], 2, 'valid');
  tf.unregisterKernel('Sum', 'wasm');
  tf.registerKernel({
    kernelName: 'Sum',
    backendName: 'wasm',
    kernelFunc: sumAsProduct as tf.KernelFunc,
  });
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: backpropInputPolyphase as tf.KernelFunc,
  });
  const replaced = tf.sum(x, 1);
  const replacedDx = tf.conv2dTranspose(dy, filter, [4, 18, 18, 8], 2, 'valid');
  const diff = async (a: tf.Tensor, b: tf.Tensor) =>
    (await tf.max(tf.abs(tf.sub(a, b))).data())[0]!.toExponential(1);
  console.log(
    `replacements vs stock: Sum max |diff| ${await diff(stock, replaced)}, Conv2DBackpropInput max |diff| ${await diff(stockDx, replacedDx)}`,
  );
  tf.dispose([x, stock, replaced, dy, filter, stockDx, replacedDx]);
} else {
  const x = tf.randomNormal([4096, 256]);
  const stock = tf.step(x);
  tf.unregisterKernel('Step', backend);
  tf.registerKernel({
    kernelName: 'Step',
    backendName: backend,
    kernelFunc: stepAsComparison as tf.KernelFunc,
  });
  const replaced = tf.step(x);
  const diff = (await tf.max(tf.abs(tf.sub(stock, replaced))).data())[0];
  console.log(`replacement vs stock: Step max |diff| ${diff}`);
  tf.dispose([x, stock, replaced]);
}

await timeCritics('replaced');
