import { createHash } from 'node:crypto';
import { useSha256 } from '../core/codec/sha256.js';

/**
 * Every frame carries a SHA-256: node's native implementation gives the same digests as the
 * core's portable one, several times faster. Importing this module installs it.
 */
useSha256((text) => createHash('sha256').update(text, 'utf8').digest('hex'));
