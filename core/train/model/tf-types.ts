import type * as tfjs from '@tensorflow/tfjs';

/** The TensorFlow.js namespace Orchard trains with; tfjs-node re-exports the same API. */
export type Tf = typeof tfjs;
