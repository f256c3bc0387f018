import { describe, expect, it } from 'vitest';
import { exposureWarning } from '../../../src/runtime/exposure-warning.js';

const TLS = { key: 'k', cert: 'c' };

describe('exposureWarning', () => {
  it('says nothing of a primary on loopback, where no other host reaches it', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) expect(exposureWarning(host, null, null)).toBeNull();
  });

  it('names what a primary reachable from other hosts lacks', () => {
    expect(exposureWarning('0.0.0.0', null, null)).toBe(
      'primary listens on 0.0.0.0, reachable from other hosts, without TLS (the data travels in clear) and without an auth token ' +
        '(any host that connects receives every write): set tls and authToken, or listenHost 127.0.0.1',
    );
    expect(exposureWarning('::', TLS, null)).toMatch(/without an auth token/);
    expect(exposureWarning('10.0.0.5', TLS, null)).not.toMatch(/without TLS/);
    expect(exposureWarning('10.0.0.5', null, 'token')).toMatch(/^primary listens on 10\.0\.0\.5, reachable from other hosts, without TLS \(the data travels in clear\): /);
    expect(exposureWarning('0.0.0.0', TLS, 'token')).toBeNull();
  });
});
