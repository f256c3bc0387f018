/** `npm run chaos:images`: (re)builds the chaos lab's local images from this host's binaries. */
import { buildLocalImages } from './images.js';
import { findContainerRuntime } from './runtime.js';

const runtime = await findContainerRuntime();
if (!('client' in runtime)) throw new Error(`no container runtime to build the images on: ${runtime.problem}`);
await buildLocalImages(runtime.client, false, (line) => process.stdout.write(`${line}\n`));
