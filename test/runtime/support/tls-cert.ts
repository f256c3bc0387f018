import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  readonly key: Buffer;
  readonly cert: Buffer;
}

/** A throw-away self-signed certificate for 127.0.0.1, or null (with the reason) without openssl. */
export function selfSignedCert(): SelfSigned | string {
  const dir = mkdtempSync(join(tmpdir(), 'nadb-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } catch (error) {
    return `openssl could not make a certificate: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Authority {
  readonly cert: Buffer;
  /** A key and a certificate this authority signs, for 127.0.0.1, good as a server's and a client's. */
  issue(commonName: string): SelfSigned;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * A throw-away certificate authority made with openssl at test time (its key stays in a temporary
 * directory until `dispose`), or the reason it could not be made.
 */
export function certificateAuthority(name: string): (Authority & { dispose(): void }) | string {
  const dir = mkdtempSync(join(tmpdir(), 'nadb-ca-'));
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  try {
    const [caKey, caCert] = [join(dir, 'ca.key'), join(dir, 'ca.pem')];
    run(['req', '-x509', ...EC_KEY, '-keyout', caKey, '-out', caCert, '-days', '1', '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
    const extensions = join(dir, 'leaf.ext');
    writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
    let serial = 0;
    const issue = (commonName: string): SelfSigned => {
      serial += 1;
      const [key, request, cert] = ['key', 'csr', 'pem'].map((extension) => join(dir, `leaf-${serial}.${extension}`)) as [string, string, string];
      run(['req', '-new', ...EC_KEY, '-keyout', key, '-out', request, '-subj', `/CN=${commonName}`]);
      run(['x509', '-req', '-in', request, '-CA', caCert, '-CAkey', caKey, '-set_serial', String(serial), '-days', '1', '-extfile', extensions, '-out', cert]);
      return { key: readFileSync(key), cert: readFileSync(cert) };
    };
    return { cert: readFileSync(caCert), issue, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return `openssl could not make a certificate authority: ${error instanceof Error ? error.message : String(error)}`;
  }
}
