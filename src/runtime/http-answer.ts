import type { ServerResponse } from 'node:http';

/** One whole answer. Node sends no body for HEAD; the headers, length included, are those of GET. */
export function answer(response: ServerResponse, status: number, contentType: string, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, { 'content-type': contentType, 'content-length': String(bytes.byteLength), ...headers }).end(bytes);
}
