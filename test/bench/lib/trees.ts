// Download trees for the benchmarks: deterministic (a seeded generator picks names and sizes)
// and incompressible (contents from an AES-CTR keystream), shaped like the downloaders' output.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface TreeSpec {
  readonly name: string;
  readonly files: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  // Large files on top of the small ones (bytes each), e.g. videos.
  readonly large?: readonly number[];
  readonly folders: number;
  // Sizes spread log-uniformly (many small photos, fewer big ones) rather than uniformly.
  readonly logSizes?: boolean;
}

const MIB = 1024 * 1024;
// The mixed tree: 1,997 files of 10 KiB-2 MiB plus videos of 185, 278 and 300 MiB (1.43 GiB).
export const MIXED: TreeSpec = {
  name: 'mixed-2000',
  files: 1997,
  minBytes: 10 * 1024,
  maxBytes: 2 * MIB,
  large: [185 * MIB, 278 * MIB, 300 * MIB],
  folders: 40,
  logSizes: true,
};
export const SMALL_100K: TreeSpec = {
  name: 'small-100k',
  files: 100_000,
  minBytes: 1024,
  maxBytes: 8 * 1024,
  folders: 100,
};
export const QUICK: TreeSpec = {
  name: 'quick-400',
  files: 397,
  minBytes: 10 * 1024,
  maxBytes: 2 * MIB,
  large: [64 * MIB, 80 * MIB, 96 * MIB],
  folders: 10,
  logSizes: true,
};

// A small deterministic generator (mulberry32).
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeIncompressible(file: string, bytes: number, seed: number): void {
  const key = crypto.createHash('sha256').update(`tgsync-bench-${seed}`).digest().subarray(0, 16);
  const cipher = crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(Math.min(bytes, 8 * MIB));
  const fd = fs.openSync(file, 'w');
  try {
    for (let left = bytes; left > 0; left -= zeros.length)
      fs.writeSync(fd, cipher.update(left >= zeros.length ? zeros : zeros.subarray(0, left)));
  } finally {
    fs.closeSync(fd);
  }
}

// The tree under `root/<spec.name>` (made once; a marker says it is complete). Returns its path and size.
export function ensureTree(root: string, spec: TreeSpec): { dir: string; files: number; bytes: number } {
  const dir = path.join(root, spec.name);
  const marker = path.join(root, `${spec.name}${spec.logSizes ? '-log' : ''}.done`);
  const random = rng(spec.files * 7919 + spec.maxBytes);
  const size = () =>
    spec.logSizes
      ? Math.round(spec.minBytes * (spec.maxBytes / spec.minBytes) ** random())
      : spec.minBytes + Math.floor(random() * (spec.maxBytes - spec.minBytes));
  const sizes = Array.from({ length: spec.files }, size);
  const all = [...sizes, ...(spec.large ?? [])];
  const bytes = all.reduce((a, b) => a + b, 0);
  if (fs.existsSync(marker)) return { dir, files: all.length, bytes };
  fs.rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < all.length; i++) {
    const large = i >= sizes.length;
    const folder = large
      ? path.join(dir, 'videos')
      : path.join(dir, `Channel ${i % spec.folders}`, String(2024 + (i % 3)));
    if (!fs.existsSync(folder)) fs.mkdirSync(folder, { recursive: true });
    const name = large ? `-100${i}_${i} video ${i}.mp4` : `${i}_${Math.floor(random() * 1e6)} photo ${i}.jpg`;
    writeIncompressible(path.join(folder, name), all[i]!, i);
  }
  fs.writeFileSync(marker, '');
  return { dir, files: all.length, bytes };
}
