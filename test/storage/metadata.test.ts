import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  contentTypeFor,
  decodeMetadataValue,
  encodeMetadataValue,
  objectMetadata,
  originalNameOf,
} from '../../lib/storage/metadata.ts';

test('metadata values are ASCII and round-trip', () => {
  const name = 'Канал/фото 1 🎉.jpg';
  const enc = encodeMetadataValue(name);
  assert.ok(/^[\x20-\x7e]*$/.test(enc));
  assert.is(decodeMetadataValue(enc), name);
  assert.is(decodeMetadataValue('%E0%A4%A'), '%E0%A4%A');
});

test('the metadata of an upload: sha256, the original name (ASCII), the source mtime; content type from the name', () => {
  const m = objectMetadata({ sha256: 'ab', originalName: 'Канал/a b.jpg', mtimeMs: Date.UTC(2024, 0, 15, 10) });
  assert.equal(Object.keys(m).sort(), ['original-name', 'sha256', 'source-mtime']);
  assert.is(m['source-mtime'], '2024-01-15T10:00:00.000Z');
  assert.is(originalNameOf(m), 'Канал/a b.jpg');
  assert.is(originalNameOf({}), undefined);
  assert.is(contentTypeFor('x/clip.mp4'), 'video/mp4');
  assert.is(contentTypeFor('no-extension'), 'application/octet-stream');
});

test.run();
