/** Bounds on what the stand-in proxy holds, so a misbehaving test cannot exhaust the machine. */
export const FAULT_PROXY_LIMITS = {
  /** Proxies one API server manages. */
  proxiesMax: 64,
  /** Live client connections per proxy; more are refused at accept. */
  connectionsPerProxyMax: 256,
  /** Toxics per proxy. */
  toxicsPerProxyMax: 16,
  /** Bytes a stream may hold waiting for its toxics before its source is paused. */
  bufferedBytesMax: 1 << 20,
  /** Size of an HTTP request body the API reads. */
  requestBodyBytesMax: 64 * 1024,
  /** Largest value of any toxic attribute: ten minutes in microseconds (slicer's delay unit), so no toxic holds a link for longer. */
  attributeMax: 600_000_000,
} as const;
