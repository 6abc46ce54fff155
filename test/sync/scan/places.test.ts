import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listDirectory, placeOf, type Place } from '../../../lib/sync/scan/places.ts';
import { tempDir, writeFile } from '../../support/env.ts';

const rootPlace = (dir: string): Place => ({ fs: dir, text: dir, rel: '', rawRel: undefined });

test('plain names: text places that open as they read', () => {
  const root = tempDir('places');
  writeFile(root, 'chan/a b.jpg', 'x');
  const [chan] = listDirectory(rootPlace(root));
  assert.equal(chan!.place, {
    fs: path.join(root, 'chan'),
    text: path.join(root, 'chan'),
    rel: 'chan',
    rawRel: undefined,
  });
  const [file] = listDirectory(chan!.place);
  assert.is(file!.place.rel, 'chan/a b.jpg');
  assert.is(fs.readFileSync(file!.place.fs, 'utf8'), 'x');
});

test('a name that is not UTF-8: named as text, opened by its exact bytes, also below it', () => {
  const root = tempDir('places');
  const bad = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // Latin-1 "café"
  const dir = Buffer.concat([Buffer.from(root + '/'), bad]);
  fs.mkdirSync(dir);
  fs.writeFileSync(Buffer.concat([dir, Buffer.from('/f.txt')]), 'y');
  const [entry] = listDirectory(rootPlace(root));
  assert.ok(Buffer.isBuffer(entry!.place.fs));
  assert.equal(entry!.place.rawRel, bad);
  const inner = placeOf(entry!.place, Buffer.from('f.txt'));
  assert.is(inner.rel, `${entry!.place.rel}/f.txt`);
  assert.equal(inner.rawRel, Buffer.concat([bad, Buffer.from('/f.txt')]));
  assert.is(fs.readFileSync(inner.fs, 'utf8'), 'y');
});

test.run();
