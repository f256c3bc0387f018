import { readFile } from 'node:fs/promises';
import type { TlsOptions } from '../runtime/transport.js';
import { UsageError } from './usage-error.js';

/** The TLS files a node was given on the command line; read when it starts. */
export interface TlsFiles {
  readonly cert: string | null;
  readonly key: string | null;
  readonly ca: string | null;
  /** Primary: mutual TLS, every secondary shows a certificate from --tls-ca. */
  readonly requireClientCert: boolean;
}

export interface TlsFlagValues {
  readonly 'tls-cert'?: string | undefined;
  readonly 'tls-key'?: string | undefined;
  readonly 'tls-ca'?: string | undefined;
  readonly 'tls-require-client-cert'?: boolean | undefined;
}

/** Null when no TLS flag is given; the rules resolveConfig would also enforce, said in the flags' names. */
export function tlsFilesOf(values: TlsFlagValues, mode: 'primary' | 'secondary'): TlsFiles | null {
  const files: TlsFiles = {
    cert: values['tls-cert'] ?? null,
    key: values['tls-key'] ?? null,
    ca: values['tls-ca'] ?? null,
    requireClientCert: values['tls-require-client-cert'] === true,
  };
  if (files.cert === null && files.key === null && files.ca === null && !files.requireClientCert) return null;
  if ((files.cert === null) !== (files.key === null)) throw new UsageError('--tls-cert and --tls-key go together');
  if (mode === 'primary' && files.cert === null) throw new UsageError('TLS on a primary needs --tls-cert and --tls-key');
  if (files.requireClientCert && mode !== 'primary') throw new UsageError('--tls-require-client-cert is the primary\'s: a secondary gives its own --tls-cert and --tls-key');
  if (files.requireClientCert && files.ca === null) throw new UsageError('--tls-require-client-cert needs --tls-ca: the authority that signs the secondaries\' certificates');
  return files;
}

/**
 * Reads the files one after another, so that of two that cannot be read the error names the first in
 * flag order, whichever the disk answers first (in parallel, the error depended on the race).
 */
export async function loadTls(files: TlsFiles): Promise<TlsOptions> {
  const cert = await readFlag('--tls-cert', files.cert);
  const key = await readFlag('--tls-key', files.key);
  const ca = await readFlag('--tls-ca', files.ca);
  return {
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(ca === undefined ? {} : { ca }),
    ...(files.requireClientCert ? { requestCert: true } : {}),
  };
}

async function readFlag(flag: string, path: string | null): Promise<Buffer | undefined> {
  if (path === null) return undefined;
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}
