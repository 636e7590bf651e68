import type { KeyObject } from 'node:crypto';

// node:crypto always hashes the message it verifies and cannot take a digest instead. A
// message-signature bundle for an image carries only the image digest (the sha256 of its
// manifest), so the ECDSA check is done here on the digest itself, as sigstore-go and cosign do
// with `--digest`. NIST P-256 domain parameters, FIPS 186-4 D.1.2.3.
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
const G: Point = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};

/** An affine point; `null` is the point at infinity. */
type Point = { x: bigint; y: bigint } | null;

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function invert(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function add(p: Point, q: Point): Point {
  if (!p) return q;
  if (!q) return p;
  let slope: bigint;
  if (p.x === q.x) {
    if (mod(p.y + q.y, P) === 0n) return null;
    slope = mod((3n * p.x * p.x + A) * invert(2n * p.y, P), P);
  } else {
    slope = mod((q.y - p.y) * invert(q.x - p.x, P), P);
  }
  const x = mod(slope * slope - p.x - q.x, P);
  return { x, y: mod(slope * (p.x - x) - p.y, P) };
}

function multiply(k: bigint, point: Point): Point {
  let result: Point = null;
  let addend = point;
  for (let n = k; n > 0n; n >>= 1n) {
    if (n & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

/** r and s of an ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`; undefined when malformed. */
function parseDerSignature(der: Buffer): { r: bigint; s: bigint } | undefined {
  // A P-256 signature is at most 72 bytes, so every length fits the one-byte short form.
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const ints: bigint[] = [];
  let at = 2;
  for (let i = 0; i < 2; i += 1) {
    const length = der[at + 1] ?? 0x80;
    if (der[at] !== 0x02 || length === 0 || length > 33 || at + 2 + length > der.length) {
      return undefined;
    }
    ints.push(toBigInt(der.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return at === der.length ? { r: ints[0]!, s: ints[1]! } : undefined;
}

/**
 * Whether `signature` (DER) is an ECDSA signature by the P-256 `publicKey` over a message whose
 * SHA-256 is `digest`. False for any other key type or curve.
 */
export function verifyPrehashedP256(
  publicKey: KeyObject,
  digest: Buffer,
  signature: Buffer,
): boolean {
  if (
    publicKey.asymmetricKeyType !== 'ec' ||
    publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1' ||
    digest.length !== 32
  ) {
    return false;
  }
  const parsed = parseDerSignature(signature);
  if (!parsed) return false;
  const { r, s } = parsed;
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const jwk = publicKey.export({ format: 'jwk' });
  const q: Point = {
    x: toBigInt(Buffer.from(jwk.x ?? '', 'base64url')),
    y: toBigInt(Buffer.from(jwk.y ?? '', 'base64url')),
  };
  const w = invert(s, N);
  const point = add(multiply(mod(toBigInt(digest) * w, N), G), multiply(mod(r * w, N), q));
  return point !== null && mod(point.x, N) === r;
}
