// Node module-resolution hooks, registered by reference.mjs through node:module register().
//
// face-api's dist/face-api.esm-nobundle.js imports three deep ESM entry points:
//   '@tensorflow/tfjs/dist/index.js'
//   '@tensorflow/tfjs-backend-webgl/dist/index.js'
//   '@tensorflow/tfjs-backend-wasm/dist/index.js'
// These ESM trees use extension-less relative imports (they are meant for bundlers), so Node
// cannot load them. We redirect:
//   - '@tensorflow/tfjs/dist/index.js' -> '@tensorflow/tfjs' (its Node entry dist/tf.node.js:
//     tfjs-core + chained ops + gradients + the pure-JS 'cpu' backend; the webgl backend it
//     bundles only registers itself in a browser),
//   - the webgl and wasm backend entry points -> an empty module (tfjs-backend-wasm is not
//     even installed).
const EMPTY = 'data:text/javascript,export%20%7B%7D%3B';

export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@tensorflow/tfjs/dist/index.js') return nextResolve('@tensorflow/tfjs', context);
  if (specifier === '@tensorflow/tfjs-backend-webgl/dist/index.js'
    || specifier === '@tensorflow/tfjs-backend-wasm/dist/index.js') {
    return { url: EMPTY, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
