import { createHash } from 'node:crypto';
import { useSha256 } from '../src/core/codec/sha256.js';

/** The simulator hashes every frame it carries: node's native SHA-256 gives the same digests faster. */
useSha256((text) => createHash('sha256').update(text, 'utf8').digest('hex'));
