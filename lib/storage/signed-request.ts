// The one door to the minio client's signed-request path (makeRequestAsync and
// makeRequestStreamAsync), which its maintainers call internal. We need it for what the public
// API does not offer: a PUT signed with the SHA-256 we already computed (so the server verifies
// every byte, README "Why it is faster"), copies conditional on an ETag with replaced metadata,
// HEAD ?partNumber=1, and listings whose keys we decode ourselves. package.json pins minio to the
// exact version this was checked against, and test/storage/signed-request.test.ts fails if the
// shape changes (a method missing, its arity, the installed version).
import type { IncomingMessage } from 'node:http';
import type * as Minio from 'minio';

export const MINIO_CHECKED_VERSION = '8.0.7';

export interface SignedRequest {
  readonly method: 'GET' | 'PUT' | 'HEAD' | 'POST' | 'DELETE';
  readonly bucketName: string;
  readonly objectName?: string;
  readonly query?: string;
  readonly headers?: Record<string, string>;
}

// The internal methods, as typed here (the minio typings mark them @internal).
interface SignedPath {
  makeRequestAsync(o: SignedRequest, payload: string, codes: number[], region: string): Promise<IncomingMessage>;
  makeRequestStreamAsync(
    o: SignedRequest,
    body: Buffer,
    sha256: string,
    codes: number[],
    region: string,
  ): Promise<IncomingMessage>;
}

// A request without a body (the client signs the empty payload itself).
export function sendSigned(
  client: Minio.Client,
  request: SignedRequest,
  expected: number[] = [200],
  region = '',
): Promise<IncomingMessage> {
  return (client as unknown as SignedPath).makeRequestAsync(request, '', expected, region);
}

// A request whose body is `body`, signed with `bodySha256` (empty: an unsigned payload, over https).
export function sendSignedBody(
  client: Minio.Client,
  request: SignedRequest,
  body: Buffer,
  bodySha256: string,
  expected: number[] = [200],
  region = '',
): Promise<IncomingMessage> {
  return (client as unknown as SignedPath).makeRequestStreamAsync(request, body, bodySha256, expected, region);
}

export async function readText(res: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function drain(res: NodeJS.ReadableStream): Promise<void> {
  for await (const _ of res) void _;
}
