/** The runtime's clock: Unix milliseconds as an integer, the unit the core reasons in. */
export function systemNowMs(): number {
  return Date.now();
}
